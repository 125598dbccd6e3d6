"""Emergency resources context (5.2.1): teams, experts, equipment, supplies, vehicles, medical points, shelters."""
