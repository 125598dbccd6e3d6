"""Push adapters behind `notify.channels.PushChannel`: SNS mobile push for APNs and FCM, and the slot of a
domestic push vendor (JPush, Huawei HMS) for the tokens SNS cannot serve, chosen by `Settings.push_vendor`.

SNS: one platform application per platform (infra/push.py, credentials from Secrets Manager), one platform
endpoint per device token (`CreatePlatformEndpoint`, idempotent for the same token), a publish per push to the
endpoint. A platform that reports a token as invalid makes SNS set the endpoint's `Enabled` to false; the next
publish fails with `EndpointDisabled`, which this adapter reports as `PushRejected`.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from chalicelib.core import aws, catalog, errors
from chalicelib.core.settings import get_settings
from chalicelib.notify.channels import PushChannel, PushNote, PushRejected, PushUnavailable

# CreatePlatformEndpoint for a token SNS already knows under other attributes names the existing endpoint.
_EXISTING = re.compile(r"Endpoint (arn:\S+) already exists")


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _apns(note: PushNote) -> str:
    aps: dict[str, Any] = {
        "alert": {"title": note.title, "body": note.body},
        "thread-id": note.category,
        "interruption-level": "passive" if note.silent else "time-sensitive",
    }
    if not note.silent:
        aps["sound"] = "default"
    return orjson.dumps({"aps": aps, "data": note.data}).decode()


def _fcm(note: PushNote) -> str:
    android: dict[str, Any] = {"channel_id": f"chempark.{note.category}"}
    if not note.silent:
        android["sound"] = "default"
    message = {
        "notification": {"title": note.title, "body": note.body},
        "android": {"priority": "NORMAL" if note.silent else "HIGH", "notification": android},
        "data": {k: str(v) for k, v in note.data.items()},  # FCM data values are strings
    }
    return orjson.dumps({"fcmV1Message": {"message": message}}).decode()


class SnsMobilePush:
    """SNS mobile push for APNs (`APNS`) and FCM (`GCM`, HTTP v1)."""

    def register(self, platform: str, token: str) -> str:
        sns = aws.client("sns")
        try:
            application = catalog.push_app_arn(platform)
            return str(sns.create_platform_endpoint(PlatformApplicationArn=application, Token=token)["EndpointArn"])
        except (errors.AppError, sns.exceptions.NotFoundException) as exc:  # no application in this deployment
            raise PushUnavailable(f"no SNS platform application for {platform}") from exc
        except sns.exceptions.InvalidParameterException as exc:
            found = _EXISTING.search(str(exc))
            if found is None:  # a token the platform's format refuses
                raise PushRejected(str(exc)) from exc
            address = found.group(1)
        attributes = sns.get_endpoint_attributes(EndpointArn=address)["Attributes"]
        if str(attributes.get("Enabled", "true")).lower() != "true":
            raise PushRejected("the platform disabled this token")
        return address

    def send(self, address: str, platform: str, note: PushNote) -> str:
        rendered = _apns(note) if platform == "apns" else _fcm(note)
        message = {"default": note.body, "APNS": rendered, "APNS_SANDBOX": rendered, "GCM": rendered}
        try:
            reply = aws.client("sns").publish(
                TargetArn=address, MessageStructure="json", Message=orjson.dumps(message).decode()
            )
        except Exception as exc:
            if _code(exc) == "EndpointDisabled":
                raise PushRejected("endpoint disabled") from exc
            raise
        return str(reply["MessageId"])

    def forget(self, address: str, platform: str) -> None:
        aws.client("sns").delete_endpoint(EndpointArn=address)


class VendorPush:
    """The domestic push vendor's slot (JPush 极光推送, Huawei Push Kit) for `hms` and `jpush` tokens.

    No vendor adapter is built yet: with `push_vendor` = none every call says the platform is not configured,
    and with a vendor named the call says its adapter is missing. A vendor adapter implements PushChannel here,
    reads its app key and secret from Secrets Manager (core.settings.SECRETS), and is selected by the setting.
    """

    def _refuse(self) -> PushUnavailable:
        vendor = get_settings().push_vendor
        if vendor == "none":
            return PushUnavailable("no domestic push vendor configured (CHEMPARK_PUSH_VENDOR)")
        return PushUnavailable(f"push vendor {vendor!r} is selected but its adapter is not built")

    def register(self, platform: str, token: str) -> str:
        raise self._refuse()

    def send(self, address: str, platform: str, note: PushNote) -> str:
        raise self._refuse()

    def forget(self, address: str, platform: str) -> None:
        raise self._refuse()


class ByPlatform:
    """The push port as bootstrap wires it: APNs and FCM through SNS, HMS and JPush through the vendor slot."""

    def __init__(self, sns: PushChannel, vendor: PushChannel) -> None:
        self._by = {"apns": sns, "fcm": sns, "hms": vendor, "jpush": vendor}

    def _of(self, platform: str) -> PushChannel:
        if platform not in self._by:
            raise PushUnavailable(f"unknown push platform {platform!r}")
        return self._by[platform]

    def register(self, platform: str, token: str) -> str:
        return self._of(platform).register(platform, token)

    def send(self, address: str, platform: str, note: PushNote) -> str:
        return self._of(platform).send(address, platform, note)

    def forget(self, address: str, platform: str) -> None:
        self._of(platform).forget(address, platform)
