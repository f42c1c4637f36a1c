"""The default report, for the tests that check built pages, on a fresh clone too.

reports/ when `make report` has built it (or ANALYSIS_REPORTS_DIR names a report built
elsewhere); otherwise the report is built once, here, into a temporary folder, with the
pipeline's stages run first as `analysis report` runs them. `pytest` alone then needs nothing
built beforehand.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

from analysis import config


def report_folder() -> Path:
    """A folder holding the default report: index.html and a page per notebook."""
    given = os.environ.get(config.REPORTS_ENV)
    if given:
        return Path(given)
    if (config.REPORTS / "index.html").is_file():
        return config.REPORTS
    return _built_here()


@functools.cache
def _built_here() -> Path:
    from analysis.report import folders, runner

    workspace = Path(tempfile.mkdtemp(prefix="analysis-tests-report-"))
    atexit.register(shutil.rmtree, workspace, ignore_errors=True)
    layout = folders.Layout(out=workspace / "reports", notebooks_dir=config.NOTEBOOKS)
    notebooks = sorted(config.NOTEBOOKS.glob("*.ipynb"))
    if runner.build(layout, notebooks, {}, clean=True) != 0:
        raise RuntimeError(f"the default report could not be built (log: {layout.log})")
    return layout.out
