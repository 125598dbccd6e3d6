"""SNS mobile push platform applications (notify.mobile), one per platform of `catalog.PUSH_APPS`.

CloudFormation has no resource type for them, so each is a CDK AwsCustomResource calling SNS
(Create/SetPlatformApplicationAttributes/DeletePlatformApplication). The credentials (APNs signing key, FCM
service account) are never in the repository, a CDK context value or the template: the operator keeps them
in Secrets Manager under `<prefix>-push/<platform>` (docs/notify.md says which JSON keys), and the template
holds only `{{resolve:secretsmanager:...}}` dynamic references that CloudFormation resolves while deploying;
the provider's logging is switched to hide the call's data.

`-c push_platforms=apns,fcm` (the default) chooses the platforms; `-c push_platforms=none` deploys without
mobile push, and device registration then answers that the platform is not configured.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, SecretValue, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from chalicelib.core import catalog
from infra import nag

# The attributes SNS takes per platform (token-based APNs; FCM HTTP v1), each a JSON key of the secret.
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "apns": ("PlatformCredential", "PlatformPrincipal", "ApplePlatformTeamID", "ApplePlatformBundleID"),
    "fcm": ("PlatformCredential",),
}
ACTIONS = ["sns:CreatePlatformApplication", "sns:SetPlatformApplicationAttributes", "sns:DeletePlatformApplication"]


def platforms(scope: Construct) -> list[str]:
    given = str(scope.node.try_get_context("push_platforms") or ",".join(catalog.PUSH_APPS))
    chosen = [] if given.strip() == "none" else [p.strip() for p in given.split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(catalog.PUSH_APPS))
    if unknown:
        raise ValueError(f"push_platforms: {unknown} are not SNS platforms of catalog.PUSH_APPS")
    return chosen


def secret_name(platform: str) -> str:
    return f"{catalog.resource_name('push')}/{platform}"


def app_arn(stack: Stack, platform: str) -> str:
    """The application's ARN from its name (SNS: `app/<PLATFORM>/<name>`), known before it exists."""
    name = f"{catalog.PUSH_APPS[platform]}/{catalog.resource_name(f'push-{platform}')}"
    return stack.format_arn(service="sns", resource="app", resource_name=name, arn_format=ArnFormat.SLASH_RESOURCE_NAME)


def build(scope: Construct) -> dict[str, str]:
    """Platform -> platform application ARN. The runtime derives the same ARN from the notifications topic's
    (catalog.push_app_arn), so no function carries a variable per platform (the template is near 1 MB)."""
    stack, out = Stack.of(scope), {}
    for platform in platforms(scope):
        attributes = {  # {{resolve:secretsmanager:<name>:SecretString:<key>}}: resolved by CloudFormation only
            key: SecretValue.secrets_manager(secret_name(platform), json_field=key).unsafe_unwrap()
            for key in CREDENTIALS[platform]
        }
        arn = app_arn(stack, platform)
        name = catalog.resource_name(f"push-{platform}")
        hidden = cr.Logging.with_data_hidden()  # the call carries the resolved credentials
        cr.AwsCustomResource(
            scope,
            f"Push{platform.title()}App",
            resource_type="Custom::SnsPlatformApplication",
            on_create=cr.AwsSdkCall(
                service="SNS",
                action="createPlatformApplication",
                parameters={"Name": name, "Platform": catalog.PUSH_APPS[platform], "Attributes": attributes},
                physical_resource_id=cr.PhysicalResourceId.of(arn),
                logging=hidden,
            ),
            on_update=cr.AwsSdkCall(
                service="SNS",
                action="setPlatformApplicationAttributes",
                parameters={"PlatformApplicationArn": arn, "Attributes": attributes},
                physical_resource_id=cr.PhysicalResourceId.of(arn),
                logging=hidden,
            ),
            on_delete=cr.AwsSdkCall(
                service="SNS", action="deletePlatformApplication", parameters={"PlatformApplicationArn": arn}
            ),
            # "*": the platform application actions have no resource-level permissions (nag.STAR_ACTIONS).
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(actions=ACTIONS, resources=["*"])]),
            install_latest_aws_sdk=False,
        )
        out[platform] = arn
    if out:
        provider = stack.node.find_child("AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", ""))
        nag.acknowledge(
            provider.node.find_child("ServiceRole"),
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "CDK's AwsCustomResource provider runs only while deploying (platform applications); the managed policy "
            "lets it write its own logs, and its SNS grant is the inline policy next to it.",
        )
    return out
