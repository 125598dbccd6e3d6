"""Console hosting: the built console (console/dist) in a private S3 bucket behind CloudFront (origin access
control), HTTPS only, security headers, access logs; Cognito's hosted sign-in (authorization code + PKCE) for it.

The build is uploaded by the deployer (`aws s3 sync console/dist s3://<ConsoleBucketName>`), together with the
`config.json` this stack prints as the ConsoleConfig output, so a synth never depends on a console build."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cf
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.core import catalog
from infra import nag
from infra.auth import Auth, client_attributes
from infra.storage import Data

# The console reaches the API (https), the live channel (wss, IoT Core) and the identity provider (https).
CSP = (
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' https: wss:; frame-ancestors 'none'; base-uri 'self'"
)


def _bucket(scope: Construct, name: str, logical: str, data: Data, **kwargs: Any) -> s3.Bucket:
    return s3.Bucket(
        scope,
        name,
        bucket_name=f"{catalog.resource_name(logical)}-{Aws.ACCOUNT_ID}-{Aws.REGION}",
        versioned=True,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=data.access_logs,
        server_access_logs_prefix=f"{name.lower()}/",
        removal_policy=RemovalPolicy.RETAIN,
        **kwargs,
    )


def _headers(scope: Construct) -> cf.ResponseHeadersPolicy:
    return cf.ResponseHeadersPolicy(
        scope,
        "ConsoleHeaders",
        security_headers_behavior=cf.ResponseSecurityHeadersBehavior(
            content_security_policy=cf.ResponseHeadersContentSecurityPolicy(content_security_policy=CSP, override=True),
            strict_transport_security=cf.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=Duration.days(365), include_subdomains=True, override=True
            ),
            content_type_options=cf.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cf.ResponseHeadersFrameOptions(frame_option=cf.HeadersFrameOption.DENY, override=True),
            referrer_policy=cf.ResponseHeadersReferrerPolicy(
                referrer_policy=cf.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
            ),
        ),
    )


def build(scope: Stack, data: Data, users: Auth, api_url: str) -> cf.Distribution:
    node = scope.node
    domain = node.try_get_context("console_domain")
    certificate_arn = node.try_get_context("console_certificate_arn")
    site = _bucket(scope, "ConsoleBucket", "console", data, object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED)
    # CloudFront standard logs are delivered with ACLs: a bucket of their own that keeps object-writer ownership.
    logs = _bucket(
        scope,
        "ConsoleLogsBucket",
        "console-logs",
        data,
        object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="expire", expiration=Duration.days(400), noncurrent_version_expiration=Duration.days(30)
            )
        ],
    )
    custom = bool(domain and certificate_arn)
    distribution = cf.Distribution(
        scope,
        "ConsoleDistribution",
        comment=f"{catalog.resource_name('console')} operations console",
        default_root_object="index.html",
        default_behavior=cf.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(site),
            viewer_protocol_policy=cf.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=cf.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=_headers(scope),
        ),
        domain_names=[domain] if custom else None,
        certificate=acm.Certificate.from_certificate_arn(scope, "ConsoleCertificate", certificate_arn)
        if custom
        else None,
        minimum_protocol_version=cf.SecurityPolicyProtocol.TLS_V1_2_2021 if custom else None,
        http_version=cf.HttpVersion.HTTP2_AND_3,
        price_class=cf.PriceClass.PRICE_CLASS_ALL,
        enable_logging=True,
        log_bucket=logs,
        log_file_prefix="cloudfront/",
    )
    if not custom:
        nag.acknowledge(
            distribution.node.default_child,
            "AwsSolutions-CFR4",
            "Without -c console_domain/console_certificate_arn the console is served on the default "
            "*.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a domain gets TLSv1.2_2021.",
        )
    url = f"https://{domain}/" if custom else f"https://{distribution.distribution_domain_name}/"
    CfnOutput(scope, "ConsoleUrl", value=url, description="Operations console (upload console/dist and config.json)")
    CfnOutput(scope, "ConsoleBucketName", value=site.bucket_name)
    CfnOutput(
        scope,
        "ConsoleConfig",
        value=scope.to_json_string(_config(scope, users, api_url, url)),
        description="Write as config.json beside the console build",
    )
    return distribution


def _config(scope: Stack, users: Auth, api_url: str, url: str) -> dict[str, Any]:
    """The console's config.json: the API base and how to sign in (console/src/config.ts)."""
    if users.pool is None:  # oidc: the provider's issuer; its client id is the API's audience
        issuer, audience = scope.node.try_get_context("oidc_issuer"), scope.node.try_get_context("oidc_audience")
        return {"api_base": api_url, "auth": {"mode": "oidc", "authority": issuer, "client_id": audience}}
    prefix = scope.node.try_get_context("console_auth_prefix") or f"{catalog.resource_name('console')}-{Aws.ACCOUNT_ID}"
    hosted = users.pool.add_domain("ConsoleSignIn", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix))
    read, write = client_attributes()
    client = users.pool.add_client(
        "ConsoleWebClient",
        user_pool_client_name=catalog.resource_name("console-web"),
        generate_secret=False,  # a browser cannot keep a secret: authorization code with PKCE
        o_auth=cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True),
            scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.EMAIL],
            callback_urls=[url],
            logout_urls=[url],
        ),
        prevent_user_existence_errors=True,
        read_attributes=read,  # tenancy claims in the ID token, never writable by the user
        write_attributes=write,
        id_token_validity=Duration.hours(1),
        access_token_validity=Duration.hours(1),
        refresh_token_validity=Duration.hours(12),
    )
    base = hosted.base_url()
    return {
        "api_base": api_url,
        "auth": {
            "mode": "oidc",
            "authority": f"https://cognito-idp.{Aws.REGION}.amazonaws.com/{users.pool.user_pool_id}",
            "client_id": client.user_pool_client_id,
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "token_endpoint": f"{base}/oauth2/token",
        },
    }
