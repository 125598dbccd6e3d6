"""Rule bridge: applies iot_rules/*.json to MQTT messages, because moto's IoT never fires rules.

Supports the IoT SQL subset our rules use: `SELECT *`, `topic(n) AS x`, `timestamp() AS x`,
`clientid() AS x`, `<field> AS x`; `FROM '<topic filter>'`; an optional `WHERE` of `field op literal`
terms joined by AND. Actions: `sqs` (batched sends) and `firehose` (written straight to the archive
bucket, as the embedded stack has no Firehose); `errorAction` receives what an action could not deliver.
Basic Ingest topics (`$aws/rules/<rule>/...`) are accepted when a broker allows them; amqtt refuses
leading-`$` topics, so locally devices publish on the plain topic. The bridge is IoT Core's rule engine here:
it connects over TLS with an internal identity of the stack (`_rule-bridge-…`), which may read every topic.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.core import aws

_SELECT = re.compile(
    r"^\s*SELECT\s+(?P<select>.+?)\s+FROM\s+'(?P<topic>[^']+)'(?:\s+WHERE\s+(?P<where>.+?))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_TERM = re.compile(r"^\s*([\w.]+)\s*(=|<>|!=|>=|<=|>|<)\s*('(?:[^']*)'|-?\d+(?:\.\d+)?|true|false)\s*$", re.IGNORECASE)


class UnsupportedSql(ValueError):
    """The rule uses IoT SQL beyond the bridge's subset (a test checks every rule parses)."""


def topic_matches(topic_filter: str, topic: str) -> bool:
    f_parts, t_parts = topic_filter.split("/"), topic.split("/")
    for i, part in enumerate(f_parts):
        if part == "#":
            return True
        if i >= len(t_parts) or (part != "+" and part != t_parts[i]):
            return False
    return len(f_parts) == len(t_parts)


def _field(doc: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return float(text) if "." in text else int(text)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a is not None and a > b,
    "<": lambda a, b: a is not None and a < b,
    ">=": lambda a, b: a is not None and a >= b,
    "<=": lambda a, b: a is not None and a <= b,
}


Projection = Callable[[dict[str, Any], str, str], Any]  # (payload, topic, client id) -> value
Payload = bytes | bytearray  # paho hands over either


@dataclass
class CompiledRule:
    name: str
    topic_filter: str
    projections: list[tuple[str, Projection]]
    select_all: bool
    where: list[tuple[str, str, Any]]
    actions: list[dict[str, Any]]
    error_action: dict[str, Any] | None

    def apply(self, topic: str, payload: dict[str, Any], client_id: str = "") -> dict[str, Any] | None:
        """The rule's output document for one message, or None when FROM or WHERE does not match."""
        if not topic_matches(self.topic_filter, topic):
            return None
        for path, op, value in self.where:
            if not _OPS[op](_field(payload, path), value):
                return None
        out = dict(payload) if self.select_all else {}
        for name, fn in self.projections:
            value = fn(payload, topic, client_id)
            if value is not UNDEFINED:  # IoT SQL leaves an Undefined result (an absent field) out
                out[name] = value
        return out


def _topic_segment(n: int) -> Projection:
    """`topic(n)`: the topic's n-th level (1-based), None past its end."""
    return lambda p, t, c: (t.split("/") + [None] * n)[n - 1]


UNDEFINED = object()  # IoT SQL's Undefined: a projection that yields it adds no key to the output


def _field_of(path: str) -> Projection:
    """`<field>`: the payload's (dotted) field (JSON null included); Undefined when absent."""

    def get(p: dict[str, Any], t: str, c: str) -> Any:
        doc: Any = p
        for key in path.split("."):
            if not isinstance(doc, dict) or key not in doc:
                return UNDEFINED
            doc = doc[key]
        return doc

    return get


