"""The buyer "my page" API (BuyerFunction)."""
