"""Refusals speak Korean an operator can act on: every catalogue template and every message a raise
site of the product writes has no English word (tests/korean_text.ACRONYMS aside) and no particle
left undecided ("을(를)"); a resource that is not found is named in Korean."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import oms
from oms.domain import refusals
from oms.domain.errors import RESOURCE_KO, NotFound
from oms.schemas.common import RULES_KO
from oms.schemas.labels import FIELD_KO, ROUTE_FIELD_KO, VALUE_KO
from tests.code_sites import ROOT, Scan, product_files, scan_refusals
from tests.korean_text import problems

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def scan() -> Scan:
    return scan_refusals()


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    """A message as the source writes it: literal parts kept, each interpolation as ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, constants), _text(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _messages_at_sites(scan: Scan) -> dict[str, str]:
    """where -> each Korean text a refusal site passes (message_ko, or a module constant it names)."""
    lines: dict[str, set[int]] = {}
    for site in scan.sites:
        lines.setdefault(site.path, set()).add(site.line)
    found: dict[str, str] = {}
    for path, wanted in lines.items():
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)
                     and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.lineno in wanted:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    values = [arg] if not isinstance(arg, ast.Dict) else list(arg.values)
                    for value in values:
                        text = _text(value, constants) if value is not None else None
                        if text and HANGUL.search(text):
                            found[f"{path}:{node.lineno}:{len(found)}"] = text
    return found


def test_every_catalogue_template_is_korean_with_its_particles_decided() -> None:
    wrong = {code: (r.message_ko, problems(r.message_ko)) for code, r in refusals.REFUSALS.items()
             if problems(r.message_ko)}
    assert wrong == {}


def test_every_message_a_raise_site_writes_is_korean_with_its_particles_decided(scan: Scan) -> None:
    messages = _messages_at_sites(scan)
    assert len(messages) > 350  # the reader really reads the sites
    wrong = {where: (text, problems(text)) for where, text in messages.items() if problems(text)}
    assert wrong == {}


def test_no_source_writes_an_undecided_particle() -> None:
    pattern = re.compile(r"을\(를\)|이\(가\)|\(으\)로|은\(는\)|와\(과\)|과\(와\)")
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in product_files() for n, line in
            enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert hits == []


def test_our_validation_rules_labels_and_value_names_are_korean() -> None:
    texts = {**{f"rule {k}": v for k, v in RULES_KO.items()},
             **{f"label {k}": v for k, v in FIELD_KO.items()},
             **{f"value {k}": v for k, v in VALUE_KO.items()},
             **{f"{route} {k}": v for route, names in ROUTE_FIELD_KO.items() for k, v in names.items()}}
    assert {k: (v, problems(v)) for k, v in texts.items() if problems(v)} == {}


def test_every_korean_text_catalogue_of_the_product_is_korean() -> None:
    """Every module-level ``*_KO`` text or mapping of texts (reasons, labels, status names …)."""
    texts: dict[str, str] = {}
    for info in pkgutil.walk_packages(oms.__path__, "oms."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if not name.endswith("_KO") or getattr(value, "__module__", None) is not None:
                continue
            if isinstance(value, str):
                texts[f"{info.name}.{name}"] = value
            elif isinstance(value, dict):
                texts |= {f"{info.name}.{name}[{k}]": v for k, v in value.items() if isinstance(v, str)}
    assert len(texts) > 700
    assert {k: (v, problems(v)) for k, v in texts.items() if problems(v)} == {}


def test_a_resource_not_found_is_named_in_korean() -> None:
    named = {m.group(1) for p in product_files()
             for m in re.finditer(r"\bNotFound\(\s*\"([a-z_]+)\"", p.read_text(encoding="utf-8"))}
    assert {"order", "claim", "sender", "line", "member"} <= named
    assert sorted(named - set(RESOURCE_KO)) == []
    assert NotFound("order", "O-1").message_ko == "주문을 찾을 수 없습니다: O-1"
    assert NotFound("sender", "0212345678").message_ko == "발신번호를 찾을 수 없습니다: 0212345678"
    assert NotFound("claim", "C1").message_ko == "클레임을 찾을 수 없습니다: C1"
    assert NotFound("line", "L9").message_ko == "품목을 찾을 수 없습니다: L9"
    assert NotFound("parcel", "P1").message_ko == "항목을 찾을 수 없습니다: P1"  # never the English name
    assert NotFound("order", "O-1").code == "ORDER_NOT_FOUND"


def test_the_checker_itself_finds_english_words_and_undecided_particles() -> None:
    assert problems("sender을(를) 찾을 수 없습니다") == ["Latin word 'sender'", "an undecided particle"]
    assert problems("입력값이 올바르지 않습니다: order_ids (too_long)") == [
        "Latin word 'order_ids'", "Latin word 'too_long'"]
    assert problems("{상태}(으)로 변경할 수 없습니다.") == ["an undecided particle"]
    assert problems("PG 환불 실패: {PG 메시지}") == []
    assert problems("웹훅 URL은 'https://'로 시작해야 합니다.") == []
    assert problems("done") == ["Latin word 'done'", "no Korean"]


def test_root_is_the_checkout() -> None:
    assert (ROOT / "shared" / "oms" / "domain" / "josa.py").exists() and isinstance(ROOT, Path)
