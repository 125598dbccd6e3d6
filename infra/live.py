"""The live channel in AWS (docs/adr/0006-live-channel.md): consoles subscribe to IoT Core over WSS with
short-lived credentials from a Cognito identity pool (cognito auth mode only).

- The identity pool trusts the stack's user pool (no unauthenticated identities) and maps the ID token's
  tenancy claims onto principal tags (`enterprise_id`, `scope`).
- Its authenticated role may connect only as its own Cognito identity, subscribe to and receive only
  `live/enterprise/${aws:PrincipalTag/enterprise_id}/*`, or, for park-scoped accounts, `live/park/<park_id>/*`:
  the rule of `chalicelib.live.domain.Audience`, which the local broker applies.
- IoT Core also wants an IoT policy on a Cognito identity: `live-console` allows the live topics only; the API
  attaches it to the caller's identity in `GET /live/connection` (the role's policy narrows it per tenant).
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_iot as iot

from chalicelib.core import catalog
from chalicelib.core.identity import ENTERPRISE_CLAIM, PARK_SCOPE, SCOPE_CLAIM
from chalicelib.live.domain import ROOT

POLICY = "live-console"  # catalog.resource_name(POLICY): the IoT policy GET /live/connection attaches
IDENTITY = "${cognito-identity.amazonaws.com:sub}"


def identity_pool_name() -> str:
    return catalog.resource_name("live").replace("-", "_")  # identity pool names allow no hyphen


def policy_name() -> str:
    return catalog.resource_name(POLICY)


def build(stack: Stack, pool: cognito.UserPool, client: cognito.UserPoolClient, park_id: str) -> None:
    """The identity pool (named `catalog.identity_pool_name()`: the API finds it by name, as every environment
    variable costs the template a copy per function), its role and the IoT policy."""
    identity_pool = cognito.CfnIdentityPool(
        stack,
        "LiveIdentityPool",
        identity_pool_name=identity_pool_name(),
        allow_unauthenticated_identities=False,
        cognito_identity_providers=[
            cognito.CfnIdentityPool.CognitoIdentityProviderProperty(
                client_id=client.user_pool_client_id, provider_name=pool.user_pool_provider_name
            )
        ],
    )
    cognito.CfnIdentityPoolPrincipalTag(
        stack,
        "LivePrincipalTags",
        identity_pool_id=identity_pool.ref,
        identity_provider_name=pool.user_pool_provider_name,
        principal_tags={"enterprise_id": ENTERPRISE_CLAIM, "scope": SCOPE_CLAIM},
        use_defaults=False,
    )
    role = iam.Role(
        stack,
        "LiveConsoleRole",
        assumed_by=iam.FederatedPrincipal(
            "cognito-identity.amazonaws.com",
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool.ref},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
            "sts:AssumeRoleWithWebIdentity",
        ).with_session_tags(),
        description="Consoles on the live channel: IoT Core over WSS, their own tenant's live topics only",
    )

    def arn(kind: str, name: str) -> str:
        return stack.format_arn(service="iot", resource=kind, resource_name=name)

    enterprise, park = f"{ROOT}/enterprise/${{aws:PrincipalTag/enterprise_id}}/*", f"{ROOT}/park/{park_id}/*"
    role.add_to_policy(iam.PolicyStatement(actions=["iot:Connect"], resources=[arn("client", IDENTITY)]))
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["iot:Subscribe", "iot:Receive"],
            resources=[arn("topicfilter", enterprise), arn("topic", enterprise)],
            conditions={"StringLike": {"aws:PrincipalTag/enterprise_id": "?*"}},
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["iot:Subscribe", "iot:Receive"],
            resources=[arn("topicfilter", park), arn("topic", park)],
            conditions={"StringEquals": {"aws:PrincipalTag/scope": PARK_SCOPE}},
        )
    )
    cognito.CfnIdentityPoolRoleAttachment(
        stack, "LiveRoles", identity_pool_id=identity_pool.ref, roles={"authenticated": role.role_arn}
    )
    iot.CfnPolicy(
        stack,
        "LiveConsolePolicy",
        policy_name=policy_name(),
        policy_document={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iot:Connect", "Resource": arn("client", IDENTITY)},
                {
                    "Effect": "Allow",
                    "Action": ["iot:Subscribe"],
                    "Resource": [arn("topicfilter", f"{ROOT}/enterprise/*"), arn("topicfilter", park)],
                },
                {
                    "Effect": "Allow",
                    "Action": ["iot:Receive"],
                    "Resource": [arn("topic", f"{ROOT}/enterprise/*"), arn("topic", park)],
                },
            ],
        },
    )
