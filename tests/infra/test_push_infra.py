"""Mobile push in the synthesized stack (infra/push.py): one SNS platform application per platform, created from
credentials that are only Secrets Manager references, handed to the Lambdas by ARN, and endpoint permissions
limited to this stack's applications; the moto stack provisions the same applications (one source of truth)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.core import aws, catalog
from chalicelib.core.settings import get_settings
from tests.infra.cfn import PREFIX, as_list, functions, of_type, statements, strip

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]
RESOLVE = re.compile(r"^\{\{resolve:secretsmanager:chempark-[a-z0-9-]+-push/(apns|fcm):SecretString:\w+::\}\}$")


def _text(value: Any) -> str:
    """A Fn::Join of literals and pseudo parameters as one string (`<AWS::Region>` for a Ref)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_text(p) for p in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    raise AssertionError(f"unexpected template value {value!r}")


def _apps(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Platform application name (prefix stripped) -> the provider's createPlatformApplication call."""
    out = {}
    for r in of_type(resources, "Custom::SnsPlatformApplication").values():
        call = json.loads(_text(r["Properties"]["Create"]))
        out[strip(call["parameters"]["Name"], PREFIX)] = call
    return out


def test_platform_applications_agree_with_the_moto_stack(stack: Any, resources: dict[str, Any]) -> None:
    prefix = get_settings().resource_prefix
    local = {
        strip(a["PlatformApplicationArn"].rsplit("/", 1)[-1], prefix): a["PlatformApplicationArn"].split("/")[1]
        for a in aws.client("sns").list_platform_applications()["PlatformApplications"]
        if a["PlatformApplicationArn"].rsplit("/", 1)[-1].startswith(f"{prefix}-push-")
    }
    cfn = {name: call["parameters"]["Platform"] for name, call in _apps(resources).items()}
    assert local == cfn == {f"push-{p}": kind for p, kind in catalog.PUSH_APPS.items()}


def test_credentials_are_secret_references_never_values(resources: dict[str, Any]) -> None:
    for r in of_type(resources, "Custom::SnsPlatformApplication").values():
        for phase in ("Create", "Update"):
            call = json.loads(_text(r["Properties"][phase]))
            attributes = call["parameters"]["Attributes"]
            assert attributes and all(RESOLVE.fullmatch(v) for v in attributes.values()), attributes
            assert call["logApiResponseData"] is False
    assert not of_type(resources, "AWS::SecretsManager::Secret").keys() & {"PushApnsCredentials"}


def test_application_arns_are_the_ones_the_runtime_derives_from_the_topics(resources: dict[str, Any]) -> None:
    """catalog.push_app_arn takes partition, region and account from the notifications topic's ARN."""
    topics = {t["Properties"]["TopicName"] for t in of_type(resources, "AWS::SNS::Topic").values()}
    assert f"{PREFIX}-notifications" in topics  # arn:<partition>:sns:<region>:<account>:<that name>
    for name, call in _apps(resources).items():
        platform = name.removeprefix("push-")
        expected = f"arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:app/{catalog.PUSH_APPS[platform]}"
        assert call["physicalResourceId"]["id"] == f"{expected}/{PREFIX}-{name}"
    for fid, fn in functions(resources).items():  # nothing per platform in any function's environment
        assert not [v for v in fn["Properties"].get("Environment", {}).get("Variables", {}) if "PUSH_A" in v], fid


def test_endpoint_publish_is_limited_to_this_stacks_applications(resources: dict[str, Any]) -> None:
    published = [
        _text(r)
        for _, stmt in statements(resources)
        if as_list(stmt["Action"]) == ["sns:Publish"]
        for r in as_list(stmt.get("Resource", []))
        if ":endpoint/" in _text(r)
    ]
    assert published and set(published) == {
        f"arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*/{PREFIX}-push-*/*"
    }
