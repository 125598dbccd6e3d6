"""Notification use cases, the only module other contexts import: SMS with flood digests (sms), publication on
every channel (publication), and the SMS log (log)."""

from chalicelib.notify.service.log import sms_log
from chalicelib.notify.service.publication import publish, recipients
from chalicelib.notify.service.sms import Recipient, alarm_sms, mask, record_exercise, send_digests, send_sms

__all__ = [
    "Recipient",
    "alarm_sms",
    "mask",
    "publish",
    "recipients",
    "record_exercise",
    "send_digests",
    "send_sms",
    "sms_log",
]
