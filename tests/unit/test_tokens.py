"""Dev tokens: minting, verification, key persistence."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from oms_local import tokens


@pytest.fixture(autouse=True)
def local_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OMS_LOCAL_DIR", str(tmp_path))
    monkeypatch.delenv("OMS_LOCAL_ISSUER", raising=False)
    return tmp_path


def _tamper_payload(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_admin_token_round_trip() -> None:
    token = tokens.mint_admin_token("demo-shop")

    claims = tokens.verify(token, audience="oms-admin", issuer=tokens.DEFAULT_ISSUER)

    assert claims["site_id"] == "demo-shop"
    assert claims["role"] == "admin"
    assert claims["sub"] == "admin-1"
    assert claims["name"] == "관리자"
    assert claims["iss"] == "http://127.0.0.1:3000/local-issuer"
    assert claims["aud"] == "oms-admin"
    assert claims["nbf"] <= claims["iat"] < claims["exp"]
    assert claims["exp"] - claims["iat"] == 12 * 3600


def test_token_header_names_the_key_in_the_jwks() -> None:
    token = tokens.mint_admin_token("demo-shop")

    header = jwt.get_unverified_header(token)
    keys = tokens.jwks()["keys"]

    assert header["alg"] == "RS256"
    assert [k["kid"] for k in keys] == [header["kid"]]
    assert keys[0]["kty"] == "RSA"
    assert "d" not in keys[0]  # public part only
    public = jwt.PyJWK(keys[0]).key
    assert jwt.decode(token, public, algorithms=["RS256"], audience="oms-admin")["site_id"] == "demo-shop"


def test_tampered_payload_fails() -> None:
    token = tokens.mint_admin_token("demo-shop")

    with pytest.raises(tokens.TokenError, match="signature"):
        tokens.verify(_tamper_payload(token, site_id="other-shop"), audience="oms-admin")


def test_wrong_audience_fails() -> None:
    token = tokens.mint_admin_token("demo-shop")

    with pytest.raises(tokens.TokenError, match="audience"):
        tokens.verify(token, audience="oms-buyer")


def test_wrong_issuer_fails() -> None:
    token = tokens.mint_admin_token("demo-shop")

    with pytest.raises(tokens.TokenError, match="issuer"):
        tokens.verify(token, audience="oms-admin", issuer="https://idp.example.com")


def test_expired_token_fails() -> None:
    token = tokens.mint_admin_token("demo-shop", ttl_s=-10)

    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.verify(token, audience="oms-admin")


def test_token_from_a_foreign_key_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_LOCAL_DIR", str(tmp_path / "other"))
    foreign = tokens.mint_admin_token("demo-shop")
    monkeypatch.setenv("OMS_LOCAL_DIR", str(tmp_path))

    with pytest.raises(tokens.TokenError):
        tokens.verify(foreign, audience="oms-admin")


def test_key_is_persisted_in_local_dir_with_private_permissions(local_dir: Path) -> None:
    first = tokens.mint_admin_token("demo-shop")

    key_file = local_dir / "dev-keys" / "jwt-private.pem"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    tokens._cache.clear()  # a new process would start with an empty cache

    assert tokens.verify(first, audience="oms-admin")["site_id"] == "demo-shop"
    assert key_file.read_bytes() == before


def test_service_token_is_stable_and_private(local_dir: Path) -> None:
    token = tokens.service_token()

    assert token == tokens.service_token()
    assert len(token) >= 32
    path = local_dir / "dev-keys" / "service-token"
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_buyer_tokens_for_member_and_guest() -> None:
    member = tokens.verify(tokens.mint_buyer_token("demo-shop", member_id="m-1"), audience="oms-buyer")
    guest = tokens.verify(tokens.mint_buyer_token("demo-shop", order_id="o-9"), audience="oms-buyer")

    assert (member["role"], member["member_id"], member["site_id"]) == ("buyer", "m-1", "demo-shop")
    assert "order_id" not in member
    assert (guest["role"], guest["order_id"]) == ("buyer", "o-9")
    assert "member_id" not in guest
    with pytest.raises(ValueError):
        tokens.mint_buyer_token("demo-shop")
    with pytest.raises(tokens.TokenError):
        tokens.verify(tokens.mint_buyer_token("demo-shop", member_id="m-1"), audience="oms-admin")


def test_cli_prints_a_verifiable_admin_token(local_dir: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "oms_local.tokens", "--site", "shop-7"],
        check=True,
        capture_output=True,
        text=True,
        env={"OMS_LOCAL_DIR": str(local_dir), "PYTHONPATH": str(root / "local"), "PATH": "/usr/bin:/bin"},
    )

    claims = tokens.verify(out.stdout.strip(), audience="oms-admin")
    assert claims["site_id"] == "shop-7"
