"""The stack's SSM parameters (secrets): which names the template gives them, and putting them.

A deployed stack reads its secrets from SSM Parameter Store by the names ``template.yaml`` builds
from its parameters (``PgParameterPath``, ``SmsParameterPath``, ``AlimtalkParameterPath``,
``TrackingParameterPath``, ``BankFeedParameterPath``, ``CursorKeyParameter``,
``GuestTokenKeyParameter``); the functions get only the names (``<NAME>_PARAM``).
:func:`bootstrap` puts every one of them as a SecureString, given the values: the local stack
calls it at start with the sandboxes' dev values (:func:`local_values`) against moto's SSM, a deploy would call it with
the real ones (``python -m oms_local.parameters --endpoint-url ...`` reads them from a JSON file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oms_local.intrinsics import Intrinsics

#: setting -> (template parameter, the parameter name relative to it; "" for the parameter itself)
SETTINGS: dict[str, tuple[str, str]] = {
    "TOSS_SECRET_KEY": ("PgParameterPath", "/toss/secret-key"),
    "PORTONE_API_SECRET": ("PgParameterPath", "/portone/api-secret"),
    "PORTONE_WEBHOOK_SECRET": ("PgParameterPath", "/portone/webhook-secret"),
    "PORTONE_STORE_ID": ("PgParameterPath", "/portone/store-id"),
    "NHN_SMS_APP_KEY": ("SmsParameterPath", "/nhn/app-key"),
    "NHN_SMS_SECRET_KEY": ("SmsParameterPath", "/nhn/secret-key"),
    "SOLAPI_API_KEY": ("SmsParameterPath", "/solapi/api-key"),
    "SOLAPI_API_SECRET": ("SmsParameterPath", "/solapi/api-secret"),
    "NHN_ALIMTALK_APP_KEY": ("AlimtalkParameterPath", "/nhn/app-key"),
    "NHN_ALIMTALK_SECRET_KEY": ("AlimtalkParameterPath", "/nhn/secret-key"),
    "TRACKER_DELIVERY_CLIENT_ID": ("TrackingParameterPath", "/trackerdelivery/client-id"),
    "TRACKER_DELIVERY_CLIENT_SECRET": ("TrackingParameterPath", "/trackerdelivery/client-secret"),
    "TRACKER_DELIVERY_WEBHOOK_SECRET": ("TrackingParameterPath", "/trackerdelivery/webhook-secret"),
    "SWEETTRACKER_API_KEY": ("TrackingParameterPath", "/sweettracker/api-key"),
    "SWEETTRACKER_WEBHOOK_SECRET": ("TrackingParameterPath", "/sweettracker/webhook-secret"),
    "BANKDA_API_TOKEN": ("BankFeedParameterPath", "/bankda/api-token"),
    "POPBILL_API_KEY": ("BankFeedParameterPath", "/popbill/api-key"),
    "CURSOR_KEY": ("CursorKeyParameter", ""),
    "GUEST_TOKEN_KEY": ("GuestTokenKeyParameter", ""),
}


def parameter_names(resolver: Intrinsics) -> dict[str, str]:
    """setting -> its SSM parameter name, from the template's parameters (and their overrides)."""
    return {setting: f"{str(resolver.parameter(param)).rstrip('/') if suffix else resolver.parameter(param)}{suffix}"
            for setting, (param, suffix) in SETTINGS.items()}


