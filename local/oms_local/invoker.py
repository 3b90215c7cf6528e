"""Handlers called in-process (tests) run under their function's contract (:mod:`oms_local.contract`).

:func:`install` wraps the ``Handler`` of every function of the template, in its module, as soon as
the module is imported (or now, if it already is): a test that imports ``admin_api.app`` and calls
``lambda_handler(event, context)`` runs it with exactly OrdersFunction's environment (the calling
process's endpoint variables included) and its IAM statements checked on every AWS call. Code the
test calls directly (services, stores) keeps the test's environment.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from oms_local.contract import Contract, contracts, under
from oms_local.intrinsics import Intrinsics

_targets: dict[str, list[tuple[str, Contract]]] = {}


def contract_of(handler: Callable[..., Any]) -> Contract | None:
    """The contract a wrapped handler runs under."""
    return getattr(handler, "__oms_contract__", None)


def _wrap(module: ModuleType) -> None:
    for attr, contract in _targets.get(module.__name__, []):
        handler = getattr(module, attr, None)
        if handler is None or contract_of(handler) is not None:
            continue

        def run(event: Any, context: Any, _handler: Any = handler, _module: str = module.__name__,
                _attr: str = attr) -> Any:
            current = dict(_targets[_module])[_attr]  # the latest install's (template parameters)
            with under(current):
                return _handler(event, context)

        wrapped = functools.wraps(handler)(run)
        wrapped.__oms_contract__ = contract  # type: ignore[attr-defined]
        setattr(module, attr, wrapped)


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # imported as Lambda imports it: under its function's environment (a module-level Logger()
        # takes its service name from it), whichever test imports it first
        targets = _targets.get(module.__name__) or []
        with under(targets[0][1]) if targets else contextlib.nullcontext():
            self.inner.exec_module(module)
        _wrap(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _targets:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install(template: Mapping[str, Any], table_name: str, base_dir: Path,
            parameters: Mapping[str, str] | None = None) -> dict[str, Contract]:
    """Wrap every function's handler (idempotent); returns the contracts by logical id."""
    from oms_local import tokens

    resolver = Intrinsics(dict(template), table_name,
                          {"GuestTokenIssuer": tokens.local_issuer(), **dict(parameters or {})})
    found = contracts(template, resolver, base_dir)
    for contract in found.values():
        module, _, attr = contract.handler.rpartition(".")
        entries = _targets.setdefault(module, [])
        entries[:] = [(a, c) for a, c in entries if a != attr] + [(attr, contract)]
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    for module_name in _targets:
        if module_name in sys.modules:
            _wrap(sys.modules[module_name])
    return found


def current(logical_id: str) -> Contract:
    """The contract a function's handler runs under now (the latest :func:`install`)."""
    return next(c for entries in _targets.values() for _, c in entries if c.logical_id == logical_id)
