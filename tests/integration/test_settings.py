"""Site settings: defaults, partial update by section, tenant isolation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.domain.errors import DomainError
from tests.support import call, http_event


def test_settings_default_then_patch_one_section(site_id: str) -> None:
    from admin_api.app import lambda_handler

    status, body, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id))
    assert status == 200
    assert body["confirmation"]["auto_confirm_days"] == 7
    assert body["points"]["enabled"] is True

    status, body, _ = call(lambda_handler, http_event(
        "PATCH", "/admin/settings", {"confirmation": {"auto_confirm_days": 10}}, site_id=site_id))
    assert status == 200
    assert body["confirmation"]["auto_confirm_days"] == 10
    assert body["points"]["rate_bp"] == 100

    status, body, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id))
    assert body["confirmation"]["auto_confirm_days"] == 10
    status, other, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id + "x"))
    assert other["confirmation"]["auto_confirm_days"] == 7

    status, body, _ = call(lambda_handler, http_event(
        "PATCH", "/admin/settings", {"confirmation": {"auto_confirm_days": 0}}, site_id=site_id))
    assert status == 400
    assert body["code"] == "VALIDATION_FAILED"
    assert body["errors"][0]["field"] == "confirmation.auto_confirm_days"


def test_two_admins_saving_different_sections_at_once_lose_nothing(site_id: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read the same version before either writes: one saves, the other gets a clean 409 and
    saves on its retry; in the end both sections hold what was saved."""
    from oms.schemas.settings import ConfirmationSettings, PointSettings, SiteSettingsPatch
    from oms.store import settings

    settings.update(site_id, SiteSettingsPatch(confirmation=ConfirmationSettings(auto_confirm_days=9)), "setup")
    both_read = threading.Barrier(2)
    real_read = settings._read

    def read_then_wait(site: str) -> Any:
        got = real_read(site)
        both_read.wait(timeout=10)
        return got

    monkeypatch.setattr(settings, "_read", read_then_wait)
    patches = {"a": SiteSettingsPatch(points=PointSettings(rate_bp=250)),
               "b": SiteSettingsPatch(confirmation=ConfirmationSettings(auto_confirm_days=14))}

    def save(who: str) -> str:
        try:
            settings.update(site_id, patches[who], who)
            return "saved"
        except DomainError as exc:
            return f"{exc.status}:{exc.code}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(patches, pool.map(save, patches), strict=True))
    assert sorted(results.values()) == ["409:SETTINGS_VERSION_CONFLICT", "saved"], results
    monkeypatch.setattr(settings, "_read", real_read)
    loser = next(w for w, r in results.items() if r != "saved")
    settings.update(site_id, patches[loser], loser)  # the retry the 409 asks for
    final = settings.get(site_id)
    assert final.points.rate_bp == 250 and final.confirmation.auto_confirm_days == 14


def test_settings_conflict_is_a_409_problem(site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from admin_api.app import lambda_handler
    from oms.schemas.settings import PointSettings, SiteSettingsPatch
    from oms.store import settings

    real_read = settings._read
    fired: list[bool] = []

    def stale_read(site: str) -> Any:
        got = real_read(site)
        if not fired:  # another admin saves between this read and the write
            fired.append(True)
            settings.update(site, SiteSettingsPatch(points=PointSettings(rate_bp=300)), "admin-2")
        return got

    call(lambda_handler, http_event("PATCH", "/admin/settings", {"points": {"rate_bp": 200}}, site_id=site_id))
    monkeypatch.setattr(settings, "_read", stale_read)
    status, body, _ = call(lambda_handler, http_event("PATCH", "/admin/settings",
                                                      {"confirmation": {"auto_confirm_days": 12}}, site_id=site_id))
    monkeypatch.setattr(settings, "_read", real_read)
    assert status == 409 and body["code"] == "SETTINGS_VERSION_CONFLICT" and body["message_ko"]
    status, current, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id))
    assert current["points"]["rate_bp"] == 300 and current["confirmation"]["auto_confirm_days"] == 7


def test_a_patch_with_the_version_read_is_refused_once_another_admin_saved(site_id: str) -> None:
    """GET answers ``version``; a PATCH sending it back as ``expected_version`` saves only if nobody
    saved since, so a form filled on stale values never overwrites the newer save."""
    from admin_api.app import lambda_handler

    def patch(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, answer, _ = call(lambda_handler, http_event("PATCH", "/admin/settings", body, site_id=site_id))
        return status, answer

    status, read, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id))
    assert (status, read["version"]) == (200, 0)
    status, saved = patch({"expected_version": 0, "points": {**read["points"], "rate_bp": 150}})
    assert (status, saved["version"], saved["points"]["rate_bp"]) == (200, 1, 150)

    status, other = patch({"printing": {"shop_name": "하늘상점"}})  # another admin, no version: saves
    assert (status, other["version"]) == (200, 2)
    status, problem = patch({"expected_version": 1, "points": {**read["points"], "rate_bp": 900}})
    assert status == 409 and problem["code"] == "SETTINGS_VERSION_CONFLICT" and problem["message_ko"]
    assert problem["version"] == 2

    status, now, _ = call(lambda_handler, http_event("GET", "/admin/settings", site_id=site_id))
    assert (now["version"], now["points"]["rate_bp"], now["printing"]["shop_name"]) == (2, 150, "하늘상점")
    status, saved = patch({"expected_version": 2, "points": {**now["points"], "rate_bp": 900}})
    assert (status, saved["version"], saved["points"]["rate_bp"]) == (200, 3, 900)
    status, problem = patch({"expected_version": -1, "points": now["points"]})
    assert status == 400 and problem["errors"][0]["field"] == "expected_version"


def test_the_default_remote_zones_are_answered(site_id: str) -> None:
    from admin_api.app import lambda_handler
    from oms.domain import remote_areas

    status, body, _ = call(lambda_handler, http_event("GET", "/admin/settings/claims/remote-zones/default",
                                                      site_id=site_id))
    assert status == 200 and body["version"] == remote_areas.ZONES_VERSION
    assert body["zones"][0] == {"start": "63000", "end": "63644", "fee": 3000, "name_ko": "제주"}
    assert len(body["zones"]) == len(remote_areas.DEFAULT_ZONES)
