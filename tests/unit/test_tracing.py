"""Nothing a function answers goes to X-Ray: no function loads the X-Ray SDK (Lambda active tracing
gives the function segments), and should a Tracer come back, response capture stays off."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oms_local.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(REPO_ROOT / "functions").rglob("*.py"), *(REPO_ROOT / "shared").rglob("*.py")])
CAPTURING = {"capture_lambda_handler", "capture_method"}


def test_template_turns_response_capture_off_for_every_function() -> None:
    tpl: dict[str, Any] = load_template()
    gfn = tpl["Globals"]["Function"]
    assert gfn["Tracing"] == "Active"
    assert gfn["Environment"]["Variables"]["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    for logical_id, res in tpl["Resources"].items():
        own = ((res.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
        assert own.get("POWERTOOLS_TRACER_CAPTURE_RESPONSE", "false") == "false", logical_id


def _capturing_decorators(path: Path) -> list[int]:
    """Lines of Tracer decorators that would capture the response (bare, or not capture_response=False)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if not (isinstance(target, ast.Attribute) and target.attr in CAPTURING):
                continue
            flag = next((k.value for k in dec.keywords if k.arg == "capture_response"), None) \
                if isinstance(dec, ast.Call) else None
            if not (isinstance(flag, ast.Constant) and flag.value is False):
                lines.append(dec.lineno)
    return lines


def test_no_tracer_decorator_captures_responses() -> None:
    found = {str(p.relative_to(REPO_ROOT)): lines for p in SOURCES if (lines := _capturing_decorators(p))}
    assert found == {}


def test_the_decorator_check_catches_a_capturing_tracer(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("@tracer.capture_lambda_handler\ndef h(e, c): ...\n"
                   "@tracer.capture_method(capture_response=True)\ndef m(): ...\n"
                   "@tracer.capture_method(capture_response=False)\ndef ok(): ...\n")
    assert _capturing_decorators(bad) == [1, 3]


def _handler_modules() -> list[str]:
    resources = load_template()["Resources"].values()
    return sorted({str(r["Properties"]["Handler"]).rpartition(".")[0] for r in resources
                   if r.get("Type") == "AWS::Serverless::Function"})


def test_every_function_is_checked() -> None:
    functions = [r for r in load_template()["Resources"].values() if r.get("Type") == "AWS::Serverless::Function"]
    assert len(functions) >= 18
    assert len(_handler_modules()) == len(functions)  # each function enters through a module of its own


@pytest.mark.parametrize("module", _handler_modules())
def test_functions_import_no_xray_sdk(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('aws_xray_sdk')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == "[]"
