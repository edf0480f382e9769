"""Turning a rep's free-text visit note into a structured `VisitRecord`. Pure: no I/O, no network."""
