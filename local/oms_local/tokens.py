"""Development tokens for the local stack.

An RSA key pair lives in ``$OMS_LOCAL_DIR/dev-keys`` (default ``.local/dev-keys``), created on first
use with 0600 permissions. Tokens are RS256 with a ``kid`` header so the local gateway can verify
them the way API Gateway's JWT authorizer does (key looked up by ``kid`` in the issuer's JWKS).

CLI::

    python -m oms_local.tokens --site demo-shop            # admin token
    python -m oms_local.tokens --service                   # checkout-service token (AWS_IAM routes)
    python -m oms_local.tokens --buyer --site demo-shop --member m-1
    python -m oms_local.tokens --buyer --site demo-shop --order 01J...   # guest (order-scoped) token
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from oms_local import LOCAL_DIR

DEFAULT_ISSUER = "http://127.0.0.1:3000/local-issuer"
ADMIN_AUDIENCE = "oms-admin"
BUYER_AUDIENCE = "oms-buyer"
ALGORITHM = "RS256"
DEFAULT_ADMIN_NAME = "관리자"

_PRIVATE_KEY_FILE = "jwt-private.pem"
_SERVICE_TOKEN_FILE = "service-token"

__all__ = [
    "ADMIN_AUDIENCE",
    "BUYER_AUDIENCE",
    "DEFAULT_ISSUER",
    "TokenError",
    "jwks",
    "key_dir",
    "local_issuer",
    "mint_admin_token",
    "mint_buyer_token",
    "mint_token",
    "service_token",
    "verify",
]


class TokenError(Exception):
    """A token failed verification. ``str(err)`` is a short, client-safe reason."""


def local_dir() -> Path:
    """``$OMS_LOCAL_DIR``, else the repository's ``.local`` (independent of the working directory)."""
    override = os.environ.get("OMS_LOCAL_DIR")
    return Path(override) if override else LOCAL_DIR


def key_dir() -> Path:
    return local_dir() / "dev-keys"


def local_issuer() -> str:
    """The local issuer. Fixed (not derived from the gateway port) so tokens outlive restarts."""
    return os.environ.get("OMS_LOCAL_ISSUER", DEFAULT_ISSUER)


# --------------------------------------------------------------------------- key material


@dataclass(frozen=True)
class _KeyPair:
    private_key: rsa.RSAPrivateKey
    public_key: rsa.RSAPublicKey
    kid: str


_cache: dict[tuple[str, int], _KeyPair] = {}
_cache_lock = threading.Lock()


def _write_exclusive(path: Path, data: bytes) -> bytes:
    """Write ``data`` to ``path`` unless it already exists; return what ends up in the file.

    Write-to-temp + ``os.link`` is atomic and fails if the target exists, so concurrent first uses
    (parallel test workers, ``make token`` while ``make run`` boots) agree on a single key.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def _thumbprint_kid(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) as key id."""
    import base64
    import hashlib

    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _keypair() -> _KeyPair:
    path = key_dir() / _PRIVATE_KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_exclusive(path, pem)
    stat = path.stat()
    cache_key = (str(path.resolve()), stat.st_mtime_ns)
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is not None:
            return cached
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise TokenError(f"{path} is not an RSA private key")
        public = loaded.public_key()
        pair = _KeyPair(private_key=loaded, public_key=public, kid=_thumbprint_kid(public))
        _cache[cache_key] = pair
        return pair


def jwks() -> dict[str, Any]:
    """The local issuer's JSON Web Key Set (public key only)."""
    pair = _keypair()
    jwk = RSAAlgorithm.to_jwk(pair.public_key, as_dict=True)
    jwk.update({"kid": pair.kid, "alg": ALGORITHM, "use": "sig"})
    return {"keys": [jwk]}


def service_token() -> str:
    """The dev credential of the checkout service, used on AWS_IAM routes locally."""
    path = key_dir() / _SERVICE_TOKEN_FILE
    if not path.exists():
        _write_exclusive(path, ("svc_" + secrets.token_urlsafe(32)).encode())
    return path.read_text().strip()


# --------------------------------------------------------------------------- minting


def mint_token(
    claims: dict[str, Any],
    *,
    audience: str,
    ttl_s: int,
    iss: str | None = None,
    now: int | None = None,
) -> str:
    """Sign arbitrary claims; ``iss``/``aud``/``iat``/``nbf``/``exp`` are filled unless given."""
    pair = _keypair()
    issued = int(time.time()) if now is None else now
    payload: dict[str, Any] = {
        "iss": iss or local_issuer(),
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_s,
        "jti": secrets.token_hex(8),
    }
    payload.update(claims)
    return jwt.encode(payload, pair.private_key, algorithm=ALGORITHM, headers={"kid": pair.kid})


