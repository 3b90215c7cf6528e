"""Deployment helpers: SSM parameters before the first deploy, smoke checks after each (docs/deploy.md)."""
