"""Canevas assistant: settings, composition root, search services and CLI."""
