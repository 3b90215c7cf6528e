"""Request and response models (pydantic): the API contract, shared by handlers and services."""
