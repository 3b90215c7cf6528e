"""Run the whole back end locally: DynamoDB Local, the S3 emulator, the HTTP API gateway and the
PG, SMS and 알림톡 sandboxes.

    python -m oms_local.run [--port 3000] [--no-seed]

Data in DynamoDB Local is kept in ``.local/ddb`` across runs, S3 objects in ``.local/s3``.
Ctrl-C (or SIGTERM) stops everything this command started.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from oms_local import LOCAL_DIR, REPO_ROOT, apply_local_env
from oms_local.containers import DEFAULT_CONCURRENCY

DEFAULT_TABLE = "oms-local"
DEFAULT_SITE = "demo-shop"


class StartupError(RuntimeError):
    """A clear, user-facing reason why the stack could not start."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _answers_as_dynamodb(port: int) -> bool:
    try:
        from oms_local.ddb import _client

        _client(f"http://127.0.0.1:{port}").list_tables(Limit=1)
        return True
    except Exception:
        return False


def _check_port(port: int, what: str, flag: str) -> None:
    if not port_in_use(port):
        return
    hint = f"stop whatever listens there (`lsof -i :{port}` or `ss -ltnp 'sport = :{port}'`) or pass {flag}"
    if what == "DynamoDB Local" and _answers_as_dynamodb(port):
        raise StartupError(
            f"Port {port} is taken by a DynamoDB Local that is still running (probably from a previous "
            f"`make run` that did not shut down). Stop that process, then retry; or {hint}."
        )
    raise StartupError(f"Port {port} is already in use, so {what} cannot start there: {hint}.")


def _seed(site_id: str) -> str:
    if importlib.util.find_spec("oms_local.seed") is None:
        return "skipped (no oms_local.seed module yet)"
    from oms_local import seed

    fn: Callable[[str], Any] | None = getattr(seed, "seed_demo", None)
    if fn is None:
        return "skipped (oms_local.seed has no seed_demo)"
    try:
        count = fn(site_id)
    except Exception:
        traceback.print_exc()
        return "FAILED (see the traceback above); the API is up without demo data"
    return f"{count} items written" if isinstance(count, int) else "done"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.run", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=3000, help="HTTP API port (default 3000)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ddb-port", type=int, default=8000, help="DynamoDB Local port (default 8000)")
    parser.add_argument("--s3-port", type=int, default=4566, help="S3 emulator port (default 4566)")
    parser.add_argument("--pg-port", type=int, default=3100, help="PG sandbox port (default 3100)")
    parser.add_argument("--sms-port", type=int, default=3200, help="SMS sandbox port (default 3200)")
    parser.add_argument("--webhook-port", type=int, default=3300,
                        help="webhook receiver sandbox port (default 3300)")
    parser.add_argument("--alimtalk-port", type=int, default=3400, help="알림톡 sandbox port (default 3400)")
    parser.add_argument("--tracking-port", type=int, default=3500, help="tracking sandbox port (default 3500)")
    parser.add_argument("--bank-port", type=int, default=3600, help="bank sandbox port (default 3600)")
    parser.add_argument("--naver-port", type=int, default=3700, help="Naver Commerce sandbox port (default 3700)")
    parser.add_argument("--table", default=DEFAULT_TABLE, help=f"table name (default {DEFAULT_TABLE})")
    parser.add_argument("--site", default=DEFAULT_SITE, help=f"demo site id (default {DEFAULT_SITE})")
    parser.add_argument("--no-seed", action="store_true", help="do not write the demo data")
    parser.add_argument("--template", type=Path, default=REPO_ROOT / "template.yaml")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,  # 0: in-process (debugger)
                        help=f"containers (processes) per function, like Lambda's concurrent execution "
                             f"environments (default {DEFAULT_CONCURRENCY}, env OMS_LOCAL_CONCURRENCY)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    cleanups: list[tuple[str, Callable[[], None]]] = []
    try:
        _start(args, cleanups)
    except StartupError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        _cleanup(cleanups)
        return 1
    except Exception:
        traceback.print_exc()
        _cleanup(cleanups)
        return 1
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nStopping...", flush=True)
    _cleanup(cleanups)
    return 0


def _cleanup(cleanups: list[tuple[str, Callable[[], None]]]) -> None:
    for name, fn in reversed(cleanups):
        try:
            fn()
            print(f"  stopped {name}", flush=True)
        except Exception as exc:
            print(f"  could not stop {name}: {exc}", file=sys.stderr)
    cleanups.clear()


def _report_stop(name: str, error: Exception | None) -> None:
    if error is None:
        print(f"  stopped {name}", flush=True)
    else:
        print(f"  could not stop {name}: {error}", file=sys.stderr)


