"""The relay's registries hold together: every intent a change may carry has a deliverer, every
deliverer and expander module has the functions the relay calls, and every deliverer names itself
in Korean for the timeline."""

from __future__ import annotations

import importlib

from oms.domain import outbox
from oms.services import relay


def test_every_intent_a_change_may_carry_has_a_deliverer() -> None:
    assert set(outbox.KINDS) <= set(relay.DELIVERERS), set(outbox.KINDS) - set(relay.DELIVERERS)


def test_every_deliverer_delivers_and_names_itself() -> None:
    for kind, name in relay.DELIVERERS.items():
        module = importlib.import_module(name)
        assert callable(getattr(module, "deliver", None)), f"{name} has no deliver() for {kind!r}"
        labels = getattr(module, "LABEL_KO", {})
        assert labels.get(kind), f"{name}.LABEL_KO names no {kind!r} (the timeline's failure entry needs it)"


def test_every_expander_expands_into_kinds_that_have_a_deliverer() -> None:
    implied = set(relay.DELIVERERS) - set(outbox.KINDS)
    assert implied, "the expanders imply intents (events on the bus, webhooks)"
    for name in relay.EXPANDERS:
        assert callable(getattr(importlib.import_module(name), "expand", None)), name


def test_an_intent_key_is_checked() -> None:
    import pytest

    with pytest.raises(ValueError):
        outbox.Intent("sms", "has space")
    assert outbox.sms("M1", 2).key == "sms:M1:2"
    assert outbox.job_start(3, False, None).data == {"chunks": 3, "file": False}
    assert outbox.job_start(0, True, "r1", snapshot=True).data == {"snapshot": True, "file": True,
                                                                   "correlation_id": "r1"}
