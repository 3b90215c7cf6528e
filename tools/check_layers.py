"""The layer rules of the code base, checked on the import statements (run by `make lint`).

- ``oms.domain`` is pure: it imports no other layer of ``oms`` and nothing that does I/O.
- ``oms.store`` (the table mapping) never imports the use cases (``oms.services``).
- the product (``shared/``, ``functions/``) never imports the local stack (``oms_local``), and
  ``shared/`` never imports a function's package.
- a function's package never imports another function's package.
- outside ``oms.store`` nothing reaches a store module's private names (``_update_action`` …):
  a use case asks the store for a write by intent (``record_payment_change(write, …)``).

Prints each violation as ``path:line: module imports X (rule)`` and exits 1 when there is one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def function_packages(root: Path) -> dict[str, str]:
    """Each function's top-level package → its folder under functions/."""
    return {p.name: p.parent.name for p in sorted(root.glob("functions/*/*")) if (p / "__init__.py").exists()}


FUNCTION_PACKAGES = function_packages(ROOT)
IO_MODULES = ("boto3", "botocore", "httpx", "requests", "aws_lambda_powertools", "openpyxl", "reportlab")

#: (what the importing module starts with, what it may not import, why)
RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("oms.domain", ("oms.store", "oms.services", "oms.integrations", "oms.http", "oms.schemas", "oms.excel",
                    "oms.printing", "oms.auth", *IO_MODULES), "the domain is pure"),
    ("oms.store", ("oms.services", "oms.http"), "the store does not know the use cases"),
    ("oms.integrations", ("oms.services", "oms.store", "oms.http"), "a provider adapter knows only its port"),
    ("oms", ("oms_local", *FUNCTION_PACKAGES), "shared/ never imports the local stack or a function"),
)


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    parts = list(rel.with_suffix("").parts)
    if parts[0] == "shared":
        parts = parts[1:]
    elif parts[0] == "functions":
        parts = parts[2:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _private_store_uses(path: Path) -> Iterator[tuple[int, str]]:
    """``oms.store.<module>._name`` reached from outside the store: imported, or as an attribute
    of a name bound to a store module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if node.module == "oms.store":
                    aliases[alias.asname or alias.name] = f"oms.store.{alias.name}"
                elif node.module.startswith("oms.store.") and _private(alias.name):
                    yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("oms.store.") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and _private(node.attr)):
            yield node.lineno, f"{aliases[node.value.id]}.{node.attr}"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _hits(name: str, banned: tuple[str, ...]) -> str | None:
    return next((b for b in banned if name == b or name.startswith(b + ".")), None)


def violations(root: Path = ROOT) -> list[str]:
    out: list[str] = []
    packages = function_packages(root)
    for path in sorted([*root.glob("shared/oms/**/*.py"), *root.glob("functions/*/*/**/*.py")]):
        module = _module_name(path, root)
        own_function = path.relative_to(root).parts[1] if path.parts[len(root.parts)] == "functions" else None
        if not (module == "oms.store" or module.startswith("oms.store.")):
            for line, name in _private_store_uses(path):
                out.append(f"{path.relative_to(root)}:{line}: {module} uses {name} "
                           "(a store's actions are its own: ask it by intent)")
        for line, name in _imports(path):
            where = f"{path.relative_to(root)}:{line}"
            for prefix, banned, why in RULES:
                if module == prefix or module.startswith(prefix + "."):
                    hit = _hits(name, banned)
                    if hit:
                        out.append(f"{where}: {module} imports {name} ({why})")
            if own_function is not None:
                if _hits(name, ("oms_local",)):
                    out.append(f"{where}: {module} imports {name} (a function never imports the local stack)")
                top = name.split(".")[0]
                if top in packages and packages[top] != own_function:
                    out.append(f"{where}: {module} imports {name} (a function never imports another's package)")
    return out


def main() -> int:
    found = violations()
    for v in found:
        print(v)
    print(f"layers: {len(found)} violation(s)" if found else "layers: every import follows the layer rules")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
