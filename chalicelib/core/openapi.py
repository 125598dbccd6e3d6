"""OpenAPI 3.1 document generated from the route table and the pydantic schemas (4.3.3-2, 5.4.2-2)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, TypeAdapter

from chalicelib import __version__
from chalicelib.core import errors
from chalicelib.core.http import ROUTES, RouteSpec
from chalicelib.core.lazy import NamedRef

_REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"{(\w+)}")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "details", "request_id"],
    "properties": {
        "code": {"type": "string", "description": "稳定的英文错误码，见 docs/error-codes.md"},
        "message": {"type": "string", "description": "中文错误说明"},
        "details": {"type": "object", "description": "补充信息；校验错误时 errors 列出每个出错字段"},
        "request_id": {"type": "string"},
    },
}


# One entry per kind of stage: the embedded stack, and each deployed stage (its own stack chempark-<stage>;
# Chalice names the API Gateway stage "api"). Templates, so the committed document does not depend on settings.
SERVERS = [
    {
        "url": "http://127.0.0.1:{port}",
        "description": "本地嵌入式环境 (make run)",
        "variables": {"port": {"default": "8000", "description": "python -m local.stack --api-port"}},
    },
    {
        "url": "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}",
        "description": "AWS 部署（每个阶段一个 CloudFormation 栈 chempark-<stage>，见栈输出 ApiUrl）",
        "variables": {
            "api_id": {"default": "api_id", "description": "API Gateway REST API id（栈输出）"},
            "region": {"default": "us-east-1", "description": "部署区域"},
            "stage": {"default": "api", "description": "API Gateway 阶段名（Chalice 固定为 api）"},
        },
    },
]


def _schema(tp: Any, components: dict[str, Any], mode: str) -> dict[str, Any]:
    """JSON Schema of a type, hoisting nested definitions into components."""
    schema = TypeAdapter(tp).json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", tp.__name__).strip("_")  # Page[X] -> Page_X
        components[name] = schema
        return {"$ref": _REF.format(model=name)}
    return schema


def _query_parameters(spec: RouteSpec, components: dict[str, Any]) -> list[dict[str, Any]]:
    if spec.query is None:
        return []
    schema = spec.query.model_json_schema(ref_template=_REF, by_alias=True)
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": spec.action,
        "summary": spec.summary,
        "tags": [spec.tag],
        "x-roles": sorted(spec.roles),
        "x-audited": spec.audit,
        "parameters": [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in _PARAM.findall(spec.path)
        ]
        + _query_parameters(spec, components),
        "responses": {},
    }
    if spec.description:
        op["description"] = spec.description
    if spec.public:
        op["security"] = []
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(spec.body, components, "validation")}},
        }
    ok: dict[str, Any] = {"description": "成功"}
    if spec.response is not None:
        model = spec.response.resolve() if isinstance(spec.response, NamedRef) else spec.response
        schema = _schema(model, components, "serialization")
        ok["content"] = {media_type: {"schema": schema} for media_type in (spec.media_type, *spec.media_types)}
    op["responses"][str(spec.status)] = ok
    failures = {"500": "服务内部错误"}
    if not spec.public:
        failures.update({"401": "未认证", "403": "无权访问"})
    if spec.body is not None or spec.query is not None:
        failures.update({"400": "请求无效", "422": "参数校验失败"})
    if "{" in spec.path:
        failures["404"] = "资源不存在"
    if spec.conflicts:
        codes = "、".join(e.code for e in errors.conflicts_of(spec.context))
        failures["409"] = f"冲突：并发修改或当前状态不允许（错误码：{codes}）"
    for status, text in sorted(failures.items()):
        op["responses"][status] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": _REF.format(model="Error")}}},
        }
    return op


def document() -> dict[str, Any]:
    """The whole API as OpenAPI 3.1, deterministic (sorted) so the committed copy can be compared."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "化工园区安全一体化系统 API (chempark-safety)",
            "version": __version__,
            "description": "错误响应统一为 {code, message, details, request_id}；错误码见 docs/error-codes.md。"
            "每个接口的 x-roles 列出允许的角色；企业用户只能访问本企业数据。",
        },
        "servers": SERVERS,
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def error_catalogue_markdown() -> str:
    """docs/error-codes.md, generated from the error catalogue."""
    lines = [
        "# 错误码 (error codes)",
        "",
        "Generated by `make docs` from `chalicelib` (every `errors.define`). Do not edit by hand.",
        'Every error body is `{"code", "message", "details", "request_id"}`; `code` is stable.',
        "",
        "| HTTP | code | message (zh-CN) | meaning |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {e.status} | `{e.code}` | {e.message} | {e.description} |" for e in errors.catalogue()]
    return "\n".join(lines) + "\n"
