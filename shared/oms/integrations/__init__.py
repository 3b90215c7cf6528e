"""Ports (protocols) and adapters for external systems: PG, SMS, couriers."""
