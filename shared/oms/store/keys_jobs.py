"""Keys of bulk jobs over a whole search or tab (docs/data-model.md, "Bulk jobs"), built here and only
here (the rest of the table's keys: :mod:`oms.store.keys`): the job record in the site partition,
the job's own partition (the snapshot's chunks, a result item per order), its counter shards under
partition keys of their own, and its file in the export bucket."""

from __future__ import annotations


def bulk_job_sk(job_id: str) -> str:
    """The job record lives in the site partition: a site's jobs are one Query."""
    return f"BULKJOB#{job_id}"


def bulk_job_pk(site_id: str, job_id: str) -> str:
    """The job's own partition: the snapshot's chunks and one result item per order."""
    return f"S#{site_id}#BULKJOB#{job_id}"


def bulk_job_chunk_sk(n: int, run: str = "") -> str:
    """Chunk ``n`` of the snapshot taken by the worker's run ``run`` (a job made before the worker
    took snapshots has none: ``CHUNK#<n>``)."""
    return f"CHUNK#{run}#{n:05d}" if run else f"CHUNK#{n:05d}"


def bulk_job_counter_pk(site_id: str, job_id: str, shard: int) -> str:
    """One of a running job's counter items, under a partition key of its own: the orders' transactions
    spread their ``ADD`` over the shards instead of one item of the site's partition."""
    return f"S#{site_id}#BULKJOB#{job_id}#COUNT#{shard}"


BULK_JOB_COUNTER_SK = "COUNT"

#: the record of a job's snapshot being taken (its ``job_start`` intent queues the chunks' messages)
BULK_JOB_START_SK = "START"


def bulk_job_result_sk(order_id: str) -> str:
    return f"ORD#{order_id}"


def bulk_job_file_key(site_id: str, job_id: str, ext: str) -> str:
    return f"exports/{site_id}/job-{job_id}.{ext}"
