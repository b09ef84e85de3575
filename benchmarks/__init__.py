"""Benchmarks: not part of the installed package; run with `make bench` (docs/performance.md)."""
