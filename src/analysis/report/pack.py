"""A benchmarking pack: one page per authority from notebook 05, and the progress shown."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis import config, pipeline
from analysis.errors import UsageError
from analysis.report.folders import Layout
from analysis.report.params import notebook_parameters

PACK_TITLE = "Benchmarks of English local authorities: children's social care"


PACK_INTRO = (
    "One page per authority: its published figures beside England, its region and the median "
    "of its ten statistical neighbours."
)


def slug(name: str) -> str:
    """A page's file name from an authority's name: 'Bristol, City of' -> bristol-city-of."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def any_authority_notebooks(layout: Layout, notebooks: list[Path]) -> list[Path]:
    """The notebooks that can show any authority: none of pipeline.yaml's own, an `authority`."""
    declared = pipeline.load(layout.pipeline)
    found = []
    for path in notebooks:
        stage = declared.notebook_stage(path)
        if (
            stage is not None
            and stage.authority is None
            and "authority" in notebook_parameters(path)
        ):
            found.append(path)
    return found


def pack_notebook(layout: Layout, notebooks: list[Path]) -> Path:
    """The notebook a pack runs per authority: any authority's, taking an `authority` parameter."""
    found = any_authority_notebooks(layout, notebooks)
    if len(found) != 1:
        names = ", ".join(p.stem for p in found) or "none"
        raise UsageError(
            f"a pack needs exactly one notebook that can show any authority (found: {names}); "
            "choose it with --notebook"
        )
    return found[0]


def pack_authorities(names: Sequence[str], regions: Sequence[str], dfe_dir: Any) -> list[Any]:
    """The authorities of a pack, by name: those named, 'all', and every one of each region.

    'all' and regions mean the authorities in the latest year of the DfE's table B1.
    """
    from analysis.published import areas

    known = _known(dfe_dir)
    latest_year = max(a.years[-1] for a in known.values())
    current = [a for a in known.values() if a.years[-1] == latest_year]
    chosen: dict[str, Any] = {}
    for name in names:
        if name.strip().casefold() == "all":
            chosen |= {a.code: a for a in current}
        else:
            found = areas.find(name, known)
            chosen[found.code] = found
    by_region = {a.region_name.casefold(): a.region_name for a in current}
    for region in regions:
        wanted = region.strip().casefold()
        if wanted not in by_region:
            raise UsageError(
                f"no region called {region!r}; regions: {', '.join(sorted(by_region.values()))}"
            )
        chosen |= {a.code: a for a in current if a.region_name.casefold() == wanted}
    pages_by_slug: dict[str, Any] = {}
    for authority in chosen.values():
        other = pages_by_slug.setdefault(slug(authority.name), authority)
        if other is not authority:
            raise UsageError(f"{other.name} and {authority.name} would share a page name")
    return sorted(chosen.values(), key=lambda a: (slug(a.name), a.code))


def _known(dfe_dir: Any) -> dict[str, Any]:
    """Every authority in the DfE files of dfe_dir (a notebook parameter: from the project root)."""
    from analysis.published import areas
    from analysis.published.read import DFE_DIR, read_published

    return areas.authorities(read_published(config.resolve(str(dfe_dir)) if dfe_dir else DFE_DIR))


def page_authority(name: Any, dfe_dir: Any) -> Any:
    """The authority `-p authority NAME` means, found as the page will find it.

    Checked before any kernel starts, so a misspelt name stops the run with a suggestion (exit
    status 2) rather than failing inside the notebook.
    """
    from analysis.published import areas

    return areas.find(str(name), _known(dfe_dir))


class Progress:
    """Pages done and the time left: a bar on a terminal, plain lines otherwise (cron, logs)."""

    WIDTH = 30

    def __init__(self, total: int, what: str, stream: Any = None) -> None:
        self.total, self.what, self.count = total, what, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        # Plain lines: about twenty in all, so a 153-page pack does not flood a cron mail.
        self.every = max(1, total // 20)

    def done(self, name: str) -> None:
        """One more page finished."""
        self.count += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.count * (self.total - self.count)
        eta = f"about {_duration(left)} left" if self.count < self.total else "done"
        if self.tty:
            filled = round(self.WIDTH * self.count / self.total)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            end = "\n" if self.count == self.total else ""
            text = f"\r[{bar}] {self.count}/{self.total} {self.what}, {eta}\033[K{end}"
            self.stream.write(text)
        elif self.count % self.every == 0 or self.count == self.total:
            self.stream.write(f"{self.count}/{self.total} {self.what} done ({name}), {eta}\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
