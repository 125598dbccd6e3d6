"""Registry context (5.1.1-1): enterprises, zones, major hazard installations, sensors, cameras, gateways."""
