"""Keys of bank deposits and the site's read bank accounts (docs/data-model.md, "Bank deposits"),
built here and only here (the rest of the table's keys: :mod:`oms.store.keys`)."""

from __future__ import annotations

import zlib

from oms.store.keys import site_pk


def deposits_pk(site_id: str) -> str:
    """The site's deposits and its accounts' cursors (one partition per site)."""
    return f"{site_pk(site_id)}#BANKDEP"


def deposit_sk(account: str, tx_id: str) -> str:
    """One deposit, keyed by the provider's own transaction id: written once (conditional put)."""
    return f"DEP#{account}#{tx_id}"


def account_sk(account: str) -> str:
    """One read account: the feed's cursor, when it may be read next, the back-off."""
    return f"ACCT#{account}"


def unmatched_gsi_pk(site_id: str) -> str:
    """GSI1: the site's 미확인 입금, newest first (sparse: present while the deposit is unmatched)."""
    return f"{site_pk(site_id)}#DEP#UNMATCHED"


#: the read accounts' due index (GSI3), spread over shards so a busy minute is not one partition
BANK_DUE_SHARDS = 4


def bank_due_gsi_pk(site_id: str, account: str) -> str:
    return f"DUE#BANK#{zlib.crc32(f'{site_id}/{account}'.encode()) % BANK_DUE_SHARDS}"


def bank_due_gsi_pk_shard(shard: int) -> str:
    return f"DUE#BANK#{shard}"


def bank_due_sk(next_at: str, site_id: str, account: str) -> str:
    return f"{next_at}#{site_id}#{account}"
