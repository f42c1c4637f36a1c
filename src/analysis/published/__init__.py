"""Published statistics: the DfE's EES tables for every English authority, and benchmarks."""
