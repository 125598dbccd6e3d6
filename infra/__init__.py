"""CDK app (Python) for chempark-safety: every AWS resource, derived from chalicelib.core.catalog and the app."""
