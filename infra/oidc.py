"""The `oidc` auth mode's Lambda authorizer: a function of its own, run from the Chalice package.

For regions where Cognito user pools are not offered (the China regions among them): `-c auth=oidc
-c oidc_issuer=https://… -c oidc_audience=…` puts this TOKEN authorizer in front of every non-public
route instead of the Cognito authorizer. It verifies the bearer token against the provider's JWKS
(chalicelib/core/oidc.py) and hands the mapped claims to the API function (chalicelib/core/authn.py).

Its ARN is formatted from an explicit name, because app.py must be imported (with the authorizer's URI)
before the Chalice package, whose zip the function then runs from, exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import ArnFormat, Aws, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.core import catalog, observability
from chalicelib.core.settings import env_names, get_settings
from infra import nag

HANDLER = "chalicelib.core.authorizer.handler"
RUNTIME = lambda_.Runtime.PYTHON_3_11  # the Chalice package's wheels are built for the API's runtime
TIMEOUT = Duration.seconds(10)  # a JWKS fetch is bounded at 3 s (core.oidc); API Gateway waits at most 29 s
LOG_RETENTION = logs.RetentionDays.ONE_YEAR  # as the API's logs (infra/api.py)


class OidcAuthorizer(Construct):
    """Call `attach(chalice)` once the Chalice construct exists; `uri` is what app.py declares before that."""

    def __init__(self, scope: Construct, cid: str, settings: Mapping[str, str]) -> None:
        super().__init__(scope, cid)
        self.settings = dict(settings)  # oidc_* settings by name: issuer, audience, jwks url, claim names
        self.function_name = catalog.resource_name("oidc-authorizer")
        arn = Stack.of(self).format_arn(
            service="lambda",
            resource="function",
            resource_name=self.function_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.uri = f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"
        self.function: lambda_.Function | None = None

    def _environment(self) -> dict[str, str]:
        names, settings = env_names(), get_settings()
        env = {
            names["stage"]: settings.stage,
            names["resource_prefix"]: settings.resource_prefix,
            names["auth_mode"]: "oidc",
            names["log_level"]: "INFO",
            "POWERTOOLS_SERVICE_NAME": observability.SERVICE,
        }
        env.update({names[name]: value for name, value in self.settings.items() if name in names})
        return env

    def attach(self, chalice: Chalice) -> lambda_.Function:
        code_asset = chalice.node.find_child("ChaliceAppCode")
        assert isinstance(code_asset, s3_assets.Asset), "chalice.cdk no longer names its package asset ChaliceAppCode"
        group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{self.function_name}",
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Its own role: write its log streams and traces, nothing else (no table, queue or topic).
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="chempark oidc Lambda authorizer (verifies bearer tokens; no data access)",
            inline_policies={
                "logs": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{group.log_group_arn}"]
                        )
                    ]
                )
            },
        )
        function = lambda_.Function(
            self,
            "Function",
            function_name=self.function_name,
            description="chempark: verifies OIDC bearer tokens for API Gateway (auth mode oidc)",
            runtime=RUNTIME,
            handler=HANDLER,
            code=lambda_.Code.from_bucket(code_asset.bucket, code_asset.s3_object_key),
            role=role,
            memory_size=256,
            timeout=TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=group,
            environment=self._environment(),
        )
        nag.acknowledge(
            function,
            "AwsSolutions-L1",
            "The authorizer runs from the Chalice package, whose native wheels are built for the runtime of "
            "every other function of the app (python3.11); the runtime is upgraded for all of them at once.",
        )
        rest_api = chalice.get_resource("RestAPI")
        lambda_.CfnPermission(
            self,
            "InvokedByApiGateway",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            principal="apigateway.amazonaws.com",
            source_arn=f"arn:{Aws.PARTITION}:execute-api:{Aws.REGION}:{Aws.ACCOUNT_ID}:{rest_api.ref}/authorizers/*",
        )
        # The API names the function by a formatted ARN, which CloudFormation cannot see: order it by hand.
        fn_resource = function.node.default_child
        assert isinstance(fn_resource, CfnResource)
        rest_api.add_resource_dependency(fn_resource)
        self.function = function
        return function
