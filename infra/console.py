"""Console hosting, in a nested stack of its own (the main template stays under CloudFormation's 1 MB): the built
console (console/dist) in a private S3 bucket behind CloudFront (origin access control), HTTPS only, security
headers, logs; Cognito's hosted sign-in (authorization code + PKCE) for it.

The build is uploaded by the deployer (`aws s3 sync console/dist s3://<ConsoleBucketName>`), together with the
`config.json` the nested stack prints as its ConsoleConfig output, so a synth never depends on a console build."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, NestedStack, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cf
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.core import catalog
from infra import nag
from infra.auth import Auth, client_attributes

# The console reaches the API (https), the live channel (wss, IoT Core) and the identity provider (https).
CSP = (
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' https: wss:; frame-ancestors 'none'; base-uri 'self'"
)
LOG_DAYS = 400  # CloudFront and S3 access logs of the console: over a year, as the API's


def _bucket(scope: Construct, name: str, logical: str, **kwargs: Any) -> s3.Bucket:
    return s3.Bucket(
        scope,
        name,
        bucket_name=f"{catalog.resource_name(logical)}-{Aws.ACCOUNT_ID}-{Aws.REGION}",
        versioned=True,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        removal_policy=RemovalPolicy.RETAIN,
        **kwargs,
    )


def _headers(scope: Construct) -> cf.ResponseHeadersPolicy:
    return cf.ResponseHeadersPolicy(
        scope,
        "Headers",
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


class ConsoleHosting(NestedStack):
    """Bucket, logs bucket, distribution and (Cognito mode) the hosted sign-in domain and client."""

    def __init__(self, scope: Construct, cid: str, pool: cognito.IUserPool | None) -> None:
        super().__init__(scope, cid, description="chempark-safety operations console hosting")
        node = scope.node
        domain, certificate_arn = (
            node.try_get_context("console_domain"),
            node.try_get_context("console_certificate_arn"),
        )
        # CloudFront standard logs are delivered with ACLs: a bucket that keeps object-writer ownership; it also
        # receives the site bucket's S3 access logs.
        logs = _bucket(
            self,
            "LogsBucket",
            "console-logs",
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire", expiration=Duration.days(LOG_DAYS), noncurrent_version_expiration=Duration.days(30)
                )
            ],
        )
        nag.acknowledge(
            logs.node.default_child,
            "AwsSolutions-S1",
            "This is the console's log bucket (CloudFront and S3 access logs): logging its own access would log "
            "every log delivery, a loop.",
        )
        self.bucket = _bucket(
            self,
            "SiteBucket",
            "console",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=logs,
            server_access_logs_prefix="s3/",
        )
        custom = bool(domain and certificate_arn)
        distribution = cf.Distribution(
            self,
            "Distribution",
            comment=f"{catalog.resource_name('console')} operations console",
            default_root_object="index.html",
            default_behavior=cf.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cf.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cf.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=_headers(self),
            ),
            domain_names=[domain] if custom else None,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn) if custom else None,
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
                "*.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a domain gets TLSv1.2.",
            )
        self.url = f"https://{domain}/" if custom else f"https://{distribution.distribution_domain_name}/"
        self.sign_in: dict[str, str] | None = self._hosted_sign_in(pool) if pool is not None else None

    def _hosted_sign_in(self, pool: cognito.IUserPool) -> dict[str, str]:
        prefix = (
            self.node.try_get_context("console_auth_prefix") or f"{catalog.resource_name('console')}-{Aws.ACCOUNT_ID}"
        )
        hosted = cognito.UserPoolDomain(
            self, "SignIn", user_pool=pool, cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix)
        )
        read, write = client_attributes()
        client = cognito.UserPoolClient(
            self,
            "WebClient",
            user_pool=pool,
            user_pool_client_name=catalog.resource_name("console-web"),
            generate_secret=False,  # a browser cannot keep a secret: authorization code with PKCE
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.EMAIL],
                callback_urls=[self.url],
                logout_urls=[self.url],
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
            "client_id": client.user_pool_client_id,
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "token_endpoint": f"{base}/oauth2/token",
        }


def build(scope: Stack, users: Auth, rest_api_id: str) -> ConsoleHosting:
    """The nested stack; it prints where the console goes (its outputs: ConsoleUrl, ConsoleBucketName and
    ConsoleConfig, the config.json to upload beside the build)."""
    hosting = ConsoleHosting(scope, "Console", users.pool)
    api_url = f"https://{rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}/api/"  # Chalice's EndpointURL
    CfnOutput(hosting, "ConsoleUrl", value=hosting.url, description="Operations console")
    CfnOutput(hosting, "ConsoleBucketName", value=hosting.bucket.bucket_name)
    CfnOutput(
        hosting,
        "ConsoleConfig",
        value=hosting.to_json_string(_config(hosting, users, api_url)),
        description="Write as config.json beside the console build",
    )
    return hosting


def _config(hosting: ConsoleHosting, users: Auth, api_url: str) -> dict[str, Any]:
    """The console's config.json: the API base and how to sign in (console/src/config.ts)."""
    if users.pool is None or hosting.sign_in is None:  # oidc: the provider's issuer; the API's audience as client
        node = hosting.node
        issuer, audience = node.try_get_context("oidc_issuer"), node.try_get_context("oidc_audience")
        return {"api_base": api_url, "auth": {"mode": "oidc", "authority": issuer, "client_id": audience}}
    authority = f"https://cognito-idp.{Aws.REGION}.amazonaws.com/{users.pool.user_pool_id}"
    return {"api_base": api_url, "auth": {"mode": "oidc", "authority": authority, **hosting.sign_in}}
