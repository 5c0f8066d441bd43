"""Mentor load generator and performance benchmarks: see bench/README.md."""
