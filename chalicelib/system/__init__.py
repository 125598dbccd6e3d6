"""System context (6.2.1): health of the backing services, API documents, the caller's own identity."""
