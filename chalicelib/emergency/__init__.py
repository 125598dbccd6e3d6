"""Emergency context (5.2, 6.4): resources, plans, incidents, impact range, command and drills."""
