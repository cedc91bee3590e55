"""Benchmarks: `python -m bench` (or `make bench`) prints the webhook load table and the NLU timings."""
