"""API Gateway's own answers in the project's error shape, and the stage's throttling.

Requests API Gateway refuses never reach the function: a missing or bad token (authorizer), throttling,
a too-large body, a timeout. Without GatewayResponses clients would get `{"message": "Unauthorized"}`;
with them every answer is `{"code", "message", "details", "request_id"}`, the code taken from the error
catalogue (chalicelib/core/errors.py) so its HTTP status and zh-CN message are the ones documented in
docs/error-codes.md. The responses go into the API's OpenAPI body, so a change redeploys the stage.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.core import errors
from chalicelib.core.errors import ErrorCode

if TYPE_CHECKING:  # the tables above are read by tests without starting jsii
    from chalice.cdk import Chalice
    from constructs import Node

# Every gateway response type (AWS docs, "Gateway response types") -> the catalogue code it answers with.
# DEFAULT_4XX/5XX catch types AWS adds later; each other type is explicit, so status and code always agree.
RESPONSES: dict[str, ErrorCode] = {
    "UNAUTHORIZED": errors.UNAUTHENTICATED,  # no token, or the authorizer refused it
    "EXPIRED_TOKEN": errors.TOKEN_EXPIRED,
    "INVALID_SIGNATURE": errors.UNAUTHENTICATED,
    "ACCESS_DENIED": errors.FORBIDDEN,  # an authorizer's Deny
    "INVALID_API_KEY": errors.FORBIDDEN,
    "WAF_FILTERED": errors.FORBIDDEN,
    # REST APIs answer an unknown path or method with "Missing Authentication Token": it is a 404.
    "MISSING_AUTHENTICATION_TOKEN": errors.ROUTE_NOT_FOUND,
    "RESOURCE_NOT_FOUND": errors.ROUTE_NOT_FOUND,
    "BAD_REQUEST_BODY": errors.BAD_REQUEST,
    "BAD_REQUEST_PARAMETERS": errors.BAD_REQUEST,
    "REQUEST_TOO_LARGE": errors.PAYLOAD_TOO_LARGE,
    "UNSUPPORTED_MEDIA_TYPE": errors.UNSUPPORTED_MEDIA_TYPE,
    "THROTTLED": errors.THROTTLED,
    "QUOTA_EXCEEDED": errors.THROTTLED,
    "DEFAULT_4XX": errors.BAD_REQUEST,
    "AUTHORIZER_FAILURE": errors.DEPENDENCY_UNAVAILABLE,  # e.g. the OIDC provider's JWKS did not answer
    "AUTHORIZER_CONFIGURATION_ERROR": errors.INTERNAL,
    "API_CONFIGURATION_ERROR": errors.INTERNAL,
    "INTEGRATION_FAILURE": errors.DEPENDENCY_UNAVAILABLE,
    "INTEGRATION_TIMEOUT": errors.UPSTREAM_TIMEOUT,
    "DEFAULT_5XX": errors.INTERNAL,
}
# Stage-wide steady rate and burst (requests/s) unless `-c throttle_rate=… -c throttle_burst=…`: far above a
# park's consoles and regulator uplinks, far below the account's 10,000 rps that one runaway client would
# otherwise take from every other API in the account and region.
DEFAULT_RATE = 100
DEFAULT_BURST = 200


def body_template(error: ErrorCode) -> str:
    """The mapping template: fixed code and message, API Gateway's own reason and request id filled in."""
    # $context.error.messageString is the reason already quoted as a JSON string.
    return (
        f'{{"code": {json.dumps(error.code)}, "message": {json.dumps(error.message)}, '
        '"details": {"reason": $context.error.messageString}, "request_id": "$context.requestId"}'
    )


def gateway_responses() -> dict[str, Any]:
    """The `x-amazon-apigateway-gateway-responses` extension of the API's OpenAPI body."""
    return {
        kind: {
            "statusCode": error.status,
            "responseParameters": {
                # Browser consoles call cross-origin (routes are cors=True): let them read the error too.
                "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            },
            "responseTemplates": {"application/json": body_template(error)},
        }
        for kind, error in RESPONSES.items()
    }


def throttling(node: Node) -> tuple[int, int]:
    """(rate, burst) from CDK context, checked: both positive, burst at least the rate."""
    rate = int(node.try_get_context("throttle_rate") or DEFAULT_RATE)
    burst = int(node.try_get_context("throttle_burst") or DEFAULT_BURST)
    if rate <= 0 or burst <= 0 or burst < rate:
        raise ValueError(f"throttling rate={rate} burst={burst}: both must be positive and burst >= rate")
    return rate, burst


def apply(chalice: Chalice, rate: int, burst: int) -> None:
    api = chalice.get_resource("RestAPI")
    api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses())
    api.add_property_override(
        "MethodSettings",
        [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}],
    )
