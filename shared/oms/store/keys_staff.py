"""Keys of the site's staff, its custom roles and the personal-data access record (docs/data-model.md,
"Staff and the access record"), built here and only here."""

from __future__ import annotations

from oms.store.keys import site_pk


def staff_pk(site_id: str) -> str:
    """The site's staff and custom roles (one small partition per site)."""
    return f"{site_pk(site_id)}#STAFF"


def member_sk(operator_id: str) -> str:
    return f"MEMBER#{operator_id}"


def role_sk(role_id: str) -> str:
    return f"ROLE#{role_id}"


def access_pk(site_id: str, month: str) -> str:
    """The access record of one KST month (``YYYY-MM``): a partition per site and month, newest first."""
    return f"{site_pk(site_id)}#ACCESS#{month}"


def access_sk(at: str, record_id: str) -> str:
    return f"{at}#{record_id}"


def access_order_gsi_pk(site_id: str, order_id: str) -> str:
    """GSI1: the records naming one order (a reveal, a print, an export of a few orders)."""
    return f"{site_pk(site_id)}#ACCESS#ORDER#{order_id}"
