"""The audit log's guarantees in the synthesized template (docs/audit.md): one writer of the chain, API roles
that can only add pending entries, a signing key only that writer may sign with, checkpoints under Object
Lock, and an alarm on entries that could not be stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.cfn import PREFIX, as_list, functions, of_type, ref_id, statements

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]
SIGNER = f"{PREFIX}-audit-checkpoints-signer"


def _table(resources: dict[str, Any], logical: str) -> str:
    return next(
        tid
        for tid, t in of_type(resources, "AWS::DynamoDB::Table").items()
        if t["Properties"]["TableName"] == f"{PREFIX}-{logical}"
    )


def _granted(resources: dict[str, Any], resource_id: str) -> dict[str, set[str]]:
    """Actions granted on a resource (or its indexes/objects), by the role that holds them."""
    out: dict[str, set[str]] = {}
    for rid, stmt in statements(resources):
        if stmt.get("Effect", "Allow") == "Allow" and resource_id in json.dumps(stmt.get("Resource")):
            out.setdefault(rid, set()).update(as_list(stmt["Action"]))
    return out


def _sequencer_role(resources: dict[str, Any]) -> str:
    fn = next(f for fid, f in functions(resources).items() if fid == "AuditSequencer")
    role = ref_id(fn["Properties"]["Role"])
    assert resources[role]["Properties"]["RoleName"] == SIGNER
    return str(role)


def test_only_the_sequencer_writes_the_chain(resources: dict[str, Any]) -> None:
    sequencer = _sequencer_role(resources)
    chain = _granted(resources, _table(resources, "audit"))
    writers = {rid for rid, actions in chain.items() if actions & {"dynamodb:PutItem", "dynamodb:UpdateItem"}}
    assert writers == {sequencer}
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem"} <= chain[sequencer]
    assert len(chain) >= 4  # every role still reads it (verify, records)


def test_api_roles_can_only_add_pending_entries(resources: dict[str, Any]) -> None:
    sequencer = _sequencer_role(resources)
    pending = _granted(resources, _table(resources, "audit-pending"))
    api_role = ref_id(functions(resources)["APIHandler"]["Properties"]["Role"])
    assert "dynamodb:PutItem" in pending[api_role]
    for rid, actions in pending.items():
        if rid != sequencer:
            assert not actions & {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}, rid
    assert "dynamodb:DeleteItem" in pending[sequencer]  # it removes what it chained


def test_the_sequencer_runs_once_at_a_time(resources: dict[str, Any]) -> None:
    assert functions(resources)["AuditSequencer"]["Properties"]["ReservedConcurrentExecutions"] == 1


def test_signing_key_is_asymmetric_and_only_the_sequencer_may_sign(resources: dict[str, Any]) -> None:
    keys = {kid: k for kid, k in of_type(resources, "AWS::KMS::Key").items() if k["Properties"].get("KeyUsage")}
    assert len(keys) == 1
    (kid, key), sequencer = next(iter(keys.items())), _sequencer_role(resources)
    assert key["Properties"]["KeySpec"] == "ECC_NIST_P256" and key["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    denies = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s["Effect"] == "Deny"]
    assert [as_list(s["Action"]) for s in denies] == [["kms:Sign"]]
    assert denies[0]["Principal"] == {"AWS": "*"}
    assert SIGNER in json.dumps(denies[0]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"])
    signers = {rid for rid, actions in _granted(resources, kid).items() if "kms:Sign" in actions}
    assert signers == {sequencer}
    verifiers = {rid for rid, actions in _granted(resources, kid).items() if "kms:Verify" in actions}
    assert ref_id(functions(resources)["APIHandler"]["Properties"]["Role"]) in verifiers


def test_checkpoints_bucket_has_compliance_object_lock_and_only_the_sequencer_writes_it(
    resources: dict[str, Any],
) -> None:
    bid, bucket = next(
        (bid, b)
        for bid, b in of_type(resources, "AWS::S3::Bucket").items()
        if "audit-checkpoints" in json.dumps(b["Properties"].get("BucketName"))
    )
    props = bucket["Properties"]
    assert props["ObjectLockEnabled"] is True
    retention = props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert retention["Mode"] == "COMPLIANCE" and retention["Days"] >= 6 * 365
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    writers = {rid for rid, actions in _granted(resources, bid).items() if "s3:PutObject" in actions}
    assert writers == {_sequencer_role(resources)}


@pytest.mark.parametrize("metric", ["AuditAppendFailed", "AuditChainBroken"])
def test_audit_failures_raise_an_alarm(resources: dict[str, Any], metric: str) -> None:
    alarms = [a["Properties"] for a in of_type(resources, "AWS::CloudWatch::Alarm").values()]
    alarm = next(a for a in alarms if a.get("MetricName") == metric)
    assert alarm["Namespace"] == "ChemPark"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "chempark"}]
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["AlarmActions"]
