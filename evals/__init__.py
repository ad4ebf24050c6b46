"""Canevas evaluation: datasets, metrics and benchmarks."""