def _start(args: argparse.Namespace, cleanups: list[tuple[str, Callable[[], None]]]) -> None:
    from oms_local import tokens
    from oms_local.ddb import DynamoDBLocal
    from oms_local.s3 import S3Local
    from oms_local.stack import ListenError, Stack
    from oms_local.template import create_table

    _check_port(args.ddb_port, "DynamoDB Local", "--ddb-port")
    _check_port(args.s3_port, "the S3 emulator", "--s3-port")
    _check_port(args.port, "the API gateway", "--port")
    _check_port(args.pg_port, "the PG sandbox", "--pg-port")
    _check_port(args.sms_port, "the SMS sandbox", "--sms-port")
    _check_port(args.webhook_port, "the webhook receiver sandbox", "--webhook-port")
    _check_port(args.alimtalk_port, "the 알림톡 sandbox", "--alimtalk-port")
    _check_port(args.tracking_port, "the tracking sandbox", "--tracking-port")
    _check_port(args.bank_port, "the bank sandbox", "--bank-port")
    _check_port(args.naver_port, "the Naver sandbox", "--naver-port")

    ddb_endpoint = f"http://127.0.0.1:{args.ddb_port}"
    s3_endpoint = f"http://127.0.0.1:{args.s3_port}"
    apply_local_env(ddb_endpoint=ddb_endpoint, s3_endpoint=s3_endpoint, table_name=args.table)
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

    # The template is parsed here: a broken template fails before anything starts.
    stack = Stack(template=args.template, table=args.table, s3_endpoint=s3_endpoint, host=args.host,
                  port=args.port, pg_port=args.pg_port, sms_port=args.sms_port, webhook_port=args.webhook_port,
                  alimtalk_port=args.alimtalk_port, tracking_port=args.tracking_port, bank_port=args.bank_port,
                  naver_port=args.naver_port,
                  concurrency=args.concurrency,
                  stream_checkpoints=LOCAL_DIR / "stream-checkpoints.json")
    gateway = stack.gateway

    print(f"Starting DynamoDB Local on port {args.ddb_port} (data in {LOCAL_DIR / 'ddb'})...", flush=True)
    ddb = DynamoDBLocal()
    cleanups.append(("DynamoDB Local", ddb.stop))
    ddb.start(port=args.ddb_port, db_path=LOCAL_DIR / "ddb")

    print(f"Starting the S3 emulator on port {args.s3_port} (objects in {LOCAL_DIR / 's3'})...", flush=True)
    s3 = S3Local(state_dir=LOCAL_DIR / "s3")
    cleanups.append(("S3 emulator", s3.stop))
    s3.start(port=args.s3_port)
    buckets = s3.create_buckets(gateway.bucket_names())

    created = create_table(ddb.client(), args.table)
    print(f"Table {args.table}: {'created' if created else 'already there'}", flush=True)

    seeded = "skipped (--no-seed)" if args.no_seed else _seed(args.site)

    cleanups.append(("the gateway, sandboxes and event delivery", lambda: stack.stop(_report_stop)))
    try:
        stack.start()
    except ListenError as exc:
        raise StartupError(str(exc)) from exc
    pg_sandbox, sms_sandbox, tracking_sandbox = stack.pg, stack.sms, stack.tracking
    schedules = ", ".join(stack.schedule_list) or "none"
    print("S3 events: " + (", ".join(stack.s3_subscriptions) or "none"), flush=True)
    print("SQS events: " + (", ".join(stack.sqs_mappings) or "none"), flush=True)
    print("Stream events: " + (", ".join(stack.stream_mappings) or "none"), flush=True)
    print("Event buses: " + (", ".join(stack.event_buses) or "none"), flush=True)

    admin = tokens.mint_admin_token(args.site)
    service = tokens.service_token()
    url = gateway.url
    routes = "\n".join(
        f"    {r.route_key:<32} {r.authorizer.name:<8} -> {r.function.logical_id}" for r in gateway.routes
    )
    print(
        f"""
OMS local stack is up (Ctrl-C to stop)

  Admin console      {url}/   (open it in a browser: dev sign-in, pick a site, e.g. {args.site})
  API                {url}
  Swagger UI         {url}/swagger
  DynamoDB Local     {ddb_endpoint}   (table {args.table})
  S3 emulator        {s3_endpoint}   (buckets: {", ".join(buckets) or "none"})
  Demo data          site {args.site}: {seeded}
  JWKS               {url}/.well-known/jwks.json
  PG sandbox         {pg_sandbox.url}   (Toss style /toss, PortOne style /portone, controls /_sandbox)
  SMS sandbox        {sms_sandbox.url}   (messages page /, NHN style /nhn, Solapi style /solapi, controls /_sandbox)
  Webhook receiver   {stack.webhooks.url}   (register {stack.webhooks.url}/hooks/<name> as an endpoint; page /)
  알림톡 sandbox     {stack.alimtalk.url}   (templates and messages page /, /nhn, /solapi, controls /_sandbox)
  Tracking sandbox   {tracking_sandbox.url}   (parcels page /, play a parcel: POST /_sandbox/play, controls /_sandbox)
  Bank sandbox       {stack.bank.url}   (deposits page /, add one: POST /_sandbox/deposit, controls /_sandbox)
  Naver sandbox      {stack.naver.url}   (product orders page /, place one: POST /_sandbox/orders, controls /_sandbox)
  Schedules          {schedules}   (run now: POST {url}/_local/schedules/<LogicalId>)

  Routes (up to {args.concurrency} containers per function, started on first use)
{routes}

  Admin token for {args.site} (12 h; new one: make token SITE={args.site})
    {admin}

  Service token (AWS_IAM routes, e.g. POST /intake/orders)
    {service}

  Try:
    curl -s -H "Authorization: Bearer {admin}" {url}/admin/orders
""",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
