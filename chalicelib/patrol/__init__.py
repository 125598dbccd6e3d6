"""Patrol and smart inspection (电子巡查与智能巡检, 5.3.2)."""
