"""Canevas document generators (drafting, review, export)."""
