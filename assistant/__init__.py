"""Canevas: question answering (``qa``) and the application shell (``app``)."""
