"""SMS numbers (found by the fuzzer): a number SNS refuses as not E.164 used to fail the whole command with a 500.
Requests now accept only numbers that make an E.164 number, and one stored before that is logged as refused once,
never retried, while the others on the same command are texted."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.core.schemas import Priority
from chalicelib.notify import service as notify
from chalicelib.notify import store
from chalicelib.notify.service.sms import REJECTED
from tests.integration.test_plans import plan_body
from tests.support import sms_to


@pytest.mark.parametrize("phone", ["+0123456789", "123456789012345", "+1234567890123456"])
def test_a_number_that_makes_no_e164_number_is_422_naming_it(api: Any, phone: str) -> None:
    body = plan_body(notifications=[{"name": "李安全", "role": "安全总监", "phone": phone}])
    r = api.post("/plans", role="park_admin", json=body)
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.notifications.0.phone"), r.json
    assert api.post("/plans", role="park_admin", json=plan_body()).status_code == 201  # its own numbers pass


def test_a_stored_number_the_provider_refuses_is_logged_once_and_the_next_recipient_is_texted(api: Any) -> None:
    ref = f"cmd-{uuid.uuid4().hex[:8]}"
    refused = notify.Recipient("旧号码", "+0123456789", Priority.LOW)
    good = notify.Recipient("李指挥", "13900001111", Priority.LOW)
    before = len(sms_to(good.phone))
    assert notify.send_sms(ref, refused, "测试指令", "command") is False
    assert notify.send_sms(ref, refused, "测试指令", "command") is False  # claimed: not tried again
    assert notify.send_sms(ref, good, "测试指令", "command") is True
    assert store.SmsLogModel.get(ref, refused.phone).message_id == REJECTED
    assert len(sms_to(good.phone)) == before + 1
