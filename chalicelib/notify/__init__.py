"""Notification context (5.1.1-2, 5.2.3-3): channel ports and adapters, SMS log, alarm-flood digests."""