def local_values() -> dict[str, str]:
    """The local stack's values: the PG, SMS and 알림톡 sandboxes' dev credentials, dev cursor and guest keys."""
    from oms.store.cursors import DEV_CURSOR_KEY
    from oms_local import alimtalk_sandbox, bank_sandbox, pg_sandbox, sms_sandbox, tokens, tracking_sandbox
    from oms_local.pg_sandbox_payment import DEV_PORTONE_STORE_ID

    tokens.guest_signing_env()  # creates the dev key pair if needed
    return {
        "TOSS_SECRET_KEY": pg_sandbox.DEV_TOSS_SECRET_KEY,
        "PORTONE_API_SECRET": pg_sandbox.DEV_PORTONE_API_SECRET,
        "PORTONE_WEBHOOK_SECRET": pg_sandbox.DEV_PORTONE_WEBHOOK_SECRET,
        "PORTONE_STORE_ID": DEV_PORTONE_STORE_ID,
        "NHN_SMS_APP_KEY": sms_sandbox.DEV_NHN_APP_KEY,
        "NHN_SMS_SECRET_KEY": sms_sandbox.DEV_NHN_SECRET_KEY,
        "SOLAPI_API_KEY": sms_sandbox.DEV_SOLAPI_API_KEY,
        "SOLAPI_API_SECRET": sms_sandbox.DEV_SOLAPI_API_SECRET,
        "NHN_ALIMTALK_APP_KEY": alimtalk_sandbox.DEV_NHN_APP_KEY,
        "NHN_ALIMTALK_SECRET_KEY": alimtalk_sandbox.DEV_NHN_SECRET_KEY,
        "TRACKER_DELIVERY_CLIENT_ID": tracking_sandbox.DEV_TRACKER_CLIENT_ID,
        "TRACKER_DELIVERY_CLIENT_SECRET": tracking_sandbox.DEV_TRACKER_CLIENT_SECRET,
        "TRACKER_DELIVERY_WEBHOOK_SECRET": tracking_sandbox.DEV_TRACKER_WEBHOOK_SECRET,
        "SWEETTRACKER_API_KEY": tracking_sandbox.DEV_SWEET_API_KEY,
        "SWEETTRACKER_WEBHOOK_SECRET": tracking_sandbox.DEV_SWEET_WEBHOOK_SECRET,
        "BANKDA_API_TOKEN": bank_sandbox.DEV_BANKDA_TOKEN,
        "POPBILL_API_KEY": bank_sandbox.DEV_POPBILL_KEY,
        "CURSOR_KEY": DEV_CURSOR_KEY,
        "GUEST_TOKEN_KEY": Path(tokens.guest_signing_env()["GUEST_TOKEN_KEY_FILE"]).read_text(encoding="utf-8"),
    }


def bootstrap(ssm: Any, resolver: Intrinsics, values: Mapping[str, str]) -> dict[str, str]:
    """Put every parameter the stack needs (SecureString, overwritten); returns name -> setting.

    A setting without a value is an error: a stack missing one of its secrets must not start.
    """
    names = parameter_names(resolver)
    missing = sorted(set(names) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    for setting, name in names.items():
        ssm.put_parameter(Name=name, Value=values[setting], Type="SecureString", Overwrite=True)
    return {name: setting for setting, name in names.items()}


def ssm_client(endpoint: str) -> Any:
    import boto3

    from oms_local import LOCAL_ENV

    return boto3.client("ssm", endpoint_url=endpoint, region_name=LOCAL_ENV["AWS_REGION"],
                        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"])


def bootstrap_local(endpoint: str, template: Mapping[str, Any], parameters: Mapping[str, str] | None = None) -> None:
    """The local stack's parameters in the SSM emulator at ``endpoint``."""
    bootstrap(ssm_client(endpoint), Intrinsics(dict(template), "-", dict(parameters or {})), local_values())


def main(argv: list[str] | None = None) -> int:
    import boto3

    from oms_local.template import TEMPLATE_PATH, load_template

    parser = argparse.ArgumentParser(prog="python -m oms_local.parameters", description=__doc__.split("\n")[0])
    parser.add_argument("values", type=Path, help="JSON file: setting -> value (e.g. TOSS_SECRET_KEY)")
    parser.add_argument("--parameter", action="append", default=[], help="Template parameter override Name=Value")
    parser.add_argument("--endpoint-url", default=None)
    args = parser.parse_args(argv)
    overrides = dict(p.split("=", 1) for p in args.parameter)
    resolver = Intrinsics(load_template(TEMPLATE_PATH), "-", overrides)
    client = boto3.client("ssm", endpoint_url=args.endpoint_url)
    for name in bootstrap(client, resolver, json.loads(args.values.read_text(encoding="utf-8"))):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
