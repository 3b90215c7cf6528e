"""Short-lived RS256 tokens for guest buyers, scoped to one order.

The signing key is a port with two adapters: an SSM SecureString parameter holding the PEM private
key (AWS: ``GUEST_TOKEN_KEY_PARAM``) or a PEM file (local stack: ``GUEST_TOKEN_KEY_FILE``, the dev
key the local gateway trusts). The public half is published as a JWKS (and an OpenID discovery
document) under the issuer URL, which is what API Gateway's JWT authorizer fetches to verify.
The ``kid`` is the RFC 7638 thumbprint of the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jwt
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "oms-buyer"
ALGORITHM = "RS256"
TTL_S = 30 * 60


class KeySource(Protocol):
    def private_pem(self) -> bytes: ...


@dataclass(frozen=True)
class FileKey:
    path: Path

    def private_pem(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class SsmKey:
    parameter: str

    def private_pem(self) -> bytes:
        import boto3

        resp = boto3.client("ssm").get_parameter(Name=self.parameter, WithDecryption=True)
        return str(resp["Parameter"]["Value"]).encode()


def key_source_from_env() -> KeySource:
    path = os.environ.get("GUEST_TOKEN_KEY_FILE")
    if path:
        return FileKey(Path(path))
    param = os.environ.get("GUEST_TOKEN_KEY_PARAM")
    if not param:
        raise RuntimeError("GUEST_TOKEN_KEY_PARAM (or GUEST_TOKEN_KEY_FILE locally) is not set")
    return SsmKey(param)


@dataclass(frozen=True)
class _Signer:
    private_key: Any
    kid: str
    jwk: dict[str, Any]


_lock = threading.Lock()
_signer: dict[str, _Signer] = {}


def thumbprint(public_key: Any) -> str:
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _load(source: KeySource) -> _Signer:
    cache_key = repr(source)
    with _lock:
        if cache_key not in _signer:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            private = serialization.load_pem_private_key(source.private_pem(), password=None)
            if not isinstance(private, rsa.RSAPrivateKey):
                raise RuntimeError("the guest token signing key must be an RSA private key")
            public = private.public_key()
            kid = thumbprint(public)
            jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
            jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
            _signer[cache_key] = _Signer(private, kid, jwk)
        return _signer[cache_key]


def issuer() -> str:
    value = os.environ.get("GUEST_TOKEN_ISSUER")
    if not value:
        raise RuntimeError("GUEST_TOKEN_ISSUER is not set")
    return value


def mint(site_id: str, order_id: str, source: KeySource | None = None, now: int | None = None) -> tuple[str, int]:
    """(token, expires_in seconds) for a guest allowed to open ``order_id`` of ``site_id`` only."""
    signer = _load(source or key_source_from_env())
    issued = int(time.time()) if now is None else now
    claims = {"iss": issuer(), "aud": AUDIENCE, "iat": issued, "nbf": issued, "exp": issued + TTL_S,
              "jti": secrets.token_hex(8), "sub": f"guest:{order_id}", "site_id": site_id, "role": "buyer",
              "order_id": order_id}
    return jwt.encode(claims, signer.private_key, algorithm=ALGORITHM, headers={"kid": signer.kid}), TTL_S


def jwks(source: KeySource | None = None) -> dict[str, Any]:
    return {"keys": [_load(source or key_source_from_env()).jwk]}


def openid_configuration() -> dict[str, Any]:
    iss = issuer()
    return {"issuer": iss, "jwks_uri": f"{iss.rstrip('/')}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": [ALGORITHM]}
