"""HTTP kernel: every route declares its roles, schemas and audit policy; every error has one shape.

A context's routes.py registers its handlers with `route(...)`. The wrapper authenticates the bearer token, checks
the route's roles, validates the query and body with pydantic (422 naming the field), calls the handler with a `Call`,
serialises the result (core.responses) and records the audit entry through the kernel's audit port (core.auditing).
Only that parsing answers 422: any other failure (a pydantic error building the answer too) is a logged 500 INTERNAL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.core import auditing, authn, errors, ids, pagination, parsing
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.identity import Identity, Role
from chalicelib.core.observability import logger
from chalicelib.core.responses import error_response, json_response, locator, shaped, validation_error  # noqa: F401
from chalicelib.core.settings import get_settings

PUBLIC: frozenset[Role] = frozenset()  # marker: the route takes no token (health, API docs)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RouteSpec:
    """What a route declares; the source of the OpenAPI document and of the architecture tests."""

    method: str
    path: str
    roles: frozenset[Role]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    audit: bool
    action: str
    summary: str
    description: str
    tag: str
    media_type: str = "application/json"  # of a 2xx answer (GeoJSON layers: application/geo+json)
    media_types: tuple[str, ...] = ()  # more 2xx types a handler's own Response may carry (docs assets)
    conflicts: bool = False  # can answer 409 (OpenAPI lists its context's 409 codes)
    context: str = ""

    @property
    def public(self) -> bool:
        return not self.roles


ROUTES: list[RouteSpec] = []


@dataclass
class Call:
    """One authorised request as a handler sees it. Handlers set `target` to what they acted on."""

    identity: Identity
    params: dict[str, str]
    body: Any
    query: Any
    request_id: str
    source_ip: str
    target: str = ""
    audit_details: dict[str, Any] = field(default_factory=dict)
    audit_id: str = ""  # the write's intent entry, replaced by its result (core.auditing)


ANONYMOUS = Identity(subject="anonymous", roles=frozenset())
# Set by infra/ while packaging: every non-public route then sits behind the stack's authorizer.
_AUTHORIZER = authn.gateway_authorizer(get_settings())


def _authenticate(request: Any) -> Identity:
    return authn.identify(request.headers, request.context, get_settings())


def _target_of(call: Call | None, params: dict[str, str]) -> str:
    if call is not None and call.target:
        return call.target
    return ",".join(f"{k}={v}" for k, v in params.items())


def _entry(
    spec: RouteSpec, identity: Identity, call: Call | None, params: dict[str, str], result: str, status: int
) -> AuditEntry:
    return AuditEntry(
        actor=identity.subject,
        role=identity.role,
        enterprise_id=identity.enterprise_id or "",
        action=spec.action,
        target=_target_of(call, params),
        result=result,
        status=status,
        request_id=call.request_id if call is not None else "",
        source_ip=call.source_ip if call is not None else "",
        details=(call.audit_details if call is not None else {}),
        id=call.audit_id if call is not None else "",
    )


def _intent(spec: RouteSpec, call: Call, params: dict[str, str]) -> None:
    """A write's entry is stored before the handler runs (result "started"): if the audit store is down the
    request fails with nothing changed, and a Lambda dying mid-write still leaves its trace (docs/audit.md)."""
    if spec.method in WRITE_METHODS:
        stored = auditing.record(_entry(spec, call.identity, call, params, "started", 0), outcome="not_started")
        call.audit_id = str(stored["id"])


def _dispatch(spec: RouteSpec, bp: Blueprint, handler: Callable[..., Any], params: dict[str, str]) -> Response:
    request = bp.current_request
    context = request.context or {}
    request_id = context.get("requestId") or ids.ulid()
    source_ip = (context.get("identity") or {}).get("sourceIp") or ""
    identity, call, started = ANONYMOUS, None, time.perf_counter()
    try:
        if not spec.public:
            identity = _authenticate(request)
            if not identity.has_any(spec.roles):
                raise errors.FORBIDDEN(details={"required_roles": sorted(spec.roles)})
        query = parsing.query(spec.query, request)
        body = parsing.body(spec.body, request)
        call = Call(identity, params, body, query, request_id, source_ip)
        if spec.audit:
            _intent(spec, call, params)
        with pagination.bound_to(f"{spec.method} {spec.path}"):  # a cursor is valid only on the route that issued it
            result = handler(call, **params)
        response = shaped(result, spec.response, spec.status, request_id, spec.media_type)
        outcome, status = "ok", response.status_code
    except errors.AppError as exc:
        exc = exc.located(locator(spec.body, spec.query))
        response, outcome, status = error_response(exc, request_id), exc.code, exc.status
    except Exception:  # also a pydantic ValidationError past parsing: our model or data is wrong, not the request
        logger.exception("unhandled error", extra={"route": f"{spec.method} {spec.path}", "request_id": request_id})
        err = errors.INTERNAL()
        response, outcome, status = error_response(err, request_id), err.code, err.status
    if spec.audit:
        # Durable before the response: a 2xx is never sent for an action whose record was not kept.
        entry = _entry(spec, identity, call, params, outcome, status)
        if call is None:
            entry = replace(entry, request_id=request_id, source_ip=source_ip)
        try:
            auditing.record(entry, outcome="unknown" if call is not None and call.audit_id else "not_started")
        except errors.AppError as exc:
            response, status = error_response(exc, request_id), exc.status
    logger.debug(
        "request",
        extra={
            "route": f"{spec.method} {spec.path}",
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def route(
    bp: Blueprint,
    path: str,
    method: str = "GET",
    *,
    roles: Iterable[Role],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    audit: bool | None = None,
    action: str | None = None,
    tag: str = "",
    conflicts: bool | None = None,
    media_type: str = "application/json",
    media_types: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler `(call, **path_params) -> result` on a Blueprint. `roles` is mandatory (PUBLIC for no token).
    Writes are always audited; `audit=True` for a sensitive read. `response` documents the result in OpenAPI (a dict
    result is read through it; a `NamedRef` is imported only then); `media_type` is a 2xx answer's Content-Type.
    """
    method = method.upper()

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        doc = (handler.__doc__ or "").strip()
        summary, _, description = doc.partition("\n")
        spec = RouteSpec(
            method=method,
            path=path,
            roles=frozenset(roles),
            body=body,
            query=query,
            response=response,
            status=status,
            audit=method in WRITE_METHODS if audit is None else audit,
            action=action or f"{handler.__module__.split('.')[-2]}.{handler.__name__}",
            summary=summary.strip(),
            description=description.strip(),
            tag=tag or handler.__module__.split(".")[-2],
            media_type=media_type,
            media_types=media_types,
            conflicts=method in WRITE_METHODS if conflicts is None else conflicts,
            context=handler.__module__.split(".")[1] if handler.__module__.count(".") >= 2 else "",
        )
        ROUTES.append(spec)

        def view(**params: str) -> Response:
            return _dispatch(spec, bp, handler, params)

        view.__name__ = handler.__name__
        view.__doc__ = handler.__doc__
        authorizer = None if spec.public else _AUTHORIZER
        bp.route(path, methods=[method], cors=True, authorizer=authorizer)(view)
        return handler

    return decorate
