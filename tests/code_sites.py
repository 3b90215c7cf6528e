"""What the product's source says, read from its syntax trees: the refusal codes it raises or answers
(with their HTTP status) and the timeline event kinds it records. The catalogue tests
(tests/unit/test_refusals.py, tests/unit/test_event_kinds.py) compare these with
:mod:`oms.domain.refusals` and :mod:`oms.domain.event_kinds`.

A refusal is built by a *root*: :class:`oms.domain.errors.DomainError` and every subclass of it
(their status is the class's ``status`` unless the call passes ``status=``; ``NotFound(what, id)``
answers ``WHAT_NOT_FOUND``), :func:`oms.http.problem` and the webhook function's answers (a status
and a body whose ``"code"`` is the code). A module-level function that passes one of its own
parameters as a root's code (``_refuse(code, message_ko, ...)``) is a *factory*: its callers' literal
codes count, with the status the factory gives. A code is read from a literal, a conditional of
literals, a local name bound to those, or an index into a module-level tuple; ``something.code``
forwards a refusal built elsewhere and is not a site. Anything else is reported as unresolved.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ERRORS = "oms.domain.errors"


@dataclass(frozen=True)
class Site:
    """One place that builds a refusal (or records an event) with a code (kind) the source spells out."""

    code: str
    status: int | None  # None: the status is computed at run time
    path: str
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Shape:
    """How a refusal builder takes its code and status."""

    code_arg: int | None = None      # positional index of the code
    code_kw: str | None = "code"
    body_arg: int | None = None      # positional index of a body dict whose "code" is the code
    status_arg: int | None = None    # positional index of the status
    status_kw: str | None = None
    default: int | None = None       # the status when the call gives none
    not_found: bool = False          # NotFound(what, ident): WHAT_NOT_FOUND
    template: tuple[str, str] = ("", "")  # a factory's f"prefix{code}suffix"


def product_files(root: Path = ROOT) -> list[Path]:
    return sorted([*root.glob("shared/**/*.py"), *root.glob("functions/**/*.py")])


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    parts = parts[1:] if parts[0] == "shared" else parts[2:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class _Module:
    name: str
    path: str
    tree: ast.Module
    names: dict[str, str] = field(default_factory=dict)       # local name -> qualified name
    assigned: dict[str, ast.expr] = field(default_factory=dict)  # module-level NAME = value

    def qualify(self, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            return self.names.get(expr.id)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in self.names:
            return f"{self.names[expr.value.id]}.{expr.attr}"
        return None


def _load(root: Path) -> list[_Module]:
    modules = []
    for path in product_files(root):
        name = module_name(path, root)
        mod = _Module(name, str(path.relative_to(root)), ast.parse(path.read_text(encoding="utf-8"), str(path)))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in mod.tree.body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                mod.names[node.name] = f"{name}.{node.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                mod.assigned[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                mod.assigned[node.target.id] = node.value
        for imp in ast.walk(mod.tree):
            if isinstance(imp, ast.ImportFrom):
                base = imp.module or ""
                if imp.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - imp.level + 1], base]).strip(".")
                for alias in imp.names:
                    mod.names[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(imp, ast.Import):
                for alias in imp.names:
                    if alias.asname:
                        mod.names[alias.asname] = alias.name
                    else:
                        mod.names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        modules.append(mod)
    return modules


def _scopes(tree: ast.AST) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Every call with the innermost function around it."""
    def walk(node: ast.AST, scope: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Iterator[
            tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            if isinstance(child, ast.Call):
                yield child, scope
            yield from walk(child, inner)
    yield from walk(tree, None)


class _Param(str):
    """A value that is a parameter of the enclosing function (by name), maybe inside an f-string."""

    prefix = ""
    suffix = ""


def _param(name: str, prefix: str = "", suffix: str = "") -> _Param:
    p = _Param(name)
    p.prefix, p.suffix = prefix, suffix
    return p


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    return [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]


def _default(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    positional = [*fn.args.posonlyargs, *fn.args.args]
    for arg, default in zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults, strict=True):
        if arg.arg == name:
            return default
    for arg, kw_default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        if arg.arg == name:
            return kw_default
    return None


def _values(expr: ast.expr, scope: ast.FunctionDef | ast.AsyncFunctionDef | None, mod: _Module,
            depth: int = 0) -> set[object] | None:
    """The literal values ``expr`` can have (a :class:`_Param` for a parameter); None if unknown."""
    if depth > 5:
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str | int) and not isinstance(expr.value, bool):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        a, b = _values(expr.body, scope, mod, depth + 1), _values(expr.orelse, scope, mod, depth + 1)
        return None if a is None or b is None else a | b
    if isinstance(expr, ast.Name):
        if scope is not None:
            if expr.id in {a.arg for a in _params(scope)}:
                return {_param(expr.id)}
            bound = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            if bound:
                out: set[object] = set()
                for value in bound:
                    got = _values(value, scope, mod, depth + 1)
                    if got is None:
                        return None
                    out |= got
                return out
        if expr.id in mod.assigned:
            return _values(mod.assigned[expr.id], None, mod, depth + 1)
        return None
    if isinstance(expr, ast.JoinedStr):  # f"membership_{kind}": each value the parts can take
        texts: set[object] = {""}
        for part in expr.values:
            got = _values(part.value, scope, mod, depth + 1) if isinstance(part, ast.FormattedValue) else \
                {part.value} if isinstance(part, ast.Constant) else None
            if got is None:
                return None
            if any(isinstance(g, _Param) for g in got):  # a template of the enclosing function's parameter
                if len(got) != 1 or len(texts) != 1 or any(isinstance(t, _Param) for t in texts):
                    return None
                param = next(iter(got))
                assert isinstance(param, _Param)
                texts = {_param(str(param), str(next(iter(texts))))}
                continue
            if any(isinstance(t, _Param) for t in texts):
                (t,) = texts
                assert isinstance(t, _Param)
                if len(got) != 1:
                    return None
                texts = {_param(str(t), t.prefix, t.suffix + str(next(iter(got))))}
                continue
            texts = {f"{t}{g}" for t in texts for g in got}
        return texts
    if (isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in mod.assigned
            and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, int)):
        seq = mod.assigned[expr.value.id]
        if isinstance(seq, ast.Tuple | ast.List) and -len(seq.elts) <= expr.slice.value < len(seq.elts):
            return _values(seq.elts[expr.slice.value], None, mod, depth + 1)
    return None


