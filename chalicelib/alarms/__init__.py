"""Alarms context (5.1.1-2, ISA-18.2): tag state, alarm lifecycle, notification, linkage context, KPIs."""
