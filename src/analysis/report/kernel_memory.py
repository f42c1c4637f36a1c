"""What a warm kernel keeps between the notebooks it runs: nothing but its first warning filters.

The report's reset cell (analysis.report.kernels) imports this module inside the kernel, so
the snapshot lives in a module of our own rather than as an attribute set on `sys`.
"""

from __future__ import annotations

warning_filters: list = []  # warnings.filters as they were before the kernel's first notebook
