"""PG and virtual-account callbacks (no JWT: each callback is authenticated on its own)."""
