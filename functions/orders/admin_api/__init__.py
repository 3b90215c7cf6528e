"""Admin order API (API Gateway HTTP API → Lambda)."""
