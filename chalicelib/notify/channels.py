"""The SMS and push channel ports of the notify context, and the SNS SMS adapter.

chalicelib.bootstrap plugs in `SnsSms` (SNS direct-to-phone); SNS cannot send SMS in the China regions, where a
domestic provider's adapter implementing `SmsChannel` is wired instead. The push adapters live in
`notify.mobile` (SNS mobile push, and the domestic vendor's slot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.core import aws


class SmsRejected(Exception):
    """The provider refused the number itself (not a valid E.164 number): no retry will ever send it."""


class SmsChannel(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send one SMS; return the provider's message id."""


class SnsSms:
    """SNS direct-to-phone SMS (transactional). Not available in cn-north-1/cn-northwest-1."""

    def send(self, phone: str, text: str) -> str:
        number = phone if phone.startswith("+") else f"+86{phone}"
        sns = aws.client("sns")
        try:
            reply = sns.publish(
                PhoneNumber=number,
                Message=text,
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "CHEMPARK"},
                },
            )
        except sns.exceptions.InvalidParameterException as exc:  # the number (our text and attributes are fixed)
            raise SmsRejected(str(exc)) from exc
        return str(reply["MessageId"])


_sms: SmsChannel | None = None


def sms() -> SmsChannel:
    if _sms is None:
        raise RuntimeError("no SMS channel: chalicelib.bootstrap.wire() must run first (app.py does)")
    return _sms


def use_sms(channel: SmsChannel) -> None:
    """Plug in the SMS adapter (chalicelib.bootstrap; a domestic provider in China regions, a fake in tests)."""
    global _sms
    _sms = channel


class PushRejected(Exception):
    """The platform refused the device token (app uninstalled, token expired): the device is never used again."""


class PushUnavailable(Exception):
    """No adapter serves the platform in this deployment (not configured)."""


@dataclass(frozen=True)
class PushNote:
    """One push as the adapters render it per platform; `silent` drops sound and vibration."""

    title: str
    body: str
    category: str
    silent: bool = False
    data: dict[str, Any] = field(default_factory=dict)


class PushChannel(Protocol):
    def register(self, platform: str, token: str) -> str:
        """The address to push a device token to (SNS: the platform endpoint ARN); PushRejected, PushUnavailable."""

    def send(self, address: str, platform: str, note: PushNote) -> str:
        """Push one note; return the provider's message id. PushRejected when the platform refuses the token."""

    def forget(self, address: str, platform: str) -> None:
        """Drop the address (the device was removed); idempotent."""


_push: PushChannel | None = None


def push() -> PushChannel:
    if _push is None:
        raise RuntimeError("no push channel: chalicelib.bootstrap.wire() must run first (app.py does)")
    return _push


def use_push(channel: PushChannel) -> None:
    """Plug in the push adapter (chalicelib.bootstrap: notify.mobile.ByPlatform; a fake in tests)."""
    global _push
    _push = channel
