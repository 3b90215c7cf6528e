"""Benchmarks: figures are printed as ratios against a baseline measured in the same run."""
