"""DynamoDB stream → Lambda event source mappings of ``template.yaml`` on the local stack, over
DynamoDB Local's stream (the outbox relay's feed, docs/domain.md "After a change commits").

For every function with a ``DynamoDB`` event on the table's stream, a poller reads each shard of
the stream in order and invokes the function with the event Lambda sends (``Records`` with
``eventID``, ``eventName``, ``dynamodb.{Keys, NewImage, SequenceNumber, …}``, ``eventSource``
``aws:dynamodb``), applying what the mapping says, as Lambda does:

- ``StartingPosition`` (LATEST: shards open when the poller starts are read from now on; shards
  created later from their start, each after its parent is finished);
- ``FilterCriteria`` (the JSON patterns: exact values in lists, nested objects; non-matching
  records are skipped as if consumed);
- ``BatchSize``; ``ReportBatchItemFailures`` (the batch is retried from the lowest failed
  sequence number); a function error retries the batch, halved each time with
  ``BisectBatchOnFunctionError``; after ``MaximumRetryAttempts`` the first record of the failing
  batch is given up: its batch information goes to the ``OnFailure`` SQS destination (like Lambda:
  the destination gets where the record is, not the record) and reading goes on after it.

The position in each shard lives in the poller (Lambda's checkpoint): a function that dies mid-batch
is invoked again with the same records. With a ``checkpoints`` file (``make run``) the positions
survive a restart, as the mapping's do on AWS: what was committed while the stack was down is
delivered when it comes back. Tests deliver synchronously with :meth:`StreamEvents.drain`.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oms_local import LOCAL_ENV
from oms_local.gateway import Gateway, HandlerError
from oms_local.iam import ExemptClient
from oms_local.poller import Poller
from oms_local.sqs_events import _logical

log = logging.getLogger("oms_local.stream_events")


@dataclass
class StreamMapping:
    function: str
    batch_size: int = 100
    starting_position: str = "LATEST"
    max_retries: int = -1  # -1: until the record expires (Lambda's default)
    bisect: bool = False
    report_failures: bool = False
    filters: list[dict[str, Any]] = field(default_factory=list)
    on_failure_queue: str | None = None  # logical id


@dataclass
class _Shard:
    shard_id: str
    parent: str | None
    iterator: str | None = None
    last_seq: str | None = None  # the checkpoint: everything up to here is done
    closed: bool = False
    attempts: int = 0
    limit: int = 0


def mappings(gateway: Gateway) -> list[StreamMapping]:
    out = []
    for fn in gateway.functions.values():
        for ev in fn.events.values():
            if ev.get("Type") != "DynamoDB":
                continue
            p = ev.get("Properties") or {}
            filters = [json.loads(f["Pattern"]) for f in ((p.get("FilterCriteria") or {}).get("Filters") or [])]
            dest = ((p.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            out.append(StreamMapping(
                function=fn.logical_id, batch_size=int(p.get("BatchSize") or 100),
                starting_position=str(p.get("StartingPosition") or "LATEST"),
                max_retries=int(p.get("MaximumRetryAttempts", -1)), bisect=bool(p.get("BisectBatchOnFunctionError")),
                report_failures="ReportBatchItemFailures" in (p.get("FunctionResponseTypes") or []),
                filters=filters, on_failure_queue=_logical(dest) if dest else None))
    return out


def _repair(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute value with DynamoDB Local's ``{}`` for an empty map made ``{"M": {}}``."""
    if not value:
        return {"M": {}}
    (t, v), = value.items()
    if t == "M":
        return {"M": {k: _repair(x) for k, x in v.items()}}
    if t == "L":
        return {"L": [_repair(x) for x in v]}
    return value


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering for the forms the template uses: objects nest, a list lists the
    values allowed (exact match); a key the record lacks does not match."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and matches(v, value[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return any(value == p for p in pattern)
    return bool(value == pattern)