def _arg(call: ast.Call, index: int | None, keyword: str | None) -> ast.expr | None:
    if keyword is not None:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
    if index is not None and index < len(call.args) and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return None


def _body_code(body: ast.expr | None) -> ast.expr | None:
    if isinstance(body, ast.Dict):
        for key, value in zip(body.keys, body.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "code":
                return value
    return None


def _is_forward(expr: ast.expr | None) -> bool:
    """``exc.code``: a refusal built elsewhere, answered again."""
    return isinstance(expr, ast.Attribute) and expr.attr == "code"


@dataclass
class Scan:
    sites: list[Site] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # "path:line: source" of builders nobody can read
    factories: dict[str, Shape] = field(default_factory=dict)
    reads: list[Site] = field(default_factory=list)  # event kinds compared with (``e.kind == "refund"``)

    def codes(self) -> dict[str, set[int | None]]:
        out: dict[str, set[int | None]] = {}
        for site in self.sites:
            out.setdefault(site.code, set()).add(site.status)
        return out


def _exception_shapes(modules: list[_Module]) -> dict[str, Shape]:
    """DomainError and its subclasses (across modules), each with its default status."""
    shapes = {f"{ERRORS}.DomainError": Shape(code_arg=0, status_kw="status", default=422)}
    changed = True
    while changed:
        changed = False
        for mod in modules:
            for node in mod.tree.body:
                qualified = f"{mod.name}.{node.name}" if isinstance(node, ast.ClassDef) else None
                if qualified is None or qualified in shapes or not isinstance(node, ast.ClassDef):
                    continue
                parents = [shapes[q] for base in node.bases if (q := mod.qualify(base)) in shapes]
                if not parents:
                    continue
                status = parents[0].default
                for stmt in node.body:
                    if (isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(stmt.value, ast.Constant)
                            and any(isinstance(t, ast.Name) and t.id == "status"
                                    for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))):
                        status = int(stmt.value.value)  # type: ignore[arg-type]
                shapes[qualified] = Shape(code_arg=0, status_kw="status", default=status,
                                          not_found=qualified == f"{ERRORS}.NotFound")
                changed = True
    return shapes


#: Builders that are not exceptions: oms.http's problem and the webhook function's answers.
ANSWERS: dict[str, Shape] = {
    "oms.http.problem": Shape(code_arg=1, status_arg=0),
    "oms.services.webhooks.Answer": Shape(code_kw=None, body_arg=1, status_arg=0),
    "oms.services.tracking.Answer": Shape(code_kw=None, body_arg=1, status_arg=0),
    "webhooks_api.app._response": Shape(code_kw=None, body_arg=1, status_arg=0),
}


def scan_refusals(root: Path = ROOT) -> Scan:
    modules = _load(root)
    return _scan(modules, {**_exception_shapes(modules), **ANSWERS})


#: The timeline entry: ``Event(kind, actor, at, data)``.
EVENT = "oms.domain.order.Event"


