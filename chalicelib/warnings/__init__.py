"""Warnings context (6.3.2, 6.3.3, 5.1.1-4): verification, grading, publication and tracking to closure."""
