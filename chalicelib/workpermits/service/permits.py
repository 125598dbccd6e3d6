"""Permit use cases (5.1.2-1): apply with the GB 30871-2022 level, validity and Table B.1 checks, then
approve → start → suspend/resume → close, or cancel; each step checked, recorded in the trail, audited."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry
from chalicelib.workpermits import domain, store
from chalicelib.workpermits.domain import gas, rules
from chalicelib.workpermits.schemas import WorkPermitIn
from chalicelib.workpermits.service.records import analyses, commit, doc, held, load, public

APPROVER_ROLE = errors.define(
    "APPROVER_ROLE",
    403,
    "该作业票须由 GB 30871-2022 表 B.1 规定的审批部门审批",
    "The caller's role does not act for the permit's Table B.1 authority (details.authority, details.roles).",
)
APPROVER_IS_APPLICANT = errors.define(
    "APPROVER_IS_APPLICANT", 403, "作业申请人不能审批自己的作业票", "Four eyes: the applicant never approves."
)


def _check_refs(data: dict[str, Any], who: Identity) -> None:
    enterprise_id = data["enterprise_id"]
    registry.enterprise(enterprise_id, who)
    installation_id = data.get("installation_id")
    if installation_id and registry.installation(installation_id, who).enterprise_id != enterprise_id:
        raise errors.invalid_field("installation_id", "装置不属于该企业", "reference")
    if data.get("monitor_sensor_id"):
        sensor = registry.sensor(data["monitor_sensor_id"], who)
        if sensor.enterprise_id != enterprise_id or sensor.kind not in domain.GAS_SENSOR_KINDS:
            raise errors.invalid_field("monitor_sensor_id", "须为本企业的气体探测器（可燃、有毒或氧含量）", "reference")


def create(body: WorkPermitIn, who: Identity) -> dict[str, Any]:
    who.ensure_can_write(body.enterprise_id)
    data = body.model_dump(mode="json")
    data.update(starts_ms=clock.to_ms(body.starts_at), ends_ms=clock.to_ms(body.ends_at))
    now, permit_id = clock.now_ms(), ids.new_id("wp")
    domain.check_application(data["starts_ms"], data["ends_ms"], now)
    c = domain.classify(data)
    _check_refs(data, who)
    domain.check_conflicts({**data, "id": permit_id}, held())
    approval = {
        "authority": c.authority,
        "authority_label": rules.AUTHORITY_LABEL[c.authority],
        "roles": sorted(domain.approver_roles(c.authority)),
        "approved_by": None,
        "approved_at": None,
        "countersign_required": list(rules.COUNTERSIGN.get(body.type, ())),
    }
    keep = {k: v for k, v in data.items() if k not in ("enterprise_id", "type", "starts_ms", "ends_ms", "level")}
    item = store.PermitModel(
        permit_id,
        enterprise_id=body.enterprise_id,
        type=body.type,
        state="draft",
        starts_ms=data["starts_ms"],
        ends_ms=data["ends_ms"],
        doc={**keep, "level": c.level, "declared_level": c.declared_level, "applicant": who.subject}
        | {"gas_rules": gas.profile(data)}
        | {"approval": approval},
        created_ms=now,
        updated_ms=now,
    )
    commit(item, store.event(permit_id, now, who.subject, "created", level=c.level, authority=c.authority), new=True)
    return public(item)


def _step(item: store.PermitModel, who: Identity, action: str, new: dict[str, Any], **details: Any) -> dict[str, Any]:
    """Move the permit along `action` with its new document; the trail entry records from and to."""
    target = domain.check_transition(item.state, action)
    now = clock.now_ms()
    before, item.state, item.doc, item.updated_ms = item.state, target, new, now
    order = 2 * int(item.version or 0)  # a gas analysis between two steps takes the odd number between them
    entry = store.event(item.id, now, who.subject, action, order, state_before=before, state=target, **details)
    commit(item, entry)
    return public(item)


def approve(permit_id: str, comment: str, who: Identity) -> dict[str, Any]:
    """审批: by the role acting for the Table B.1 authority (or a higher one), never by the applicant."""
    item = load(permit_id, who)
    d = doc(item)
    domain.check_transition(item.state, "approve")
    approval = d["approval"]
    if not who.has_any(domain.approver_roles(approval["authority"])):
        raise APPROVER_ROLE(details={"authority": approval["authority_label"], "roles": approval["roles"]})
    if who.subject == d["applicant"]:
        raise APPROVER_IS_APPLICANT(details={"applicant": d["applicant"]})
    missing = domain.missing_countersigns(item.type, d.get("countersigns") or {})
    if missing:
        raise domain.COUNTERSIGN_MISSING(details={"missing": missing})
    domain.check_conflicts(item.data(), held())
    now = clock.now_ms()
    approval.update(approved_by=who.subject, approved_name=who.name, approved_role=who.role, comment=comment)
    approval["approved_at"] = clock.iso(now)
    return _step(item, who, "approve", d, comment=comment)


def countersign(permit_id: str, department: str, comment: str, who: Identity) -> dict[str, Any]:
    """会签 (Table B.1): one department of the type's list signs a draft, once; the state does not change."""
    item = load(permit_id, who)
    if item.state != "draft":
        raise domain.PERMIT_STATE(details={"state": item.state, "action": "countersign", "allowed_from": ["draft"]})
    d = doc(item)
    done = d.setdefault("countersigns", {})
    domain.check_countersign(item.type, department, done)
    now = clock.now_ms()
    done[department] = {"by": who.subject, "name": who.name, "at": clock.iso(now), "comment": comment}
    item.doc, item.updated_ms = d, now
    order = 2 * int(item.version or 0)
    commit(item, store.event(item.id, now, who.subject, "countersign", order, department=department, comment=comment))
    return public(item)