def scan_event_kinds(root: Path = ROOT) -> Scan:
    """Every event kind the product records: ``Event("kind", ...)`` (directly or through a module's
    helper that hands its parameter on as the kind) and ``something.kind = "kind"`` on an event."""
    modules = _load(root)
    scan = _scan(modules, {EVENT: Shape(code_arg=0, code_kw="kind")})
    for mod in modules:
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Assign) and any(_is_event_kind(t) for t in node.targets):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    scan.sites.append(Site(node.value.value, None, mod.path, node.lineno))
                else:
                    scan.unresolved.append(f"{mod.path}:{node.lineno}: {ast.unparse(node)[:120]}")
            elif isinstance(node, ast.Compare) and _is_event_kind(node.left):
                for right in node.comparators:
                    options = right.elts if isinstance(right, ast.Tuple | ast.List | ast.Set) else [right]
                    scan.reads += [Site(o.value, None, mod.path, node.lineno) for o in options
                                   if isinstance(o, ast.Constant) and isinstance(o.value, str)]
    scan.sites.sort(key=lambda s: (s.code, s.path, s.line))
    return scan


#: names an event goes by where its kind is set or compared (``ev.kind = "refund_forced"``)
EVENT_NAMES = frozenset({"e", "ev", "event"})


def _is_event_kind(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "kind" and isinstance(node.value, ast.Name)
            and node.value.id in EVENT_NAMES)


def _scan(modules: list[_Module], shapes: dict[str, Shape]) -> Scan:
    scan = Scan()
    for _ in range(4):  # factories of factories
        scan = Scan()
        found: dict[str, Shape] = {}
        for mod in modules:
            for call, scope in _scopes(mod.tree):
                qualified = mod.qualify(call.func)
                shape = shapes.get(qualified or "")
                if shape is None:
                    continue
                _read(call, scope, mod, shape, scan, found)
        if not set(found) - set(shapes):
            scan.factories = {k: v for k, v in shapes.items() if k in found}
            break
        shapes.update(found)
    scan.sites.sort(key=lambda s: (s.code, s.path, s.line))
    return scan


def _read(call: ast.Call, scope: ast.FunctionDef | ast.AsyncFunctionDef | None, mod: _Module, shape: Shape,
          scan: Scan, found: dict[str, Shape]) -> None:
    where = f"{mod.path}:{call.lineno}"
    if shape.body_arg is not None:
        body = _arg(call, shape.body_arg, None)
        if not isinstance(body, ast.Dict):
            return  # an answer built elsewhere, passed on
        code_expr = _body_code(body)
        if code_expr is None:
            return  # a success: no code
    else:
        code_expr = _arg(call, shape.code_arg, shape.code_kw)
    if _is_forward(code_expr):
        return
    codes = _values(code_expr, scope, mod) if code_expr is not None else None
    status_expr = _arg(call, shape.status_arg, shape.status_kw)
    statuses = {shape.default} if status_expr is None else _values(status_expr, scope, mod)
    if codes is None or not codes:
        scan.unresolved.append(f"{where}: {ast.unparse(call)[:120]}")
        return
    params = [c for c in codes if isinstance(c, _Param)]
    if params:  # a factory: the enclosing function hands its parameter on as the code
        assert scope is not None
        names = [a.arg for a in _params(scope)]
        code_param = str(params[0])
        status_param = next((str(s) for s in statuses or () if isinstance(s, _Param)), None)
        fixed = next((s for s in statuses or () if isinstance(s, int)), None)
        default = _default(scope, status_param) if status_param else None
        positional = [a.arg for a in [*scope.args.posonlyargs, *scope.args.args]]
        found[f"{mod.name}.{scope.name}"] = Shape(
            code_arg=positional.index(code_param) if code_param in positional else None,
            code_kw=code_param,
            default=default.value if isinstance(default, ast.Constant) and isinstance(default.value, int) else fixed,
            status_arg=positional.index(status_param) if status_param in positional else None,
            status_kw=status_param,
            template=(shape.template[0] + params[0].prefix, params[0].suffix + shape.template[1]))
        assert code_param in names
        return
    for code in codes:
        if not isinstance(code, str):
            scan.unresolved.append(f"{where}: code {code!r} is not text")
            continue
        if shape.not_found:
            code = f"{code.upper()}_NOT_FOUND"
        code = f"{shape.template[0]}{code}{shape.template[1]}"
        known = [s for s in statuses or () if isinstance(s, int)]
        if statuses is None or len(known) != len(statuses):
            scan.sites.append(Site(code, None, mod.path, call.lineno))
        for status in known:
            scan.sites.append(Site(code, status, mod.path, call.lineno))
