"""Value labels beside a chart's points, moved apart (on leader lines) where points crowd."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts.style import MUTED, TEXT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.path import Path as MplPath
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

COMPACT_AFTER = 8  # beyond this many points across, value labels are small and upright
# Where a value label may go, in points from its point, tried in order: beside the point
# first, then further out on a leader line.
LABEL_SPOTS: tuple[tuple[float, float], ...] = (
    (0, 7), (0, -9), (10, 0), (-10, 0),
    (0, 24), (0, -26), (-24, 20), (24, 20), (-24, -22), (24, -22),
    (0, 42), (0, -44), (-44, 34), (44, 34), (-44, -36), (44, -36),
    (0, -64), (-64, -50), (64, -50), (0, -86), (-80, -70), (80, -70),
)  # fmt: skip
LEADER_AFTER = 12  # points: a label further than this from its point gets a leader line
LABEL_MARGIN = 6  # points a label keeps clear of markers other than its own
LEADER = {"arrowstyle": "-", "color": MUTED, "linewidth": 0.8, "shrinkA": 1, "shrinkB": 5}

Label = tuple[object, float, str, str]  # x, y, text, where ("above", "left" or "right")
PointLabel = tuple[pd.Timestamp, float, str, bool]  # x, y, text, main source first


def place_labels(ax: Axes, labels: list[Label]) -> None:
    """Write value labels beside their points, nudging apart those that would overlap."""
    offsets = {
        "above": ((0, 7), "center", "bottom"),
        "left": ((-9, 0), "right", "center"),
        "right": ((9, 0), "left", "center"),
    }
    bottom, top = ax.get_ylim()
    gap = (top - bottom) * 0.06  # about one line of label text on a 4-inch axis
    # Many points side by side: smaller labels standing upright so neighbours do not overlap.
    compact = len({str(label[0]) for label in labels}) > COMPACT_AFTER
    groups: dict[tuple[str, str], list[Label]] = {}
    for label in labels:
        groups.setdefault((str(label[0]), label[3]), []).append(label)
    for group in groups.values():
        previous = None
        for x, y, text, where in sorted(group, key=lambda g: g[1]):
            y_text = y if previous is None else max(y, previous + gap)
            previous = y_text
            xy, ha, va = offsets[where]
            ax.annotate(
                text,
                (x, y_text),
                xytext=xy,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=8 if compact else 10,
                rotation=90 if compact and where == "above" else 0,
                color=TEXT,
            )


def _obstacles(ax: Axes) -> tuple[list[tuple[float, float, float]], list[MplPath]]:
    """What a label must not cover, in display units: markers (x, y, radius), drawn lines."""
    markers, paths = [], []
    for line in ax.get_lines():
        path = line.get_transform().transform_path(line.get_path())
        if line.get_linestyle() not in ("None", "none", ""):
            paths.append(path)
        if line.get_marker() not in (None, "None", "none", ""):
            radius = line.get_markersize() / 2 * ax.figure.dpi / 72
            markers += [(x, y, radius) for x, y in path.vertices]
    return markers, paths


def _label_at(
    ax: Axes, text: str, xy: tuple[object, float], spot: tuple[float, float], **kw: object
) -> Annotation:
    # Anchored on the side facing the point, so the text grows away from it.
    dx, dy = spot
    return ax.annotate(
        text,
        xy,
        xytext=spot,
        textcoords="offset points",
        ha="center" if dx == 0 else "left" if dx > 0 else "right",
        va="center" if dy == 0 else "bottom" if dy > 0 else "top",
        fontsize=10,
        color=TEXT,
        linespacing=1.1,
        **kw,
    )


def place_point_labels(ax: Axes, labels: list[PointLabel]) -> None:
    """Write each value label in the first spot near its point that covers nothing drawn so far.

    The main source's labels go first, then the others in time order. A label keeps clear of
    other points' markers by a margin, so it cannot be read as theirs; one moved away from
    a crowded point is tied to it by a thin leader line.
    """
    from matplotlib.path import Path as MplPath
    from matplotlib.transforms import Bbox

    markers, paths = _obstacles(ax)
    margin = LABEL_MARGIN * ax.figure.dpi / 72
    frame = ax.get_window_extent()
    placed: list[Bbox] = []
    leaders: list[MplPath] = []
    for x, y, text, _ in sorted(labels, key=lambda lab: not lab[3]):  # stable: time order
        px, py = ax.transData.transform((ax.convert_xunits(x), y))
        others = [
            Bbox.from_extents(mx - r - margin, my - r - margin, mx + r + margin, my + r + margin)
            for mx, my, r in markers
            if abs(mx - px) > 0.5 or abs(my - py) > 0.5  # not this label's own point
        ]
        best = None
        for spot in LABEL_SPOTS:
            ann = _label_at(ax, text, (x, y), spot)
            box = ann.get_window_extent()
            ann.remove()
            leader = MplPath([(px, py), ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)])
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            clashes = (
                sum(box.overlaps(b) for b in others + placed)
                + sum(p.intersects_bbox(box, filled=False) for p in paths + leaders)
                + sum(leader.intersects_bbox(b, filled=False) for b in placed)
                # Outside the axes is worse than any overlap: it would clash with ticks or title.
                + (0 if inside else len(labels) + len(markers) + len(paths))
            )
            if best is None or clashes < best[0]:
                best = (clashes, spot, box, leader)
            if clashes == 0:
                break
        _, spot, box, leader = best
        far = (spot[0] ** 2 + spot[1] ** 2) ** 0.5 > LEADER_AFTER
        _label_at(ax, text, (x, y), spot, arrowprops=LEADER if far else None)
        placed.append(box)
        if far:
            leaders.append(leader)
