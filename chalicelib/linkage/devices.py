"""Actuators registry (联动设备): doors, evacuation exits, ventilation, broadcast, boards; PTZ cameras come
from the registry's camera ledger (read through registry.service, never duplicated here)."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404
from chalicelib.linkage import store
from chalicelib.linkage.schemas import ActuatorIn
from chalicelib.registry import service as registry

PTZ_IN_REGISTRY = errors.define(
    "PTZ_IN_REGISTRY",
    422,
    "PTZ 球机请在摄像机台账（/cameras，ptz=true）登记，联动直接使用台账中的球机",
    "ptz_camera devices live in the registry's camera ledger; the linkage reads them from there.",
)
REGISTRY_DEVICE = errors.define(
    "REGISTRY_DEVICE",
    409,
    "该设备来自摄像机台账，请通过 /cameras 修改或删除",
    "A PTZ camera is edited in the registry.",
)


def _camera(camera: registry.CameraView) -> dict[str, Any]:
    """A registry PTZ camera as an actuator (read-only here)."""
    return {
        "id": camera.id,
        "enterprise_id": camera.enterprise_id,
        "kind": "ptz_camera",
        "name": camera.name,
        "location": {"lat": camera.location.lat, "lon": camera.location.lon},
        "installation_id": camera.installation_id,
        "zone_id": None,
        "source": "registry",
    }


def _ptz_cameras(who: Identity, enterprise_id: str | None) -> list[dict[str, Any]]:
    return [_camera(c) for c in registry.cameras(who, enterprise_id) if c.ptz]


def _public(item: Any) -> dict[str, Any]:
    data = item.data()
    return {**data, "enterprise_id": None if item.enterprise_id == PARK else item.enterprise_id, "source": "linkage"}


def load(device_id: str, who: Identity) -> Any:
    """Our actuator if it exists and the caller may see it (park devices are not an enterprise's)."""
    item = get_or_404(store.ActuatorModel, device_id, field="device_id")
    if who.is_enterprise_scoped and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"device_id": device_id})
    return item


def get(device_id: str, who: Identity) -> dict[str, Any]:
    try:
        return _public(load(device_id, who))
    except errors.AppError:
        camera = registry.camera(device_id, who)  # NOT_FOUND when not visible either
        if not camera.ptz:
            raise errors.NOT_FOUND(details={"device_id": device_id}) from None
        return _camera(camera)


def list_page(
    who: Identity, enterprise_id: str | None, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Both sources merged and ordered by id; the cursor is the last id shown (a park has hundreds, not millions)."""
    scope = who.scope(enterprise_id)
    items = store.ActuatorModel.by_enterprise.query(scope) if scope else store.ActuatorModel.scan()
    found = [_public(i) for i in items]
    if kind in (None, "ptz_camera"):
        found += _ptz_cameras(who, scope)
    found = sorted((d for d in found if kind is None or d["kind"] == kind), key=lambda d: d["id"])
    after = (decode_cursor(cursor) or {}).get("after")
    if after:
        found = [d for d in found if d["id"] > after]
    page = found[:limit]
    return page, encode_cursor({"after": page[-1]["id"]}) if len(found) > limit else None


def _check(doc: dict[str, Any], owner: str, who: Identity) -> None:
    if doc["kind"] == "ptz_camera":
        raise PTZ_IN_REGISTRY(details={"field": "kind"})
    for field, kind in (("installation_id", registry.INSTALLATION), ("zone_id", registry.ZONE)):
        ref = doc.get(field)
        if not ref:
            continue
        try:
            target = registry.owner(kind, ref, who)
        except errors.AppError:
            raise errors.invalid_field(field, f"{kind.name} {ref} 不存在", "reference") from None
        if (target or PARK) != owner:
            raise errors.invalid_field(field, f"{kind.name} {ref} 不属于该设备的企业", "reference")


def create(body: ActuatorIn, who: Identity) -> dict[str, Any]:
    doc = body.model_dump(mode="json")
    owner = doc.get("enterprise_id") or PARK
    if owner != PARK:
        who.ensure_can_write(owner)
        try:
            registry.require(registry.ENTERPRISE, owner, who)
        except errors.AppError:
            raise errors.invalid_field("enterprise_id", f"企业 {owner} 不存在", "reference") from None
    elif who.is_enterprise_scoped:
        raise errors.ENTERPRISE_SCOPE(details={"field": "enterprise_id"})
    _check(doc, owner, who)
    chosen = doc.pop("id", None)
    if chosen:
        ids.check_namespace(chosen, who.enterprise_id)
    device_id = chosen or ids.new_id("dev")
    now = clock.now_ms()
    item = store.ActuatorModel(
        device_id,
        enterprise_id=owner,
        kind=doc["kind"],
        doc=body.model_dump(mode="json", exclude={"id"}),
        created_ms=now,
    )
    item.updated_ms = now
    with conditional(errors.CONFLICT(f"{device_id} 已存在", details={"id": device_id})):
        item.save(condition=store.ActuatorModel.id.does_not_exist())
    return _public(item)


def replace(device_id: str, body: ActuatorIn, who: Identity) -> dict[str, Any]:
    try:
        item = load(device_id, who)
    except errors.AppError:
        get(device_id, who)  # a registry PTZ camera says so; anything else stays NOT_FOUND
        raise REGISTRY_DEVICE(details={"device_id": device_id}) from None
    doc = body.model_dump(mode="json")
    if (doc.get("enterprise_id") or PARK) != item.enterprise_id:
        raise errors.invalid_field("enterprise_id", "所属企业不可修改", "immutable")
    _check(doc, item.enterprise_id, who)
    item.doc, item.kind, item.updated_ms = body.model_dump(mode="json", exclude={"id"}), doc["kind"], clock.now_ms()
    with conditional(errors.CONFLICT(details={"id": device_id})):
        item.save()
    return _public(item)


def remove(device_id: str, who: Identity) -> None:
    try:
        item = load(device_id, who)
    except errors.AppError:
        get(device_id, who)
        raise REGISTRY_DEVICE(details={"device_id": device_id}) from None
    item.delete()


def all_devices() -> list[dict[str, Any]]:
    """Every actuator of every enterprise and the park (a plume crosses fences), for rule execution."""
    return [_public(i) for i in store.ActuatorModel.scan()] + _ptz_cameras(SYSTEM, None)
