// Placeholder replaced by the benchmark.
