"""The admin API imports its route modules on first use (admin_api.route_table): the table names
every rule each module declares, importing the handler module imports no route module, and every
route's request is matched to the same route as when every router is included at import."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from admin_api.route_table import ROUTERS
from oms.http import resolver


def _router(module: str) -> Any:
    return importlib.import_module(f"admin_api.routes.{module}").router


@pytest.fixture
def routers_kept() -> Iterator[None]:
    """Including a router elsewhere re-points it at that resolver: the admin app's own are put back."""
    saved = {m: getattr(_router(m), "api_resolver", None) for m, _, _ in ROUTERS}
    yield
    for m, resolver_ in saved.items():
        _router(m).api_resolver = resolver_


def test_the_table_names_every_rule_of_every_route_module_in_order() -> None:
    for module, _, rules in ROUTERS:
        declared = tuple(dict.fromkeys(key[0] for key in _router(module)._routes))
        assert rules == declared, f"admin_api/route_table.py is out of date for {module}"
    modules = {p[:-3] for p in os.listdir(os.path.dirname(importlib.import_module("admin_api.routes").__file__ or ""))
               if p.endswith(".py") and p != "__init__.py"}
    assert modules == {m for m, _, _ in ROUTERS}


def test_importing_the_handler_imports_no_route_module() -> None:
    code = ("import sys, admin_api.app; "
            "print(sorted(m for m in sys.modules if m.startswith('admin_api.routes.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "TABLE_NAME": "t", "AWS_DEFAULT_REGION": "ap-northeast-2"})
    assert json.loads(out.stdout.strip().replace("'", '"')) == []


def _first_match(app: Any, method: str, path: str) -> Any:
    for route in app._static_routes + app._dynamic_routes:
        if route.method == method and route.rule.match(path):
            return route.func
    return None


def test_every_route_is_matched_as_with_every_router_included(routers_kept: None) -> None:
    eager = resolver()
    for module, prefix, _ in ROUTERS:
        eager.include_router(_router(module), prefix=prefix)
    lazy = resolver()
    for module, prefix, rules in ROUTERS:
        lazy.lazy_router(f"admin_api.routes.{module}", prefix, rules)
    requests = [(r.method, re.sub(r"<\w+>", "X1", r.path)) for r in eager._static_routes + eager._dynamic_routes]
    assert len(requests) > 90
    # requests in reverse order: routers are included in another order than the table's
    for method, path in reversed(requests):
        lazy._include(lambda rules, p=path: any(r.match(p) for r in rules))
        expected = _first_match(eager, method, path)
        assert expected is not None, (method, path)
        assert _first_match(lazy, method, path) is expected, (method, path)
    assert lazy._included == {f"admin_api.routes.{m}" for m, _, _ in ROUTERS}
