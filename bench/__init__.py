"""Benchmarks: figures written to bench/results/, always as ratios against a floor measured in the same run."""
