"""Cognito user pool: one group per Role, the enterprise claim, and the app client the consoles sign in with."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from chalicelib.core import catalog
from chalicelib.core.identity import ENTERPRISE_CLAIM, Role

ENTERPRISE_ATTRIBUTE = ENTERPRISE_CLAIM.removeprefix("custom:")  # the pool adds the "custom:" prefix itself


@dataclass
class Auth:
    pool: cognito.UserPool
    client: cognito.UserPoolClient


def build(scope: Construct) -> Auth:
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
        custom_attributes={
            # Tenancy: which enterprise an enterprise-scoped account belongs to (claim custom:enterprise_id).
            ENTERPRISE_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
        },
        deletion_protection=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    for role in Role:
        cognito.CfnUserPoolGroup(
            scope,
            f"Group{role.value.title().replace('_', '')}",
            user_pool_id=pool.user_pool_id,
            group_name=role.value,
            description=f"chempark role {role.value}",
        )
    # Users may read their enterprise claim but never write it: only admins (AdminUpdateUserAttributes) can.
    client = pool.add_client(
        "AppClient",
        user_pool_client_name=catalog.resource_name("console"),
        generate_secret=False,  # browser and mobile clients cannot keep a secret
        auth_flows=cognito.AuthFlow(user_srp=True),
        prevent_user_existence_errors=True,
        read_attributes=cognito.ClientAttributes()
        .with_standard_attributes(
            email=True,
            fullname=True,
            phone_number=True,
            email_verified=True,
        )
        .with_custom_attributes(ENTERPRISE_ATTRIBUTE),
        write_attributes=cognito.ClientAttributes().with_standard_attributes(
            email=True,
            fullname=True,
            phone_number=True,
        ),
        id_token_validity=Duration.hours(1),
        access_token_validity=Duration.hours(1),
        refresh_token_validity=Duration.days(30),
    )
    return Auth(pool=pool, client=client)