def start(permit_id: str, who: Identity) -> dict[str, Any]:
    """开始作业: inside the ticket's window, free of conflicts, after a passing gas analysis ≤ 30 min old."""
    item = load(permit_id, who)
    domain.check_transition(item.state, "start")
    now = clock.now_ms()
    domain.check_window(int(item.starts_ms), int(item.ends_ms), now)
    domain.check_conflicts(item.data(), held())
    d = doc(item)
    if d.get("gas_rules"):
        gas.check_ready(analyses(item.id), now)
    d["started_at"] = clock.iso(now)
    return _step(item, who, "start", d)


def suspend(permit_id: str, reason: str, who: Identity, alarm: dict[str, Any] | None = None) -> dict[str, Any]:
    """暂停作业: by a person (reason) or by a gas alarm near the work (alarm: id, tag, distance)."""
    item = load(permit_id, who)
    domain.check_transition(item.state, "suspend")
    d = doc(item)
    d["suspension"] = {
        "since": clock.iso(clock.now_ms()),
        "since_ms": clock.now_ms(),
        "reason": reason,
        "by": who.subject,
        "by_gas_alarm": alarm is not None,
        **({"alarm": alarm} if alarm else {}),
    }
    return _step(item, who, "suspend", d, reason=reason, **({"alarm": alarm} if alarm else {}))


def resume(permit_id: str, who: Identity) -> dict[str, Any]:
    """恢复作业: inside the window; re-analysed after a break longer than §5.3 allows or any gas alarm."""
    item = load(permit_id, who)
    domain.check_transition(item.state, "resume")
    now, d = clock.now_ms(), doc(item)
    domain.check_window(int(item.starts_ms), int(item.ends_ms), now)
    since = int(d["suspension"]["since_ms"])
    if gas.needs_reanalysis(d.get("gas_rules"), d.get("level"), now - since, bool(d["suspension"]["by_gas_alarm"])):
        gas.check_ready(analyses(item.id), now, after_ms=since)
    last = d.pop("suspension")
    return _step(item, who, "resume", d, break_s=(now - since) // 1000, suspended_for=last["reason"])


def close(permit_id: str, comment: str, who: Identity) -> dict[str, Any]:
    """关闭（完工验收）."""
    item = load(permit_id, who)
    d = doc(item)
    d["closed"] = {"at": clock.iso(clock.now_ms()), "by": who.subject, "comment": comment}
    return _step(item, who, "close", d, comment=comment)


def cancel(permit_id: str, reason: str, who: Identity) -> dict[str, Any]:
    item = load(permit_id, who)
    d = doc(item)
    d["cancelled"] = {"at": clock.iso(clock.now_ms()), "by": who.subject, "reason": reason}
    return _step(item, who, "cancel", d, reason=reason)
