"""EventBridge-scheduled jobs (auto-confirm, virtual-account expiry)."""
