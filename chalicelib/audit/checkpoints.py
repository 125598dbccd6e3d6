"""Signed checkpoints of the audit chain: signed with the catalogue's KMS key (an asymmetric key only the
sequencer's role may sign with), kept in the Object Lock bucket; read and checked by verify."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import orjson

from chalicelib.audit import domain
from chalicelib.core import aws, catalog

KEY = "audit-checkpoints"  # the catalogue's bucket and signing key (ECC_NIST_P256)
ALGORITHM = "ECDSA_SHA_256"
PREFIX = "checkpoints/"
LATEST = "latest.json"  # the newest checkpoint again (a new locked version each time)


def object_key(seq_to: int) -> str:
    return f"{PREFIX}{seq_to:012d}.json"


def store(body: Mapping[str, Any]) -> dict[str, Any]:
    """Sign `body` and write it under its own key and as the latest; returns the stored document."""
    signed = aws.client("kms").sign(
        KeyId=catalog.signing_key_id(KEY),
        Message=domain.signed_message(body),
        MessageType="RAW",
        SigningAlgorithm=ALGORITHM,
    )
    doc = {"body": dict(body), "signature": base64.b64encode(signed["Signature"]).decode(), "key": signed["KeyId"]}
    data = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    s3, bucket = aws.client("s3"), catalog.bucket_name(KEY)
    s3.put_object(Bucket=bucket, Key=object_key(int(body["seq_to"])), Body=data, ContentType="application/json")
    s3.put_object(Bucket=bucket, Key=LATEST, Body=data, ContentType="application/json")
    return doc


def authentic(doc: Mapping[str, Any]) -> bool:
    """True when the document's signature is the key's over its body (KMS Verify: the API roles may verify)."""
    try:
        result = aws.client("kms").verify(
            KeyId=catalog.signing_key_id(KEY),
            Message=domain.signed_message(doc["body"]),
            MessageType="RAW",
            Signature=base64.b64decode(doc["signature"]),
            SigningAlgorithm=ALGORITHM,
        )
    except (KeyError, ValueError, TypeError):
        return False
    except Exception as exc:  # AWS answers an invalid signature with KMSInvalidSignatureException
        if type(exc).__name__ == "KMSInvalidSignatureException":
            return False
        raise
    return bool(result.get("SignatureValid"))


def _get(key: str) -> dict[str, Any] | None:
    s3 = aws.client("s3")
    try:
        data = s3.get_object(Bucket=catalog.bucket_name(KEY), Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return {"body": {}, "signature": ""}  # unreadable: fails `authentic`
    return doc if isinstance(doc, dict) else {"body": {}, "signature": ""}


def latest() -> dict[str, Any] | None:
    return _get(LATEST)


def at(seq_to: int) -> dict[str, Any] | None:
    return _get(object_key(seq_to))


def after(seq: int, count: int) -> list[int]:
    """The seq_to of up to `count` checkpoints after `seq`, ascending (one S3 list call)."""
    listed = aws.client("s3").list_objects_v2(
        Bucket=catalog.bucket_name(KEY), Prefix=PREFIX, StartAfter=object_key(seq), MaxKeys=count
    )
    out = []
    for obj in listed.get("Contents", []):
        stem = obj["Key"][len(PREFIX) :].removesuffix(".json")
        if stem.isdigit():
            out.append(int(stem))
    return out
