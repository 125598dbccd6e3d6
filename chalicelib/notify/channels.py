"""The SMS channel port of the notify context and its SNS adapter.

chalicelib.bootstrap plugs in `SnsSms` (SNS direct-to-phone); SNS cannot send SMS in the China regions, where a
domestic provider's adapter implementing `SmsChannel` is wired instead."""

from __future__ import annotations

from typing import Protocol

from chalicelib.core import aws


class SmsChannel(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send one SMS; return the provider's message id."""


class SnsSms:
    """SNS direct-to-phone SMS (transactional). Not available in cn-north-1/cn-northwest-1."""

    def send(self, phone: str, text: str) -> str:
        number = phone if phone.startswith("+") else f"+86{phone}"
        reply = aws.client("sns").publish(
            PhoneNumber=number,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "CHEMPARK"},
            },
        )
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
