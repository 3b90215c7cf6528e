"""Size limits an order keeps so that any change of it is one bounded transaction (docs/data-model.md),
and the orders one bulk request may name: plain numbers, apart from the modules that enforce them, so
that the request models read them without importing the order aggregate."""

from __future__ import annotations

MAX_INTAKE_LINES = 500  # lines at checkout
MAX_LINES = 1000  # lines an order may reach through splits and exchange replacements
#: the orders one bulk request names (the list's selection); a whole search or tab is a job instead
MAX_BULK_ORDERS = 50
