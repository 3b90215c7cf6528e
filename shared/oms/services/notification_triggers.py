"""The expander of buyer notifications (docs/domain.md, "Buyer notifications (알림톡)"): which
``notify`` intents a committed change implies. Kept apart from the deliverer
(:mod:`oms.services.notifications`) so that the relay, which runs it on every record, loads only the
rules and one settings read — not the providers, the templates and the message services.
"""

from __future__ import annotations

from oms.domain import alimtalk as rules
from oms.domain import outbox
from oms.domain.outbox import Intent
from oms.store import settings
from oms.store.outbox import Record


def expand(rec: Record) -> list[Intent]:
    """One ``notify:<trigger>`` intent per trigger the change's events signal
    (:func:`oms.domain.alimtalk.triggers_of`) that the site has switched on — one settings read per
    record that signals any, at relay time, never in the change's transaction."""
    if rec.version is None or not rec.order_id:  # a refusal's entry, a job's record: no order changed
        return []
    triggers = rules.triggers_of(rec.events)
    if not triggers:
        return []
    switches = settings.get(rec.site_id).notifications
    return [outbox.notify(t) for t in triggers if getattr(switches, t, False)]
