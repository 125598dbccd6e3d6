"""Console hosting (infra/console.py), a nested stack: a private, encrypted, logged bucket reached only through
CloudFront's origin access control over HTTPS with security headers; a hosted sign-in client that keeps the
tenancy claims read-only and no secret; its outputs say where the console goes and give its config.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.identity import ENTERPRISE_CLAIM, SCOPE_CLAIM
from tests.infra.cfn import load_template, of_type

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]


@pytest.fixture(scope="module")
def hosting(synth: Path) -> dict[str, Any]:
    return load_template(synth, nested="Console")["Resources"]


def test_the_site_bucket_is_private_encrypted_versioned_and_logged(hosting: dict[str, Any]) -> None:
    buckets = of_type(hosting, "AWS::S3::Bucket")
    assert len(buckets) == 2  # the site and its logs
    for bid, bucket in buckets.items():
        p = bucket["Properties"]
        assert all(p["PublicAccessBlockConfiguration"].values()), bid
        assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"], bid
        assert p["VersioningConfiguration"]["Status"] == "Enabled", bid
    (site,) = (b for b in buckets.values() if "LoggingConfiguration" in b["Properties"])
    assert site["Properties"]["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policies = json.dumps(of_type(hosting, "AWS::S3::BucketPolicy"))
    assert '"aws:SecureTransport": "false"' in policies and "cloudfront.amazonaws.com" in policies


def test_cloudfront_serves_it_over_https_through_origin_access_control(hosting: dict[str, Any]) -> None:
    (dist,) = of_type(hosting, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "Logging" in config
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] and origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert of_type(hosting, "AWS::CloudFront::OriginAccessControl")
    (headers,) = of_type(hosting, "AWS::CloudFront::ResponseHeadersPolicy").values()
    security = headers["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000


def test_the_hosted_sign_in_client_is_public_pkce_and_keeps_tenancy_read_only(hosting: dict[str, Any]) -> None:
    (client,) = of_type(hosting, "AWS::Cognito::UserPoolClient").values()
    p = client["Properties"]
    assert p.get("GenerateSecret") in (None, False)
    assert p["AllowedOAuthFlows"] == ["code"] and p["AllowedOAuthFlowsUserPoolClient"] is True
    for claim in (ENTERPRISE_CLAIM, SCOPE_CLAIM):
        assert claim in p["ReadAttributes"] and claim not in p["WriteAttributes"]
    assert of_type(hosting, "AWS::Cognito::UserPoolDomain")


def test_the_nested_stack_says_where_the_console_goes(synth: Path) -> None:
    outputs = load_template(synth, nested="Console")["Outputs"]
    assert {"ConsoleUrl", "ConsoleBucketName", "ConsoleConfig"} <= set(outputs)
    config = json.dumps(outputs["ConsoleConfig"]["Value"])
    assert "authorization_endpoint" in config and "execute-api" in config
