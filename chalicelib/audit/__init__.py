"""Audit context (5.4.1-3, 5.5.3-3): append-only, hash-chained record of every write and sensitive read."""
