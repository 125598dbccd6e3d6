"""Linkage rules (联动规则, 5.4.3-2): visible and editable through the API, the built-in leak rule included."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.store import conditional
from chalicelib.linkage import domain, store
from chalicelib.linkage.domain import BUILTIN_LEAK
from chalicelib.linkage.schemas import LinkageRuleIn
from chalicelib.registry import service as registry

RULE_BUILTIN = errors.define(
    "LINKAGE_RULE_BUILTIN",
    409,
    "内置联动规则不可删除，如需停用请将 enabled 设为 false",
    "The built-in leak rule (5.4.3-3..7) can be edited or disabled, not deleted.",
)


def _reference(field: str, message: str) -> errors.AppError:
    return errors.invalid_field(f"scope.{field}", message, "reference")


def ensure_builtin() -> None:
    """Create the built-in leak rule on first use; an operator's later edits are never overwritten."""
    now = clock.now_ms()
    doc = LinkageRuleIn.model_validate(domain.builtin_leak_rule()).model_dump(mode="json")
    item = store.LinkageRuleModel(
        BUILTIN_LEAK, enterprise_id=PARK, doc={**doc, "builtin": True}, created_ms=now, updated_ms=now
    )
    with conditional():  # another container created it first
        item.save(condition=store.LinkageRuleModel.id.does_not_exist())


def _all() -> list[Any]:
    """Every rule; the built-in one is created the first time it is found missing (one scan, no extra write)."""
    items = list(store.LinkageRuleModel.scan())
    if not any(i.id == BUILTIN_LEAK for i in items):
        ensure_builtin()
        items.append(store.LinkageRuleModel.get(BUILTIN_LEAK, consistent_read=True))
    return items


def _public(item: Any) -> dict[str, Any]:
    return {**item.data(), "enterprise_id": None if item.enterprise_id == PARK else item.enterprise_id}


def load(rule_id: str, who: Identity) -> Any:
    try:
        item = store.LinkageRuleModel.get(rule_id, consistent_read=True)
    except DoesNotExist:
        if rule_id != BUILTIN_LEAK:
            raise errors.NOT_FOUND(details={"rule_id": rule_id}) from None
        ensure_builtin()
        item = store.LinkageRuleModel.get(rule_id, consistent_read=True)
    if item.enterprise_id != PARK and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"rule_id": rule_id})
    return item


def get(rule_id: str, who: Identity) -> dict[str, Any]:
    return _public(load(rule_id, who))


def search(who: Identity, enterprise_id: str | None, event_type: str | None) -> list[dict[str, Any]]:
    """Park-wide rules and those of the caller's (or the requested) enterprise; a park has tens of rules."""
    scope = who.scope(enterprise_id)
    items = [_public(i) for i in _all() if scope is None or i.enterprise_id in (PARK, scope)]
    return sorted(
        (r for r in items if event_type is None or r["event_type"] == event_type),
        key=_order,
    )


def _owner(doc: dict[str, Any], who: Identity) -> str:
    """The enterprise a rule belongs to: from its scope (an installation's enterprise), else the park."""
    scope = doc["scope"]
    if scope["kind"] == "park":
        return PARK
    if scope["kind"] == "installation":
        try:
            installation = registry.installation(scope["installation_id"], who)
        except errors.AppError:
            raise _reference("installation_id", f"重大危险源单元 {scope['installation_id']} 不存在") from None
        if scope.get("enterprise_id") and scope["enterprise_id"] != installation.enterprise_id:
            raise _reference("enterprise_id", "单元不属于该企业")
        scope["enterprise_id"] = installation.enterprise_id
        return installation.enterprise_id
    try:
        registry.require(registry.ENTERPRISE, scope["enterprise_id"], who)
    except errors.AppError:
        raise _reference("enterprise_id", f"企业 {scope['enterprise_id']} 不存在") from None
    return str(scope["enterprise_id"])


def create(body: LinkageRuleIn, who: Identity) -> dict[str, Any]:
    doc = body.model_dump(mode="json")
    owner = _owner(doc, who)
    now = clock.now_ms()
    item = store.LinkageRuleModel(
        ids.new_id("lrl"), enterprise_id=owner, doc={**doc, "builtin": False}, created_ms=now, updated_ms=now
    )
    item.save(condition=store.LinkageRuleModel.id.does_not_exist())
    return _public(item)


def replace(rule_id: str, body: LinkageRuleIn, who: Identity) -> dict[str, Any]:
    item = load(rule_id, who)
    doc = body.model_dump(mode="json")
    builtin = bool(item.data().get("builtin"))
    item.enterprise_id = _owner(doc, who)
    item.doc, item.updated_ms = {**doc, "builtin": builtin}, clock.now_ms()
    with conditional(errors.CONFLICT(details={"rule_id": rule_id})):
        item.save()
    return _public(item)


def remove(rule_id: str, who: Identity) -> None:
    item = load(rule_id, who)
    if item.data().get("builtin"):
        raise RULE_BUILTIN(details={"rule_id": rule_id})
    item.delete()


def matching(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Enabled rules whose type, level and scope match the event, oldest first (the built-in leak rule first)."""
    rules = [_public(i) for i in _all()]
    return sorted((r for r in rules if domain.matches(r, event)), key=_order)


def _order(rule: dict[str, Any]) -> tuple[bool, int, str]:
    return (not rule.get("builtin"), rule["created_at"], rule["id"])
