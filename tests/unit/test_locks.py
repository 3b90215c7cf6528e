"""The tests run what Lambda runs: one Python version, and the same package versions in the venv's
lock file (requirements/dev.lock) and in the Lambda target's (layer, exports, excel)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from oms_local.template import REPO_ROOT, load_template

REQ = REPO_ROOT / "requirements"
TARGET_LOCKS = ("layer", "exports", "excel")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.M)


def pins(path: Path) -> dict[str, str]:
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in PIN.findall(path.read_text())}


def runtime_version() -> str:
    runtime = str(load_template()["Globals"]["Function"]["Runtime"])
    assert runtime.startswith("python"), runtime
    return runtime.removeprefix("python")


def test_the_tests_run_on_the_lambda_runtimes_python() -> None:
    assert runtime_version() == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_every_build_targets_the_template_runtime() -> None:
    version = runtime_version()
    layer = load_template()["Resources"]["OmsLayer"]["Properties"]
    assert layer["CompatibleRuntimes"] == [f"python{version}"]
    assert re.search(rf"^RUNTIME_PYTHON_VERSION := {re.escape(version)}$",
                     (REPO_ROOT / "shared" / "Makefile").read_text(), re.M)
    assert re.search(rf"^LAMBDA_PYTHON := {re.escape(version)}$", (REPO_ROOT / "Makefile").read_text(), re.M)
    for fn in ("exports", "invoices"):
        makefile = (REPO_ROOT / "functions" / fn / "Makefile").read_text()
        assert re.findall(r"--python-version (\S+)", makefile) == [version], fn
    for resource in load_template()["Resources"].values():
        assert resource.get("Properties", {}).get("Runtime", f"python{version}") in (f"python{version}",
                                                                                     "cloudfront-js-2.0")


@pytest.mark.parametrize("target", TARGET_LOCKS)
def test_lambda_locks_pin_the_venvs_versions(target: str) -> None:
    dev, lock = pins(REQ / "dev.lock"), pins(REQ / f"{target}.lock")
    assert lock
    differ = {name: (version, dev.get(name)) for name, version in lock.items() if dev.get(name) != version}
    assert not differ, f"{target}.lock against dev.lock (run `make lock`): {differ}"


@pytest.mark.parametrize("name", ("dev", *TARGET_LOCKS))
def test_locks_are_complete_and_hashed(name: str) -> None:
    text = (REQ / f"{name}.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
    assert blocks and all("--hash=sha256:" in b for b in blocks), name
    assert not re.search(r"^(-e |file:|\S+ @ )", text, re.M), "a lock file entry pip --require-hashes refuses"
    if name != "dev":
        wanted = {re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower()
                  for line in (REQ / f"{name}.in").read_text().splitlines() if line and not line.startswith("#")}
        assert wanted <= set(pins(REQ / f"{name}.lock")), f"{name}.in has a package its lock lacks: `make lock`"


def test_the_layer_ships_no_xray_sdk_and_no_second_botocore() -> None:
    layer = pins(REQ / "layer.lock")
    assert not {"aws-xray-sdk", "wrapt", "botocore", "boto3"} & set(layer), layer
    for path in (REPO_ROOT / "pyproject.toml", REQ / "layer.in"):
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
        assert "[tracer]" not in text, path


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0]).lower()


def test_the_venv_lock_holds_every_dependency_pyproject_names() -> None:
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]}
    wanted.discard(_name(project["name"]))  # the project itself (its own extras), installed with -e .
    locked = set(pins(REPO_ROOT / "requirements" / "dev.lock"))
    assert wanted - locked == set(), "run `make lock`: pyproject.toml names packages requirements/dev.lock lacks"