def compile_rule(rule: dict[str, Any]) -> CompiledRule:
    match = _SELECT.match(rule["sql"])
    if not match:
        raise UnsupportedSql(rule["sql"])
    projections: list[tuple[str, Projection]] = []
    select_all = False
    for item in (p.strip() for p in match.group("select").split(",")):
        if item == "*":
            select_all = True
            continue
        parts = re.split(r"\s+AS\s+", item, flags=re.IGNORECASE)
        if len(parts) != 2:
            raise UnsupportedSql(f"projection needs AS: {item}")
        expr, alias = parts[0].strip(), parts[1].strip()
        if m := re.fullmatch(r"topic\((\d+)\)", expr):
            projections.append((alias, _topic_segment(int(m.group(1)))))
        elif expr == "timestamp()":
            projections.append((alias, lambda p, t, c: int(time.time() * 1000)))
        elif expr == "clientid()":
            projections.append((alias, lambda p, t, c: c))
        elif re.fullmatch(r"[\w.]+", expr):
            projections.append((alias, _field_of(expr)))
        else:
            raise UnsupportedSql(f"expression not supported: {expr}")
    where = []
    if match.group("where"):
        for term in re.split(r"\s+AND\s+", match.group("where"), flags=re.IGNORECASE):
            m = _TERM.match(term)
            if not m:
                raise UnsupportedSql(f"WHERE term not supported: {term}")
            where.append((m.group(1), m.group(2), _literal(m.group(3))))
    unknown = [k for a in rule.get("actions", []) for k in a if k not in ("sqs", "firehose")]
    if unknown:
        raise UnsupportedSql(f"actions not supported by the bridge: {unknown}")
    return CompiledRule(
        rule["name"],
        match.group("topic"),
        projections,
        select_all,
        where,
        rule.get("actions", []),
        rule.get("errorAction"),
    )


