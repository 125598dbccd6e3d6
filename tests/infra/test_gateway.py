"""API Gateway's own answers (GatewayResponses) in the project's error shape, and stage throttling."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core import errors
from infra import gateway
from tests.infra.cfn import of_type

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]

MUST_ANSWER = {
    "UNAUTHORIZED": 401,
    "EXPIRED_TOKEN": 401,
    "ACCESS_DENIED": 403,
    "THROTTLED": 429,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 500,
    "MISSING_AUTHENTICATION_TOKEN": 404,  # REST APIs' answer to an unknown path or method
    "INTEGRATION_TIMEOUT": 504,
    "AUTHORIZER_FAILURE": 503,
}


def _api(resources: dict[str, Any]) -> dict[str, Any]:
    (api,) = of_type(resources, "AWS::Serverless::Api").values()
    return api["Properties"]


def rendered(template: str, reason: str = "Unauthorized", request_id: str = "req-1") -> Any:
    """The body API Gateway sends, with its context variables filled in as it fills them."""
    return json.loads(
        template.replace("$context.error.messageString", json.dumps(reason)).replace("$context.requestId", request_id)
    )


def test_gateway_answers_in_the_error_shape_with_catalogue_codes(resources: dict[str, Any]) -> None:
    answers = _api(resources)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    assert {kind: answers[kind]["statusCode"] for kind in MUST_ANSWER} == MUST_ANSWER
    catalogue = {e.code: e for e in errors.catalogue()}
    for kind, answer in answers.items():
        body = rendered(answer["responseTemplates"]["application/json"])
        assert set(body) == {"code", "message", "details", "request_id"}, kind
        error = catalogue[body["code"]]  # a code API clients can look up in docs/error-codes.md
        assert (answer["statusCode"], body["message"]) == (error.status, error.message), kind
        assert body["details"] == {"reason": "Unauthorized"} and body["request_id"] == "req-1"
        assert answer["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
    assert rendered(answers["THROTTLED"]["responseTemplates"]["application/json"])["code"] == "THROTTLED"
    assert rendered(answers["UNAUTHORIZED"]["responseTemplates"]["application/json"])["code"] == "UNAUTHENTICATED"


def test_reason_text_with_quotes_stays_json() -> None:
    body = rendered(gateway.body_template(errors.FORBIDDEN), reason='User is not authorized: "x"')
    assert body["details"]["reason"] == 'User is not authorized: "x"'


def test_stage_is_throttled_with_the_default_rate_and_burst(resources: dict[str, Any]) -> None:
    (setting,) = _api(resources)["MethodSettings"]
    assert setting == {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": gateway.DEFAULT_RATE,
        "ThrottlingBurstLimit": gateway.DEFAULT_BURST,
    }


class _Node:
    def __init__(self, **context: Any) -> None:
        self.context = context

    def try_get_context(self, key: str) -> Any:
        return self.context.get(key)


def test_throttling_comes_from_context_and_is_checked() -> None:
    assert gateway.throttling(_Node()) == (gateway.DEFAULT_RATE, gateway.DEFAULT_BURST)  # type: ignore[arg-type]
    assert gateway.throttling(_Node(throttle_rate="20", throttle_burst="40")) == (20, 40)  # type: ignore[arg-type]
    for bad in ({"throttle_rate": "0"}, {"throttle_rate": "50", "throttle_burst": "10"}, {"throttle_burst": "-1"}):
        with pytest.raises(ValueError, match="throttling"):
            gateway.throttling(_Node(**bad))  # type: ignore[arg-type]
