"""Powertools Idempotency records in the one table (``DynamoDBPersistenceLayer``).

Records live under ``PK = IDEMP#<scope>#<shard>`` (a static partition key per persistence layer,
so a scope is spread over :data:`SHARDS` partitions chosen by the idempotency key) and
``SK = <function>#<hash of the key>``; ``ttl`` expires them (the table's TTL attribute).
"""

from __future__ import annotations

import zlib
from functools import cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from oms.store import keys
from oms.store.table import client, table_name

SHARDS = 8


@cache
def _layer(scope: str, shard: int, table: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=table,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=keys.idempotency_pk(scope, shard),
        expiry_attr="ttl",
        boto3_client=client(),
    )


def persistence_layer(scope: str, key: str) -> DynamoDBPersistenceLayer:
    """The persistence layer (one of the scope's shards) that holds the record of ``key``."""
    return _layer(scope, zlib.crc32(key.encode()) % SHARDS, table_name())
