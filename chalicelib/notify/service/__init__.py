"""Notification use cases, the only module other contexts import: SMS with flood digests (sms), publication on
every channel (publication), the SMS log (log), the app channel's pushes (push) and a person's devices and
preferences (devices)."""

from chalicelib.notify.domain import Category
from chalicelib.notify.service.devices import devices, preferences, register, remove, set_preferences
from chalicelib.notify.service.log import push_log, sms_log
from chalicelib.notify.service.publication import Publication, PushCounts, publish, recipients
from chalicelib.notify.service.push import to_audience, to_people
from chalicelib.notify.service.sms import Recipient, alarm_sms, mask, record_exercise, send_digests, send_sms

__all__ = [
    "Category",
    "Publication",
    "PushCounts",
    "Recipient",
    "alarm_sms",
    "devices",
    "mask",
    "preferences",
    "publish",
    "push_log",
    "recipients",
    "record_exercise",
    "register",
    "remove",
    "send_digests",
    "send_sms",
    "set_preferences",
    "sms_log",
    "to_audience",
    "to_people",
]
