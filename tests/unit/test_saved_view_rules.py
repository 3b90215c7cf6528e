"""Saved views without a table: the keys keep each operator's range their own (an id with ``#`` never
reaches into another's), the name key judges names as the uniqueness rule says, a view's search takes
exactly the keys the order list takes (whatever ListQuery holds) plus ``days``, normalised by the list's
model, and ``days`` becomes the KST dates it covers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.domain.errors import DomainError
from oms.schemas.orders import ListQuery
from oms.services import views as svc
from oms.store import keys_views as vk


def test_an_operators_range_never_holds_another_operators_views() -> None:
    a, tricky = vk.views_prefix(vk.scope("a")), vk.view_sk(vk.scope("a#b"), "v1")
    assert not tricky.startswith(a)
    assert vk.view_sk(vk.scope("a"), "v1").startswith(a)
    assert vk.views_prefix(vk.SHARED) == "VIEW#SHARED#"
    assert not vk.view_sk(vk.scope("SHARED"), "v1").startswith(vk.views_prefix(vk.SHARED))
    assert not vk.view_count_sk(vk.SHARED).startswith(vk.VIEW_PREFIX)
    assert not vk.view_name_sk(vk.SHARED, "x").startswith(vk.VIEW_PREFIX)


def test_the_name_key_ignores_case_width_of_spaces_and_normal_form() -> None:
    assert vk.name_key(" Naver   배송 ") == vk.name_key("naver 배송")
    assert vk.name_key("\u1100\u1161") == vk.name_key("\uac00")  # 가 decomposed and composed
    assert vk.name_key("배송 1") != vk.name_key("배송1")


def test_a_views_search_takes_the_lists_keys_but_paging_and_days() -> None:
    assert svc.search_keys() == (set(ListQuery.model_fields) - {"cursor", "limit"}) | {"days"}
    assert svc.clean_search({"tab": "preparing", "date_from": "2026-12-01", "buyer_type": "member",
                             "order_id": ""}) == {"tab": "preparing", "date_from": "2026-12-01",
                                                  "buyer_type": "member"}
    with pytest.raises(DomainError) as refused:
        svc.clean_search({"limit": "5"})
    assert refused.value.code == "VIEW_SEARCH_KEY_UNKNOWN" and refused.value.field == "search.limit"
    with pytest.raises(DomainError) as refused:
        svc.clean_search({"days": True})
    assert refused.value.field == "search.days"
    with pytest.raises(DomainError) as refused:
        svc.clean_search({"order_id": 123})
    assert refused.value.code == "VIEW_SEARCH_INVALID" and refused.value.field == "search.order_id"


def test_days_become_the_kst_dates_they_cover(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-12-07 16:30 UTC is already 2026-12-08 in Seoul
    monkeypatch.setattr(svc, "utcnow", lambda: datetime(2026, 12, 7, 16, 30, tzinfo=UTC))
    assert svc.applied({"tab": "all", "days": 7}) == {"tab": "all", "date_from": "2026-12-02",
                                                      "date_to": "2026-12-08"}
    assert svc.applied({"tab": "all", "days": 1}) == {"tab": "all", "date_from": "2026-12-08",
                                                      "date_to": "2026-12-08"}
    assert svc.applied({"tab": "shipping", "date_from": "2026-11-01"}) == {"tab": "shipping",
                                                                        "date_from": "2026-11-01"}