class StreamEvents(Poller):
    name = "DynamoDB stream poller"
    log = log

    def __init__(self, gateway: Gateway, ddb_endpoint: str, table: str, *,
                 queue_urls: dict[str, str] | None = None, sqs_endpoint: str | None = None,
                 checkpoints: Path | None = None) -> None:
        super().__init__()
        self.gateway = gateway
        self.ddb_endpoint = ddb_endpoint
        self.table = table
        self.queue_urls = dict(queue_urls or {})
        self.sqs_endpoint = sqs_endpoint
        self.mappings: list[StreamMapping] = []
        self.stream_arn = ""
        self._shards: dict[str, dict[str, _Shard]] = {}  # function -> shard id -> state
        self._lock = threading.Lock()
        self._client: Any = None
        self.checkpoints = checkpoints
        self._saved: dict[str, dict[str, str]] = {}
        self.delivered = 0
        self.given_up = 0

    def _streams(self) -> Any:
        if self._client is None:
            import boto3

            client = boto3.client(  # the event source mapping's poller (the Lambda service)
                "dynamodbstreams", endpoint_url=self.ddb_endpoint, region_name=LOCAL_ENV["AWS_REGION"],
                aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"])
            client.meta.events.register("after-call.dynamodbstreams.GetRecords", self._keep_raw)
            self._client = ExemptClient(client)
        return self._client

    def _keep_raw(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        """Images as Lambda's event carries them: DynamoDB Local's stream sends an empty map as ``{}``
        (DynamoDB sends ``{"M": {}}``), which botocore then reads as no value at all."""
        if http_response.status_code == 200:
            raw = json.loads(http_response.content)
            for got, sent in zip(parsed.get("Records", []), raw.get("Records", []), strict=False):
                got["dynamodb"] = {**got["dynamodb"], **{k: {a: _repair(v) for a, v in sent["dynamodb"][k].items()}
                                                        for k in ("Keys", "NewImage", "OldImage")
                                                        if k in sent["dynamodb"]}}

    def configure(self) -> list[StreamMapping]:
        import boto3

        ddb = boto3.client("dynamodb", endpoint_url=self.ddb_endpoint, region_name=LOCAL_ENV["AWS_REGION"],
                           aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"])
        self.stream_arn = str(ddb.describe_table(TableName=self.table)["Table"].get("LatestStreamArn") or "")
        self.mappings = mappings(self.gateway)
        if not self.stream_arn:
            raise RuntimeError(f"table {self.table} has no stream (template.yaml StreamSpecification)")
        if self.checkpoints is not None and self.checkpoints.exists():
            saved = json.loads(self.checkpoints.read_text() or "{}")
            self._saved = saved.get(self.stream_arn, {}) if isinstance(saved, dict) else {}
        for m in self.mappings:
            shards = self._shards.setdefault(m.function, {})
            done = self._saved.get(m.function) or {}
            for s in self._describe():
                state = _Shard(s["ShardId"], s.get("ParentShardId"), limit=m.batch_size)
                open_shard = "EndingSequenceNumber" not in s.get("SequenceNumberRange", {})
                if done:  # a restart: every shard from where the mapping stopped (or its start)
                    state.last_seq = done.get(s["ShardId"])
                elif m.starting_position == "LATEST":
                    if not open_shard:
                        state.closed = True  # finished before we started: nothing of it is ours
                    else:
                        state.iterator = self._iterator(s["ShardId"], "LATEST")
                shards[s["ShardId"]] = state
        return self.mappings

    def _describe(self) -> list[dict[str, Any]]:
        streams, out, start = self._streams(), [], None
        while True:
            kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
            if start:
                kwargs["ExclusiveStartShardId"] = start
            desc = streams.describe_stream(**kwargs)["StreamDescription"]
            out.extend(desc.get("Shards", []))
            start = desc.get("LastEvaluatedShardId")
            if not start:
                return out

    def _iterator(self, shard_id: str, kind: str, seq: str | None = None) -> str | None:
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if seq is not None:
            kwargs["SequenceNumber"] = seq
        try:
            return str(self._streams().get_shard_iterator(**kwargs)["ShardIterator"])
        except Exception as exc:  # a trimmed shard
            log.warning("no iterator for shard %s: %s", shard_id, exc)
            return None

    def poll_once(self, wait_s: int = 0) -> int:
        with self._lock:
            n = 0
            for m in self.mappings:
                shards = self._shards[m.function]
                for s in self._describe():  # shards created since: read from their start
                    if s["ShardId"] not in shards:
                        shards[s["ShardId"]] = _Shard(s["ShardId"], s.get("ParentShardId"), limit=m.batch_size)
                for state in list(shards.values()):
                    parent = shards.get(state.parent or "")
                    if state.closed or (parent is not None and not parent.closed):
                        continue
                    n += self._poll_shard(m, state)
            return n

    def _poll_shard(self, m: StreamMapping, s: _Shard) -> int:
        if s.iterator is None:
            kind = "AFTER_SEQUENCE_NUMBER" if s.last_seq else "TRIM_HORIZON"
            s.iterator = self._iterator(s.shard_id, kind, s.last_seq)
            if s.iterator is None:
                s.closed = True
                return 0
        try:
            resp = self._streams().get_records(ShardIterator=s.iterator, Limit=max(1, min(s.limit, 1000)))
        except Exception as exc:  # an expired iterator, or one DynamoDB Local placed before its shard's start
            if type(exc).__name__ not in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                raise
            s.iterator = None  # from the checkpoint (or the shard's oldest record) next time
            if s.last_seq is None:
                s.iterator = self._iterator(s.shard_id, "TRIM_HORIZON")
            return 0
        records, nxt = resp.get("Records", []), resp.get("NextShardIterator")
        if not records:
            s.iterator = nxt
            if nxt is None:
                s.closed = True
            return 0
        batch = [e for e in map(self._event_record, records) if not m.filters or any(matches(f, e) for f in m.filters)]
        if not batch:
            s.last_seq, s.iterator = records[-1]["dynamodb"]["SequenceNumber"], nxt
            self._save(m, s)
            return 0
        failed_at = self._invoke(m, batch)
        if failed_at is None:  # all done: the checkpoint moves past the records read
            s.last_seq, s.iterator = records[-1]["dynamodb"]["SequenceNumber"], nxt
            s.attempts, s.limit = 0, m.batch_size
            self.delivered += len(batch)
            self._save(m, s)
            return len(batch)
        done = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) < int(failed_at)]
        self.delivered += len(done)
        if done:
            s.last_seq = done[-1]["dynamodb"]["SequenceNumber"]
        skipped = [r for r in records if int(r["dynamodb"]["SequenceNumber"]) < int(failed_at)]
        if skipped:
            s.last_seq = max(s.last_seq or "0", skipped[-1]["dynamodb"]["SequenceNumber"], key=int)
        s.attempts += 1
        if m.bisect and s.limit > 1:
            s.limit = max(1, s.limit // 2)
        if m.max_retries >= 0 and s.attempts > m.max_retries:
            first = next(r for r in batch if r["dynamodb"]["SequenceNumber"] == failed_at)
            self._give_up(m, s, first)
            s.last_seq, s.attempts, s.limit = failed_at, 0, m.batch_size
        s.iterator = None  # re-read from the checkpoint
        self._save(m, s)
        return len(done)

    def _save(self, m: StreamMapping, s: _Shard) -> None:
        if self.checkpoints is None or s.last_seq is None:
            return
        self._saved.setdefault(m.function, {})[s.shard_id] = s.last_seq
        saved = json.loads(self.checkpoints.read_text() or "{}") if self.checkpoints.exists() else {}
        saved[self.stream_arn] = self._saved
        tmp = self.checkpoints.with_suffix(".tmp")
        tmp.write_text(json.dumps(saved))
        tmp.replace(self.checkpoints)

    def _invoke(self, m: StreamMapping, batch: list[dict[str, Any]]) -> str | None:
        """The sequence number to resume from (the lowest failed one), or None when all succeeded."""
        try:
            result = self.gateway.invoke_function(m.function, {"Records": batch})
        except HandlerError as exc:
            log.warning("%s failed on a batch of %d stream records; it is retried: %s", m.function, len(batch), exc)
            return str(batch[0]["dynamodb"]["SequenceNumber"])
        if not m.report_failures or not isinstance(result, dict):
            return None
        failed = [str(f["itemIdentifier"]) for f in result.get("batchItemFailures") or [] if f.get("itemIdentifier")]
        return min(failed, key=int) if failed else None

    def _give_up(self, m: StreamMapping, s: _Shard, record: dict[str, Any]) -> None:
        self.given_up += 1
        seq = record["dynamodb"]["SequenceNumber"]
        log.error("%s: stream record %s given up after %d retries", m.function, seq, m.max_retries)
        if not m.on_failure_queue or m.on_failure_queue not in self.queue_urls or not self.sqs_endpoint:
            return
        import boto3

        sqs = ExemptClient(boto3.client(
            "sqs", endpoint_url=self.sqs_endpoint, region_name=LOCAL_ENV["AWS_REGION"],
            aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"], aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"]))
        info = {"requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": s.attempts,
                                   "functionArn": m.function},
                "DDBStreamBatchInfo": {"shardId": s.shard_id, "startSequenceNumber": seq, "endSequenceNumber": seq,
                                       "batchSize": 1, "streamArn": self.stream_arn}}
        sqs.send_message(QueueUrl=self.queue_urls[m.on_failure_queue], MessageBody=json.dumps(info))

    def _event_record(self, r: dict[str, Any]) -> dict[str, Any]:
        d = dict(r["dynamodb"])
        d.pop("ApproximateCreationDateTime", None)  # a datetime from boto3; Lambda sends epoch seconds
        if "ApproximateCreationDateTime" in r["dynamodb"]:
            d["ApproximateCreationDateTime"] = r["dynamodb"]["ApproximateCreationDateTime"].timestamp()
        return {"eventID": r["eventID"], "eventName": r["eventName"], "eventVersion": "1.1",
                "eventSource": "aws:dynamodb", "awsRegion": LOCAL_ENV["AWS_REGION"], "dynamodb": d,
                "eventSourceARN": self.stream_arn}
