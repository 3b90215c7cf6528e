"""Site settings: one item per site (PK = S#<site>, SK = SETTINGS); defaults when absent."""

from __future__ import annotations

from oms.domain.clock import iso, utcnow
from oms.schemas.settings import SiteSettings, SiteSettingsPatch
from oms.store import keys
from oms.store.orders import plain
from oms.store.table import client, dump, key, load, table_name


def get(site_id: str) -> SiteSettings:
    resp = client().get_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.settings_sk()))
    if "Item" not in resp:
        return SiteSettings()
    item = plain(load(resp["Item"]))
    return SiteSettings.model_validate(item.get("settings") or {})


def update(site_id: str, patch: SiteSettingsPatch, by: str) -> SiteSettings:
    current = get(site_id)
    merged = current.model_copy(update={k: v for k, v in patch if v is not None})
    item = {"PK": keys.site_pk(site_id), "SK": keys.settings_sk(), "type": "settings",
            "settings": merged.model_dump(mode="json"), "updated_at": iso(utcnow()), "updated_by": by}
    client().put_item(TableName=table_name(), Item=dump(item))
    return merged
