"""The layer rules (tools/check_layers.py, run by `make lint`) hold, and the checker finds a breach."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from check_layers import violations


def test_the_code_base_follows_the_layer_rules() -> None:
    assert violations() == []


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_each_kind_of_breach_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "shared/oms/__init__.py", "")
    _write(tmp_path, "shared/oms/domain/__init__.py", "")
    _write(tmp_path, "shared/oms/domain/rules.py", "import boto3\nfrom oms.store import orders\n")
    _write(tmp_path, "shared/oms/store/keys.py", "from oms.services.claims import settle\n")
    _write(tmp_path, "shared/oms/services/views.py", "import admin_api.app\nimport oms_local.ddb\n")
    _write(tmp_path, "functions/orders/admin_api/__init__.py", "")
    _write(tmp_path, "functions/orders/admin_api/app.py", "from buyer_api import app\nimport oms_local\n")
    _write(tmp_path, "functions/buyer/buyer_api/__init__.py", "")
    _write(tmp_path, "shared/oms/services/refunds.py",
           "from oms.store import payments as pay_store\nfrom oms.store.payreqs import _request_item\n"
           "pay_store._update_action()\npay_store.record_payment_change()\n")
    found = violations(tmp_path)
    assert len(found) == 9, found
    assert any("oms.services.refunds uses oms.store.payments._update_action (a store's actions are its own" in v
               for v in found)
    assert any("oms.services.refunds uses oms.store.payreqs._request_item" in v for v in found)
    assert any("oms.domain.rules imports boto3 (the domain is pure)" in v for v in found)
    assert any("oms.store.keys imports oms.services.claims" in v for v in found)
    assert any("oms.services.views imports admin_api.app" in v for v in found)
    assert any("admin_api.app imports buyer_api (a function never imports another's package)" in v for v in found)
    assert any("admin_api.app imports oms_local (a function never imports the local stack)" in v for v in found)
