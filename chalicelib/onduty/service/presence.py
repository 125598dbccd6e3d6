"""Presence (在岗在位): check-ins and check-outs, where each post's area is, and the state of a post now
(present, vacant since when, off shift) from its roster, its check-ins and the people-positions port."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.onduty import domain, ports, store
from chalicelib.onduty.schemas import CheckInIn
from chalicelib.onduty.service.posts import rostered, shifts_of, writable
from chalicelib.registry import service as registry

Circle = tuple[float, float, float]


@dataclass
class Areas:
    """The circles where each post's people count as on site, read once per request or sweep: near the
    post's installation, else inside the enterprise's zones or near its registered location."""

    cache: dict[str, list[Circle]] = field(default_factory=dict)

    def of(self, post: dict[str, Any]) -> list[Circle]:
        key = post.get("installation_id") or post["enterprise_id"]
        if key not in self.cache:
            self.cache[key] = _circles(post)
        return self.cache[key]


def _circles(post: dict[str, Any]) -> list[Circle]:
    if post.get("installation_id"):
        try:
            where = registry.installation(post["installation_id"], SYSTEM).location
            return [(where.lat, where.lon, domain.INSTALLATION_RADIUS_M)]
        except errors.AppError:  # the installation left the registry: the enterprise's area still holds
            logger.warning("onduty post names a missing installation", extra={"post_id": post["id"]})
    eid = post["enterprise_id"]
    home = registry.enterprise(eid, SYSTEM).location
    circles = [(home.lat, home.lon, domain.ENTERPRISE_RADIUS_M)]
    zones = registry.zones(SYSTEM, eid)
    return circles + [(z.center.lat, z.center.lon, z.radius_m) for z in zones]


def _check_ins_of(post_id: str, slot: str, since_ms: int) -> list[store.CheckInModel]:
    model = store.CheckInModel
    return [c for c in model.by_post.query(post_id, model.in_ms >= since_ms) if c.slot == slot]


def check_in(body: CheckInIn, who: Identity) -> dict[str, Any]:
    item, now = writable(body.post_id, who), clock.now_ms()
    post = item.data()
    candidates = domain.check_in_candidates(shifts_of(post), now, get_settings().park_utc_offset_h)
    if not candidates:
        raise domain.OFF_SHIFT(details={"post_id": item.id})
    found = (
        (occ, p) for occ in candidates for p in rostered(item.id, occ.slot) if p["person_id"] == body.person_id
    )  # the shift under way first, then one starting within the hour (people arrive a little early)
    occ, person = next(found, (candidates[0], None))
    if person is None:
        raise domain.NOT_ROSTERED(field="person_id", date=occ.day.isoformat(), shift_id=occ.shift.id)
    if not domain.inside(body.location.lat, body.location.lon, Areas().of(post)):
        raise domain.OUTSIDE_AREA(field="location")
    since = occ.start_ms - domain.EARLY_CHECK_IN_MS
    if any(c.person_id == body.person_id and c.out_ms is None for c in _check_ins_of(item.id, occ.slot, since)):
        raise domain.CHECKED_IN(details={"person_id": body.person_id, "date": occ.day.isoformat()})
    doc = {
        "name": person["name"],
        "location": body.location.model_dump(),
        "by": who.subject,
        "self_reported": bool(person.get("subject")) and person.get("subject") == who.subject,
    }
    record = store.CheckInModel(
        ids.new_id("chk"),
        enterprise_id=item.enterprise_id,
        post_id=item.id,
        slot=occ.slot,
        person_id=body.person_id,
        in_ms=now,
        doc=doc,
    )
    record.save(condition=store.CheckInModel.id.does_not_exist())
    return record.data()


def check_out(check_in_id: str, who: Identity) -> dict[str, Any]:
    record = get_or_404(store.CheckInModel, check_in_id, field="check_in_id")
    if not who.can_see(record.enterprise_id):
        raise errors.NOT_FOUND(details={"check_in_id": check_in_id})
    who.ensure_can_write(record.enterprise_id)
    with conditional(domain.CHECKED_OUT(details={"check_in_id": check_in_id})):
        record.update(
            actions=[store.CheckInModel.out_ms.set(clock.now_ms())],
            condition=store.CheckInModel.out_ms.does_not_exist(),
        )
    return record.data()


def check_ins_page(
    who: Identity, enterprise_id: str | None, post_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    model = store.CheckInModel
    condition = model.post_id == post_id if post_id else None
    scope = who.scope(enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


@dataclass(frozen=True)
class PostState:
    """A post at one moment: its shift occurrence (None off shift), who is rostered and present, and since
    when it is vacant (None when staffed or off shift)."""

    post: dict[str, Any]
    occurrence: domain.Occurrence | None
    people: list[dict[str, Any]]
    present: dict[str, domain.Presence]
    since_ms: int | None

    def overdue(self, now: int) -> bool:
        """Vacant for longer than the grace period: the alarm is due and the risk profile counts it."""
        return self.since_ms is not None and now - self.since_ms >= get_settings().onduty_grace_s * 1000


def state_of(post: dict[str, Any], now: int, areas: Areas) -> PostState:
    settings = get_settings()
    occ = domain.current(shifts_of(post), now, settings.park_utc_offset_h)
    if occ is None:
        return PostState(post, None, [], {}, None)
    people = rostered(post["id"], occ.slot)
    names = {p["person_id"] for p in people}
    stretches = [
        domain.Presence(c.person_id, int(c.in_ms), int(c.out_ms) if c.out_ms is not None else occ.end_ms, "check_in")
        for c in _check_ins_of(post["id"], occ.slot, occ.start_ms - domain.EARLY_CHECK_IN_MS)
        if c.person_id in names
    ]
    fresh_ms, circles = settings.onduty_position_fresh_s * 1000, None
    for person_id, (lat, lon, ts) in ports.last_seen(post["enterprise_id"], sorted(names)).items():
        circles = circles if circles is not None else areas.of(post)
        if person_id in names and domain.inside(lat, lon, circles):
            stretches.append(domain.Presence(person_id, int(ts), int(ts) + fresh_ms, "position"))
    present = domain.present_now(stretches, now)
    since = domain.vacant_since(occ, stretches, now, int(post.get("min_present", 1)))
    return PostState(post, occ, people, present, since)
