"""The layers import one way: the import-linter contracts in pyproject.toml hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analysis import config


def test_the_layer_contracts_are_kept():
    # lint-imports is installed beside this python (the same environment as the package).
    command = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(command), "--config", str(config.ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=config.ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout
