"""Canevas knowledge base: loading, cleaning, chunking and indexing documents."""
