"""Site settings: one item per site (PK = S#<site>, SK = SETTINGS); defaults when absent.

A PATCH is read-modify-write under a version condition: the item carries ``version`` and is
written only if it still has the version that was read (or does not exist yet), so two admins
saving different sections at once never lose one silently — the later write answers 409
``SETTINGS_VERSION_CONFLICT`` and the retry (on the fresh settings) saves both. A client that read
the settings (GET answers ``version``) sends ``expected_version``: the PATCH is then also refused when
another admin saved since that read, so a form filled on stale values never overwrites a newer save.
"""

from __future__ import annotations

from typing import Any

from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict
from oms.schemas.settings import SiteSettings, SiteSettingsPatch
from oms.store import keys
from oms.store.orders import plain, put
from oms.store.table import TransactionFailed, client, key, load, table_name, transact
from oms.store.ttl_cache import TtlCache

#: seconds a preview (an answer that decides no write) may use settings read earlier in this container
PREVIEW_TTL = 30.0
_seen: TtlCache[SiteSettings] = TtlCache(PREVIEW_TTL)


def _read(site_id: str) -> tuple[SiteSettings, int | None]:
    """The settings and the item's version (None: no item yet; 0: an item written before versions)."""
    resp = client().get_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.settings_sk()),
                             ConsistentRead=True)
    if "Item" not in resp:
        return SiteSettings(), None
    item = plain(load(resp["Item"]))
    return SiteSettings.model_validate(item.get("settings") or {}), int(item.get("version") or 0)


def get(site_id: str) -> SiteSettings:
    """The settings, strongly consistent (what a write is decided on); kept for :func:`for_preview`."""
    current = _read(site_id)[0]
    _seen.put(site_id, current)
    return current


def for_preview(site_id: str) -> SiteSettings:
    """The settings for an answer that decides no write (a refund preview): as read in this
    container within ``PREVIEW_TTL`` seconds (a save here applies at once), else read."""
    return _seen.get(site_id, lambda: get(site_id))


def read(site_id: str) -> tuple[SiteSettings, int]:
    """The settings and their version (0 until the first save)."""
    current, version = _read(site_id)
    return current, version or 0


def _conflict(version: int) -> Conflict:
    return Conflict("SETTINGS_VERSION_CONFLICT",
                    "다른 관리자가 먼저 설정을 저장했습니다. 새로고침 후 다시 저장하세요.",
                    detail="the settings changed since they were read; reload and retry",
                    extra={"version": version})


def update(site_id: str, patch: SiteSettingsPatch, by: str) -> SiteSettings:
    """Replace the sections ``patch`` gives, if nobody saved since they were read (else 409)."""
    return save(site_id, patch, by)[0]


def save(site_id: str, patch: SiteSettingsPatch, by: str) -> tuple[SiteSettings, int]:
    """:func:`update`, answering the saved settings and their new version."""
    current, version = _read(site_id)
    if patch.expected_version is not None and patch.expected_version != (version or 0):
        raise _conflict(version or 0)
    merged = current.model_copy(update=patch.sections())
    new_version = (version or 0) + 1
    item = {"PK": keys.site_pk(site_id), "SK": keys.settings_sk(), "type": "settings",
            "settings": merged.model_dump(mode="json"), "updated_at": iso(utcnow()), "updated_by": by,
            "version": new_version}
    values: dict[str, Any] | None = None
    if version is None:
        condition = "attribute_not_exists(PK)"
    elif version == 0:
        condition = "attribute_exists(PK) AND attribute_not_exists(version)"
    else:
        condition, values = "version = :v", {":v": version}
    try:
        transact([put(item, condition, values)])
    except TransactionFailed as exc:
        if exc.reasons == ["ConditionalCheckFailed"]:
            raise _conflict(version or 0) from exc
        raise
    _seen.put(site_id, merged)
    return merged, new_version
