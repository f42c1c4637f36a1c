"""nbval's settings for the committed notebooks: one check that catches changed charts too.

nbval leaves PNG images out of its comparison unless asked (its documented `skip_compare`
attribute of each notebook's collector); our charts are drawn byte for byte the same from the
same inputs, so they are compared like text. The kernel gets the environment the report's
kernels get, so that its outputs do not depend on the clock or the machine.
"""

from __future__ import annotations

import os

import pytest

from analysis.report.execution import kernel_env

CHARTS = ("image/png",)


def pytest_configure(config: pytest.Config) -> None:
    """Give nbval's kernels the report kernels' environment (they inherit this process's)."""
    os.environ.update(kernel_env())


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Compare a notebook's PNG outputs too, as nbval does its text."""
    if hasattr(collector, "skip_compare"):
        collector.skip_compare = tuple(k for k in collector.skip_compare if k not in CHARTS)
