"""Site settings: defaults, partial update by section, tenant isolation."""

from __future__ import annotations

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
