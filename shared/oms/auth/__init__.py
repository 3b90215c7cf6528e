"""Tokens this service issues itself (guest buyers' order-scoped tokens)."""
