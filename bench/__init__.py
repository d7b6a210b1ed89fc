"""Benchmarks: our engine against SQLite FTS5 measured in the same run (see run.py)."""
