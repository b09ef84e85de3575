"""Veiviser: case management and statistics for Oppfølgingstjenesten (OT)."""

__version__ = "0.1.0"
