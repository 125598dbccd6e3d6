"""Who may call the API: a Cognito user pool (default), or with `-c auth=oidc` any OIDC provider's tokens
through a Lambda authorizer (infra/oidc.py), for regions where Cognito user pools are not offered.

Either way the API function applies the same Identity rules (chalicelib/core/identity.py): roles from
groups, and tenancy always explicit: `custom:enterprise_id` binds an account to one enterprise,
`custom:scope = park` makes it park-wide, an account with neither (or both) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct, Node

from chalicelib.core import catalog
from chalicelib.core.identity import ENTERPRISE_CLAIM, PARK_SCOPE, SCOPE_CLAIM, Role
from chalicelib.core.settings import Settings
from infra import nag
from infra.oidc import OidcAuthorizer

ENTERPRISE_ATTRIBUTE = ENTERPRISE_CLAIM.removeprefix("custom:")  # the pool adds the "custom:" prefix itself
SCOPE_ATTRIBUTE = SCOPE_CLAIM.removeprefix("custom:")
MODES = ("cognito", "oidc")
# CDK context keys of oidc mode are the Settings fields of the same name (`-c oidc_issuer=...`).
OIDC_CONTEXT = tuple(n for n in Settings.model_fields if n.startswith("oidc_") and n != "oidc_authorizer_uri")


@dataclass(frozen=True)
class Options:
    mode: str = "cognito"
    oidc: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_context(cls, node: Node) -> Options:
        mode = str(node.try_get_context("auth") or "cognito")
        if mode not in MODES:
            raise ValueError(f"-c auth={mode}: choose one of {', '.join(MODES)}")
        oidc = {name: str(value) for name in OIDC_CONTEXT if (value := node.try_get_context(name)) not in (None, "")}
        if mode == "oidc":
            checked = Settings.model_validate({"auth_mode": "oidc", **oidc})  # types and ranges, as at run time
            missing = [n for n in ("oidc_issuer", "oidc_audience") if not getattr(checked, n)]
            if missing:
                raise ValueError(f"-c auth=oidc needs {' and '.join(f'-c {n}=...' for n in missing)}")
            for name in ("oidc_issuer", "oidc_jwks_url"):
                if oidc.get(name) and not oidc[name].startswith("https://"):
                    raise ValueError(f"-c {name}: the provider must be reached over https")
        return cls(mode=mode, oidc=oidc)


@dataclass
class Auth:
    mode: str
    app_settings: dict[str, Any]  # what app.py must see when imported: which authorizer its routes declare
    pool: cognito.UserPool | None = None
    client: cognito.UserPoolClient | None = None
    authorizer: OidcAuthorizer | None = None


def build(scope: Construct, options: Options) -> Auth:
    if options.mode == "oidc":
        authorizer = OidcAuthorizer(scope, "OidcAuthorizer", options.oidc)
        settings = {"auth_mode": "oidc", "oidc_authorizer_uri": authorizer.uri}
        if "oidc_authorizer_ttl_s" in options.oidc:
            settings["oidc_authorizer_ttl_s"] = options.oidc["oidc_authorizer_ttl_s"]
        return Auth("oidc", settings, authorizer=authorizer)
    pool, client = _user_pool(scope)
    return Auth("cognito", {"auth_mode": "cognito", "cognito_user_pool_arn": pool.user_pool_arn}, pool, client)


def client_attributes() -> tuple[cognito.ClientAttributes, cognito.ClientAttributes]:
    """What every app client reads and writes: tenancy claims readable (in the ID token), never writable."""
    read = (
        cognito.ClientAttributes()
        .with_standard_attributes(email=True, fullname=True, phone_number=True, email_verified=True)
        .with_custom_attributes(ENTERPRISE_ATTRIBUTE, SCOPE_ATTRIBUTE)
    )
    return read, cognito.ClientAttributes().with_standard_attributes(email=True, fullname=True, phone_number=True)


def _user_pool(scope: Construct) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
    pool = cognito.UserPool(
        scope,
        "UserPool",
        user_pool_name=catalog.resource_name("users"),
        # Accounts are issued by the park (park admin / enterprise onboarding), never self-registered.
        self_sign_up_enabled=False,
        sign_in_aliases=cognito.SignInAliases(username=True, email=True),
        auto_verify=cognito.AutoVerifiedAttrs(email=True),
        password_policy=cognito.PasswordPolicy(
            min_length=12,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
            temp_password_validity=Duration.days(3),
        ),
        mfa=cognito.Mfa.OPTIONAL,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        # Plus tier, threat protection enforced: Cognito checks each sign-in for compromised credentials and
        # risk, and acts on it (cdk-nag AwsSolutions-COG8). A few cents per active user and month.
        feature_plan=cognito.FeaturePlan.PLUS,
        standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        custom_attributes={
            # Tenancy: which enterprise an enterprise-scoped account belongs to (claim custom:enterprise_id) ...
            ENTERPRISE_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            # ... or, for a park-level account, custom:scope = "park". Set by admins; an account with neither
            # claim is refused by the API (403 ACCOUNT_SCOPE_INVALID).
            SCOPE_ATTRIBUTE: cognito.StringAttribute(min_len=len(PARK_SCOPE), max_len=16, mutable=True),
        },
        deletion_protection=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    nag.acknowledge(
        pool.node.default_child,
        "AwsSolutions-COG2",
        "TOTP MFA is offered to every account; requiring it for all (unattended big-screen and integration "
        "accounts included) is a park policy decision recorded in docs/adr/0003. CloudFormation does not move an "
        "existing pool from optional to required MFA in place (cloudformation-coverage-roadmap#1176).",
    )
    for role in Role:
        cognito.CfnUserPoolGroup(
            scope,
            f"Group{role.value.title().replace('_', '')}",
            user_pool_id=pool.user_pool_id,
            group_name=role.value,
            description=f"chempark role {role.value}",
        )
    # Users may read their tenancy claims but never write them: only admins (AdminUpdateUserAttributes) can.
    read, write = client_attributes()
    client = pool.add_client(
        "AppClient",
        user_pool_client_name=catalog.resource_name("console"),
        generate_secret=False,  # browser and mobile clients cannot keep a secret
        auth_flows=cognito.AuthFlow(user_srp=True),
        prevent_user_existence_errors=True,
        read_attributes=read,
        write_attributes=write,
        id_token_validity=Duration.hours(1),
        access_token_validity=Duration.hours(1),
        refresh_token_validity=Duration.days(30),
    )
    return pool, client
