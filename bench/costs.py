"""Prices (us-east-1, USD) from ../shared/reference/aws-costs-limits-coldstart.md §1.1, and the cost model."""

from __future__ import annotations

import math
from typing import Any

PRICES = {
    "iot_message_per_m": 1.00,  # Basic Ingest: not charged (reference §1.1 [V])
    "iot_rule_per_m": 0.15,  # per rule triggered, metered per 5 KB of message [T]
    "iot_action_per_m": 0.15,  # per action executed, per 5 KB [T]
    "sqs_request_per_m": 0.40,  # standard queue, 64 KB chunks [M]
    "lambda_request_per_m": 0.20,  # [V]
    "lambda_gb_s": 0.0000166667,  # x86 [V]
    "ddb_wru_per_m": 0.625,  # on-demand, 1 KB per unit, x2 in a transaction [T]
    "ddb_rru_per_m": 0.125,  # on-demand, 4 KB strongly consistent, half for eventually consistent [T]
    "firehose_gb": 0.029,  # records rounded up to 5 KB; NOT in the reference: [M], check the live price
    "sns_publish_per_m": 0.50,  # [T]
}
RULE_UNIT = 5 * 1024
FIREHOSE_UNIT = 5 * 1024


def per_million(
    readings: int,
    messages: int,
    message_bytes: float,
    rule_actions: int,
    invocations: int,
    sqs_receive_delete: int,
    lambda_s: float,
    lambda_gb: float,
    wru: float,
    rru: float,
    sns_publishes: int,
) -> dict[str, Any]:
    """Dollars per 1,000,000 readings from the counts of one measured run, with the breakdown."""
    units = math.ceil(message_bytes / RULE_UNIT)
    fh_bytes = messages * math.ceil(message_bytes / FIREHOSE_UNIT) * FIREHOSE_UNIT
    parts = {
        "iot_messaging (Basic Ingest)": 0.0,
        "iot_rules": messages * units * (PRICES["iot_rule_per_m"] + rule_actions * PRICES["iot_action_per_m"]) / 1e6,
        "sqs": (messages + sqs_receive_delete) * PRICES["sqs_request_per_m"] / 1e6,
        "firehose_archive": fh_bytes / 1024**3 * PRICES["firehose_gb"],
        "lambda_requests": invocations * PRICES["lambda_request_per_m"] / 1e6,
        "lambda_duration": lambda_s * lambda_gb * PRICES["lambda_gb_s"],
        "dynamodb_writes": wru * PRICES["ddb_wru_per_m"] / 1e6,
        "dynamodb_reads": rru * PRICES["ddb_rru_per_m"] / 1e6,
        "sns": sns_publishes * PRICES["sns_publish_per_m"] / 1e6,
    }
    scale = 1e6 / readings
    breakdown = {k: round(v * scale, 6) for k, v in parts.items()}
    return {
        "usd_per_million_readings": round(sum(breakdown.values()), 5),
        "breakdown": breakdown,
        "prices": PRICES,
        "rule_units_per_message": units,
    }