class RuleBridge:
    """Subscribes to every rule's topic filter and forwards matching messages to the rule's actions."""

    def __init__(
        self,
        rules: list[dict[str, Any]],
        credentials: Any,
        host: str = "127.0.0.1",
        port: int = 8883,
        flush_s: float = 2.0,
    ) -> None:
        self.rules = [compile_rule(r) for r in rules]
        self.credentials = credentials  # local.pki.Credentials of the bridge's own identity
        self.host, self.port, self.flush_s = host, port, flush_s
        self._inbox: queue.Queue[tuple[str, Payload] | None] = queue.Queue()
        self._archive: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
        self._worker = threading.Thread(target=self._run, name="rule-bridge", daemon=True)
        self._client: Any = None
        self.stats = {"received": 0, "forwarded": 0, "errors": 0, "archived": 0, "archive_retries": 0}

    def start(self) -> None:
        import paho.mqtt.client as mqtt

        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"_rule-bridge-{uuid.uuid4().hex[:6]}", protocol=mqtt.MQTTv311
        )
        creds = self.credentials
        client.tls_set(ca_certs=str(creds.ca), certfile=str(creds.cert), keyfile=str(creds.key))

        pending: set[int] = set()
        subscribed = threading.Event()

        def on_connect(c: Any, userdata: Any, flags: Any, rc: Any, props: Any) -> None:
            subscribed.clear()
            pending.update(c.subscribe(rule.topic_filter, qos=1)[1] for rule in self.rules)

        def on_subscribe(c: Any, userdata: Any, mid: int, codes: Any, props: Any) -> None:
            pending.discard(mid)
            if not pending:
                subscribed.set()

        client.on_connect, client.on_subscribe = on_connect, on_subscribe
        # Never block paho's network thread: hand the message to the worker.
        client.on_message = lambda c, u, m: self._inbox.put((m.topic, m.payload))
        client.connect(self.host, self.port)
        client.loop_start()
        self._client = client
        self._worker.start()
        if not subscribed.wait(10):  # a message published after start() returns reaches the rules
            raise RuntimeError(f"rule bridge could not subscribe on {self.host}:{self.port}")

    def stop(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):  # first: the loop sends it and ends without its 1 s select
                self._client.disconnect()
            self._client.loop_stop()
        if self._worker.ident is not None:  # started
            self._inbox.put(None)
            self._worker.join(timeout=10)
        self._flush_archive()

    def _run(self) -> None:
        last_flush = time.monotonic()
        while True:
            batch: list[tuple[str, Payload]] = []
            try:
                item = self._inbox.get(timeout=0.2)
                if item is None:
                    return
                batch.append(item)
                deadline = time.monotonic() + 0.005  # linger briefly so SQS sends go out 10 at a time
                while len(batch) < 10 and time.monotonic() < deadline:
                    try:
                        nxt = self._inbox.get_nowait()
                    except queue.Empty:
                        time.sleep(0.001)
                        continue
                    if nxt is None:
                        self._deliver(batch)
                        return
                    batch.append(nxt)
            except queue.Empty:
                pass
            if batch:
                self._deliver(batch)
            if time.monotonic() - last_flush >= self.flush_s:
                self._flush_archive()
                last_flush = time.monotonic()

    def _deliver(self, batch: list[tuple[str, Payload]]) -> None:
        sends: dict[str, list[tuple[str, str, Payload, str]]] = defaultdict(list)
        for topic, raw in batch:
            self.stats["received"] += 1
            stripped = re.sub(r"^\$aws/rules/[^/]+/", "", topic)
            try:
                payload = json.loads(raw)
                if not isinstance(payload, dict):
                    raise ValueError("payload is not a JSON object")
            except ValueError:
                # IoT SQL cannot select from a non-JSON payload; keep it for diagnosis like AWS would.
                payload = {"_unparsed": base64.b64encode(raw).decode()}
            for rule in self.rules:
                doc = rule.apply(stripped, payload)
                if doc is None:
                    continue
                body = json.dumps(doc, separators=(",", ":"))
                for action in rule.actions:
                    if "sqs" in action:
                        sends[action["sqs"]["queueUrl"]].append((rule.name, topic, raw, body))
                    elif "firehose" in action:
                        partition = str(doc.get("_topic_enterprise") or "_unknown")
                        self._archive[action["firehose"]["deliveryStreamName"]].append((partition, body.encode()))
        for url, items in sends.items():
            self._send(url, items)

    def _send(self, url: str, items: list[tuple[str, str, Payload, str]]) -> None:
        sqs = aws.client("sqs")
        for start in range(0, len(items), 10):
            chunk = items[start : start + 10]
            entries = [{"Id": str(i), "MessageBody": body} for i, (_, _, _, body) in enumerate(chunk)]
            try:
                failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed", [])}
            except Exception as exc:
                failed = {e["Id"] for e in entries}
                self._error(chunk, f"{type(exc).__name__}: {exc}")
                continue
            self.stats["forwarded"] += len(chunk) - len(failed)
            if failed:
                self._error([chunk[int(i)] for i in failed], "SendMessageBatch entry failed")

    def _error(self, items: list[tuple[str, str, Payload, str]], reason: str) -> None:
        self.stats["errors"] += len(items)
        by_rule = {r.name: r for r in self.rules}
        for rule_name, topic, raw, _ in items:
            action = by_rule[rule_name].error_action
            if not action or "sqs" not in action:
                continue
            with contextlib.suppress(Exception):
                aws.client("sqs").send_message(
                    QueueUrl=action["sqs"]["queueUrl"],
                    MessageBody=json.dumps(
                        {
                            "ruleName": rule_name,
                            "topic": topic,
                            "base64OriginalPayload": base64.b64encode(raw).decode(),
                            "failures": [{"failedAction": "SqsAction", "errorMessage": reason}],
                        }
                    ),
                )

    def _flush_archive(self) -> None:
        """Firehose stand-in: newline-delimited objects partitioned like the delivery stream's prefix,
        `enterprise_id=<id>/YYYY/MM/DD/HH/` (the archive bucket has the stream's logical name)."""
        s3 = aws.client("s3")
        for stream, records in list(self._archive.items()):
            if not records:
                continue
            self._archive[stream] = []
            hour = datetime.now(UTC).strftime("%Y/%m/%d/%H/")
            by_partition: dict[str, list[bytes]] = defaultdict(list)
            for partition, record in records:
                by_partition[partition].append(record)
            for partition, lines in by_partition.items():
                key = f"enterprise_id={partition}/{hour}{stream}-{uuid.uuid4().hex}.jsonl"
                try:
                    s3.put_object(Bucket=stream, Key=key, Body=b"\n".join(lines) + b"\n")
                    self.stats["archived"] += len(lines)
                except Exception:  # Firehose keeps undelivered records and retries: so does the next flush
                    self.stats["archive_retries"] += len(lines)
                    self._archive[stream].extend((partition, line) for line in lines)