def mint_admin_token(
    site_id: str, user_id: str = "admin-1", name: str = DEFAULT_ADMIN_NAME, ttl_s: int = 12 * 3600,
    site_role: str | None = "owner",
) -> str:
    """An admin token: the site's owner by default (the shop builder marks its owner account with
    ``site_role: owner``); ``site_role=None`` a staff member, whose role is the site's to give."""
    claims: dict[str, Any] = {"sub": user_id, "site_id": site_id, "role": "admin", "name": name}
    if site_role:
        claims["site_role"] = site_role
    return mint_token(
        claims,
        audience=ADMIN_AUDIENCE,
        ttl_s=ttl_s,
    )


def mint_buyer_token(
    site_id: str,
    member_id: str | None = None,
    order_id: str | None = None,
    ttl_s: int = 2 * 3600,
) -> str:
    """A buyer token: a member token (``member_id``) or a guest token scoped to one order."""
    if (member_id is None) == (order_id is None):
        raise ValueError("give exactly one of member_id (member) or order_id (guest)")
    claims: dict[str, Any] = {"site_id": site_id, "role": "buyer"}
    if member_id is not None:
        claims.update({"sub": member_id, "member_id": member_id})
    else:
        claims.update({"sub": f"guest:{order_id}", "order_id": order_id})
    return mint_token(claims, audience=BUYER_AUDIENCE, ttl_s=ttl_s)


def guest_signing_env() -> dict[str, str]:
    """Local env of the buyer function: sign guest tokens with the dev key this gateway trusts."""
    _keypair()
    return {"GUEST_TOKEN_KEY_FILE": str(key_dir() / _PRIVATE_KEY_FILE), "GUEST_TOKEN_ISSUER": local_issuer()}


# --------------------------------------------------------------------------- verification


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


def verify(
    token: str,
    audience: str | Sequence[str],
    issuer: str | Sequence[str] | None = None,
    *,
    leeway: float = 0,
) -> dict[str, Any]:
    """Verify like API Gateway's JWT authorizer; return the claims or raise :class:`TokenError`.

    Checks: ``kid`` known to the JWKS, RS256 signature, ``exp`` present and in the future,
    ``nbf``/``iat`` not in the future, ``iss`` equal to (one of) ``issuer`` (default: the local
    issuer), and at least one ``aud`` among ``audience``.
    """
    pair = _keypair()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenError("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise TokenError("unsupported signing algorithm")
    if header.get("kid") != pair.kid:
        raise TokenError("signing key not found in JWKS")
    issuers = _as_set(issuer) or {local_issuer()}
    audiences = _as_set(audience) or set()
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            pair.public_key,
            algorithms=[ALGORITHM],
            audience=sorted(audiences),
            issuer=sorted(issuers),
            leeway=leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("the token has expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise TokenError("the token is not valid yet") from exc
    except jwt.InvalidAudienceError as exc:
        raise TokenError("invalid audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise TokenError("invalid issuer") from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenError("signature verification failed") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError(f"missing claim {exc.claim}") from exc
    except jwt.PyJWTError as exc:
        raise TokenError("invalid token") from exc
    return claims


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.tokens", description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="demo-shop", help="site_id claim (default: demo-shop)")
    parser.add_argument("--user", default="admin-1", help="admin user id (sub)")
    parser.add_argument("--name", default=DEFAULT_ADMIN_NAME, help="admin display name")
    parser.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    parser.add_argument("--staff", action="store_true",
                        help="a staff member's token (the site's role for --user applies), not the owner's")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--service", action="store_true", help="print the checkout-service token")
    kind.add_argument("--buyer", action="store_true", help="mint a buyer token")
    kind.add_argument("--jwks", action="store_true", help="print the JWKS")
    parser.add_argument("--member", help="buyer member id")
    parser.add_argument("--order", help="order id for a guest buyer token")
    parser.add_argument("--decode", action="store_true", help="print the claims after the token")
    args = parser.parse_args(argv)

    if args.service:
        print(service_token())
        return 0
    if args.jwks:
        print(json.dumps(jwks(), indent=2))
        return 0
    if args.buyer:
        if bool(args.member) == bool(args.order):
            parser.error("--buyer needs exactly one of --member or --order")
        kwargs: dict[str, Any] = {"member_id": args.member, "order_id": args.order}
        if args.ttl:
            kwargs["ttl_s"] = args.ttl
        token = mint_buyer_token(args.site, **kwargs)
    else:
        token = mint_admin_token(args.site, user_id=args.user, name=args.name, ttl_s=args.ttl or 12 * 3600,
                                 site_role=None if args.staff else "owner")
    print(token)
    if args.decode:
        claims = jwt.decode(token, options={"verify_signature": False})
        print(json.dumps(claims, ensure_ascii=False, indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
