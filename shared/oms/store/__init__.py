"""The single-table mapping: keys, items, queries and transactions (see docs/data-model.md)."""
