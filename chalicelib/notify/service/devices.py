"""A person's mobile devices and notification preferences (`/me/...`): each caller sees and changes only their
own; tokens are shown masked like phones in the SMS log."""

from __future__ import annotations

import contextlib
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors
from chalicelib.core.identity import PARK, Identity
from chalicelib.notify import channels, domain, store
from chalicelib.notify.channels import PushRejected, PushUnavailable
from chalicelib.notify.schemas import PreferencesIn

REJECTED = "推送平台已拒绝该设备令牌，请在应用中重新获取令牌后再登记"


def _out(item: store.DeviceModel) -> dict[str, Any]:
    disabled = item.disabled_ms
    return {
        "id": item.id,
        "platform": item.platform,
        "token": domain.mask(item.token),
        "status": item.status,
        "registered_at": clock.from_ms(int(item.registered_ms)),
        "disabled_at": clock.from_ms(int(disabled)) if disabled is not None else None,
        "disabled_reason": item.disabled_reason,
    }


def disable(item: store.DeviceModel, reason: str) -> None:
    """The platform refused the token: keep the device as evidence, never push to it again."""
    model = store.DeviceModel
    item.update(
        actions=[model.status.set("disabled"), model.disabled_ms.set(clock.now_ms()), model.disabled_reason.set(reason)]
    )


def register(who: Identity, platform: str, token: str) -> tuple[dict[str, Any], bool]:
    """(the device, True when newly registered to the caller). The same token again refreshes it; a token
    another account registered moves to the caller (the phone changed hands); a rejected token stays refused."""
    device_id = domain.device_id(platform, token)
    try:
        known: store.DeviceModel | None = store.DeviceModel.get(device_id, consistent_read=True)
    except DoesNotExist:
        known = None
    if known is not None and known.status == "disabled":
        raise errors.invalid_field("token", REJECTED, "rejected")
    try:
        address = channels.push().register(platform, token)
    except PushUnavailable as exc:
        raise errors.invalid_field("platform", "该推送平台在本园区尚未开通", "not_configured") from exc
    except PushRejected as exc:
        if known is not None:
            disable(known, "rejected_at_registration")
        raise errors.invalid_field("token", REJECTED, "rejected") from exc
    enterprise_id = who.enterprise_id or PARK
    mine = known is not None and known.user == who.subject and known.enterprise_id == enterprise_id
    item = store.DeviceModel(
        device_id,
        user=who.subject,
        enterprise_id=enterprise_id,
        platform=platform,
        token=token,
        address=address,
        status="active",
        registered_ms=int(known.registered_ms) if mine and known else clock.now_ms(),
    )
    item.save()
    return _out(item), not mine


def _own(who: Identity, device_id: str) -> store.DeviceModel:
    """The caller's own device; anyone else's answers 404, as an unknown id does (no existence oracle)."""
    try:
        item = store.DeviceModel.get(device_id, consistent_read=True)
    except DoesNotExist:
        item = None
    if item is None or item.user != who.subject or item.enterprise_id != (who.enterprise_id or PARK):
        raise errors.NOT_FOUND(details={"device_id": device_id})
    return item


def devices(who: Identity) -> list[dict[str, Any]]:
    """The caller's devices, newest first, disabled ones included (the app shows why pushes stopped)."""
    scope = who.enterprise_id or PARK
    found = store.DeviceModel.by_user.query(who.subject, scan_index_forward=False)
    return [_out(i) for i in found if i.enterprise_id == scope]


def remove(who: Identity, device_id: str) -> None:
    """Unregister one of the caller's devices (log out, app uninstalled): its endpoint goes too."""
    item = _own(who, device_id)
    if item.status == "active" and item.address:
        with contextlib.suppress(PushUnavailable, PushRejected):  # nothing to forget on a platform not served here
            channels.push().forget(item.address, item.platform)
    item.delete()


def preferences(user: str) -> dict[str, Any]:
    """A user's preferences as stored, or the defaults (`updated_at` null)."""
    try:
        item = store.PushPreferenceModel.get(user)
    except DoesNotExist:
        return {**PreferencesIn().model_dump(mode="json"), "updated_at": None}
    return {**item.doc, "updated_at": clock.from_ms(int(item.updated_ms))}


def set_preferences(who: Identity, body: PreferencesIn) -> dict[str, Any]:
    doc = body.model_dump(mode="json")
    item = store.PushPreferenceModel(who.subject, doc=doc, updated_ms=clock.now_ms())
    item.save()
    return {**doc, "updated_at": clock.from_ms(int(item.updated_ms))}
