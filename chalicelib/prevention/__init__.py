"""Dual prevention (双重预防, 5.1.2-1): risk analysis units, events, control measures, check tasks and records."""
