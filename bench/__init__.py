"""Runnerly's benchmarks: ``python -m bench [read|upsert|memory]``; results in README.md."""
