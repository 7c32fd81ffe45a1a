"""Benchmarks print figures; they run only when named: pytest tests/perf -s -o addopts=''."""
