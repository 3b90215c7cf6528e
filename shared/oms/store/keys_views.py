"""Keys of the saved views of the order list (docs/data-model.md, "Saved views"), built here and only
here (the rest of the table's keys: :mod:`oms.store.keys`).

A view lives in the site partition under its scope: ``VIEW#SHARED#<view id>`` for a view shared with
the site's staff, ``VIEW#OP#<operator>#<view id>`` for an operator's own. Each scope has one counter
item (``VIEWCOUNT#…``) and one name item per name (``VIEWNAME#…#<name key>``), written in the same
transaction as the view: the limit and the name's uniqueness hold however many saves race.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

VIEW_PREFIX = "VIEW#"
SHARED = "SHARED"


def scope(operator_id: str | None) -> str:
    """``SHARED`` (operator None) or ``OP#<operator>`` (the id percent-encoded: a ``#`` in it can never
    reach into another operator's range)."""
    return SHARED if operator_id is None else f"OP#{quote(operator_id, safe='')}"


def views_prefix(scope_key: str) -> str:
    """The sort-key prefix of one scope's views (one Query reads them)."""
    return f"{VIEW_PREFIX}{scope_key}#"


def view_sk(scope_key: str, view_id: str) -> str:
    return f"{views_prefix(scope_key)}{view_id}"


def view_count_sk(scope_key: str) -> str:
    return f"VIEWCOUNT#{scope_key}"


def name_key(name: str) -> str:
    """The name as its uniqueness is judged: NFC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def view_name_sk(scope_key: str, name: str) -> str:
    return f"VIEWNAME#{scope_key}#{name_key(name)}"
