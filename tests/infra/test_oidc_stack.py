"""`-c auth=oidc`: the stack for regions without Cognito user pools, a Lambda authorizer in front of the API.

Synthesized by the session's synth process (tests/infra/synth.py), with cdk-nag on as well.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.http import ROUTES
from tests.infra.cfn import (
    OIDC_CONTEXT,
    PREFIX,
    deployed_resources,
    functions,
    load_template,
    of_type,
    ref_id,
    statements,
)
from tests.infra.test_nag import findings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]

AUTHORIZER = f"{PREFIX}-oidc-authorizer"


@pytest.fixture(scope="module")
def oidc_resources(oidc_synth: Path) -> dict[str, Any]:
    return deployed_resources(load_template(oidc_synth))


def _authorizer(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (fid, fn) = next(
        (fid, fn)
        for fid, fn in of_type(resources, "AWS::Lambda::Function").items()
        if fn["Properties"].get("FunctionName") == AUTHORIZER
    )
    return fid, fn["Properties"]


def test_every_private_route_sits_behind_the_oidc_authorizer(oidc_resources: dict[str, Any]) -> None:
    assert not of_type(oidc_resources, "AWS::Cognito::UserPool")  # the region may have no Cognito at all
    (api,) = of_type(oidc_resources, "AWS::Serverless::Api").values()
    body = api["Properties"]["DefinitionBody"]
    ((name, auth),) = body["securityDefinitions"].items()
    assert auth["x-amazon-apigateway-authtype"] == "custom"
    authorizer = auth["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "token" and authorizer["authorizerResultTtlInSeconds"] == 120
    assert f"function:{AUTHORIZER}/invocations" in json.dumps(authorizer["authorizerUri"])
    for spec in ROUTES:
        operation = body["paths"][spec.path][spec.method.lower()]
        assert ("security" in operation) != spec.public, f"{spec.method} {spec.path}"
        if not spec.public:
            assert operation["security"] == [{name: []}]
    fid, _ = _authorizer(oidc_resources)
    assert fid in api["DependsOn"]  # the API names the function by a formatted ARN: ordered by hand


def test_the_authorizer_runs_from_the_package_with_its_settings_and_nothing_more(
    oidc_resources: dict[str, Any],
) -> None:
    fid, fn = _authorizer(oidc_resources)
    assert fn["Handler"] == "chalicelib.core.authorizer.handler" and fn["Runtime"] == "python3.11"
    assert fn["TracingConfig"] == {"Mode": "Active"}
    env = fn["Environment"]["Variables"]
    assert env["CHEMPARK_AUTH_MODE"] == "oidc"
    assert env["CHEMPARK_OIDC_ISSUER"] == OIDC_CONTEXT["oidc_issuer"]
    assert env["CHEMPARK_OIDC_AUDIENCE"] == OIDC_CONTEXT["oidc_audience"]
    assert env["CHEMPARK_OIDC_GROUPS_CLAIM"] == "roles"
    role = ref_id(fn["Role"])
    granted = {a for rid, s in statements(oidc_resources) if _holder(oidc_resources, rid) == role for a in s["Action"]}
    assert granted == {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    (permission,) = (
        p["Properties"]
        for p in of_type(oidc_resources, "AWS::Lambda::Permission").values()
        if ref_id(p["Properties"]["FunctionName"]) == fid
    )
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert json.dumps(permission["SourceArn"]).endswith('"/authorizers/*"]]}')
    alarmed = {
        ref_id(d["Value"])
        for a in of_type(oidc_resources, "AWS::CloudWatch::Alarm").values()
        for d in a["Properties"].get("Dimensions", [])
    }
    assert fid in alarmed


def _holder(resources: dict[str, Any], rid: str) -> str | None:
    holder = resources[rid]
    if holder["Type"] == "AWS::IAM::Role":
        return rid
    return ref_id(holder["Properties"]["Roles"][0])


def test_api_functions_run_in_oidc_mode(oidc_resources: dict[str, Any]) -> None:
    for fid, fn in functions(oidc_resources).items():
        assert fn["Properties"]["Environment"]["Variables"]["CHEMPARK_AUTH_MODE"] == "oidc", fid


def test_the_package_carries_pyjwt_and_a_lambda_compatible_cryptography(oidc_synth: Path) -> None:
    (package,) = (p for p in oidc_synth.glob("asset.*.zip") if "app.py" in zipfile.ZipFile(p).namelist())
    names = set(zipfile.ZipFile(package).namelist())
    assert "jwt/jwks_client.py" in names and "chalicelib/core/authorizer.py" in names
    assert any(n.startswith("cryptography/hazmat/bindings/_rust") and n.endswith(".so") for n in names)


def test_no_error_level_nag_finding_in_oidc_mode(oidc_synth: Path) -> None:
    assert not findings(oidc_synth, "error"), "\n".join(findings(oidc_synth, "error"))


def test_oidc_mode_without_an_audience_fails_the_synth(refusals: dict[str, str | None]) -> None:
    # `{"auth": "oidc", "oidc_issuer": ...}` (tests/infra/cfn.py REFUSED_CONTEXTS), synthesized by the session's
    # synth process: it must raise, naming the missing context key.
    refused = refusals["oidc without an audience"]
    assert refused is not None, "the synth accepted oidc mode without an audience"
    assert "-c oidc_audience=" in refused
