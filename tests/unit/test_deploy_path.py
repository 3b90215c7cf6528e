"""The deploy path a newcomer follows: samconfig.toml, the Makefile targets, the SSM bootstrap."""

from __future__ import annotations

import subprocess
import tomllib
from typing import Any

import pytest

from deploy import bootstrap_params
from oms_local.template import REPO_ROOT, load_template


@pytest.fixture(scope="module")
def samconfig() -> dict[str, Any]:
    return tomllib.loads((REPO_ROOT / "samconfig.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_samconfig_names_each_environment(samconfig: dict[str, Any], env: str) -> None:
    deploy = samconfig[env]["deploy"]["parameters"]
    assert deploy["stack_name"] == f"oms-{env}"
    assert deploy["region"] == "ap-northeast-2"
    assert "CAPABILITY_IAM" in deploy["capabilities"].split()
    assert deploy["confirm_changeset"] is (env == "prod")
    template_params = load_template()["Parameters"]
    given = bootstrap_params.overrides(env)
    assert set(given) <= set(template_params)
    required = {k for k, v in template_params.items() if "Default" not in v}
    assert required <= set(given)  # every parameter without a default has a (placeholder) value
    assert given["Stage"] == env
    assert all(given[k].startswith(f"/oms/{env}/") for k in given if k.endswith(("ParameterPath", "KeyParameter")))


def test_makefile_has_the_deploy_targets_and_deploy_refuses_without_env() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    for target in ("deploy:", "bootstrap-params:", "smoke:"):
        assert f"\n{target}" in makefile, target
    assert "$(SAM) deploy --config-env $(ENV)" in makefile
    # only `deploy`: the other targets first bring .venv up to date (a pip install)
    for args in (["deploy"], ["deploy", "ENV=staging"]):
        done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO_ROOT), *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and "ENV=dev|prod" in done.stderr, (args, done.stderr)


def _referenced_param_variables() -> set[str]:
    tpl = load_template()
    return {var for res in tpl["Resources"].values() if res["Type"] == "AWS::Serverless::Function"
            for var in (res["Properties"].get("Environment") or {}).get("Variables", {}) if var.endswith("_PARAM")}


def test_bootstrap_dry_run_lists_exactly_the_parameters_the_template_reads(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert bootstrap_params.main(["--env", "dev", "--dry-run"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert names == sorted([
        "/oms/dev/cursor-key", "/oms/dev/guest-token-key",
        "/oms/dev/pg/toss/secret-key", "/oms/dev/pg/portone/api-secret", "/oms/dev/pg/portone/webhook-secret",
        "/oms/dev/pg/portone/store-id",
        "/oms/dev/sms/nhn/app-key", "/oms/dev/sms/nhn/secret-key", "/oms/dev/sms/solapi/api-key",
        "/oms/dev/sms/solapi/api-secret", "/oms/dev/alimtalk/nhn/app-key", "/oms/dev/alimtalk/nhn/secret-key",
        "/oms/dev/tracking/trackerdelivery/client-id", "/oms/dev/tracking/trackerdelivery/client-secret",
        "/oms/dev/tracking/trackerdelivery/webhook-secret", "/oms/dev/tracking/sweettracker/api-key",
        "/oms/dev/tracking/sweettracker/webhook-secret",
        "/oms/dev/bankfeed/bankda/api-token", "/oms/dev/bankfeed/popbill/api-key",
    ])
    variables = _referenced_param_variables()
    assert len(names) == len(variables)  # one SSM parameter per *_PARAM variable of the functions
    secrets = bootstrap_params.secrets_of(load_template(), bootstrap_params.overrides("dev"))
    assert {s.variable for s in secrets} == variables


def test_bootstrap_reads_values_from_the_environment_and_generates_our_own_keys(
        monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {s.variable: s for s in bootstrap_params.secrets_of(load_template(), {})}
    toss = secrets["TOSS_SECRET_KEY_PARAM"]
    assert (toss.name, toss.env_var) == ("/oms/pg/toss/secret-key", "OMS_TOSS_SECRET_KEY")  # template defaults
    monkeypatch.setenv("OMS_TOSS_SECRET_KEY", "test_sk_from_env")
    assert bootstrap_params._value(toss, interactive=False) == "test_sk_from_env"
    monkeypatch.delenv("OMS_PORTONE_API_SECRET", raising=False)
    assert bootstrap_params._value(secrets["PORTONE_API_SECRET_PARAM"], interactive=False) is None
    cursor = bootstrap_params._value(secrets["CURSOR_KEY_PARAM"], interactive=False)
    assert cursor and len(cursor) >= 48
    pem = bootstrap_params._value(secrets["GUEST_TOKEN_KEY_PARAM"], interactive=False)
    assert pem and pem.startswith("-----BEGIN PRIVATE KEY-----")


class FakeSsm:
    """Just enough of the SSM client: get_parameter / put_parameter on a dict."""

    class exceptions:
        class ParameterNotFound(Exception):
            pass

    def __init__(self, existing: dict[str, str]) -> None:
        self.store = dict(existing)
        self.puts: list[str] = []

    def get_parameter(self, Name: str) -> dict[str, Any]:
        if Name not in self.store:
            raise self.exceptions.ParameterNotFound(Name)
        return {"Parameter": {"Name": Name}}

    def put_parameter(self, Name: str, Value: str, Type: str, Overwrite: bool, Description: str) -> None:
        assert Type == "SecureString" and (Overwrite or Name not in self.store)
        self.store[Name] = Value
        self.puts.append(Name)


def test_bootstrap_is_idempotent_and_never_regenerates_a_key(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import boto3

    for s in bootstrap_params.secrets_of(load_template(), {}):
        monkeypatch.delenv(s.env_var, raising=False)
    monkeypatch.setenv("OMS_TOSS_SECRET_KEY", "test_sk")
    fake = FakeSsm({"/oms/dev/pg/toss/secret-key": "old", "/oms/dev/cursor-key": "kept"})
    monkeypatch.setattr(boto3, "client", lambda *_a, **_k: fake)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert bootstrap_params.main(["--env", "dev"]) == 0
    assert sorted(fake.puts) == ["/oms/dev/guest-token-key"]  # generated; the others exist or have no value
    assert fake.store["/oms/dev/pg/toss/secret-key"] == "old"
    fake.puts.clear()
    assert bootstrap_params.main(["--env", "dev", "--overwrite"]) == 0
    assert fake.puts == ["/oms/dev/pg/toss/secret-key"] and fake.store["/oms/dev/cursor-key"] == "kept"
    assert "kept     /oms/dev/cursor-key" in capsys.readouterr().out
