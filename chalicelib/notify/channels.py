"""Channel ports and their adapters. SMS goes through SNS by default; China regions plug in their own."""

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


_sms: SmsChannel = SnsSms()


def sms() -> SmsChannel:
    return _sms


def use_sms(channel: SmsChannel) -> None:
    """Swap the SMS adapter (a domestic provider in China regions, a fake in tests)."""
    global _sms
    _sms = channel
