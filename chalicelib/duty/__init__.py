"""Duty context (6.3.1): 7x24 roster of duty officers, supervisors and the park safety head; shift handovers."""
