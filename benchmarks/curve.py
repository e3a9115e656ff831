"""The cost curve of ``scripts/bench.py``: time and memory per operation against size (issue 18).

:func:`curve_lines` renders the Markdown (a table per quantity and the growth of each operation between
consecutive sizes, the exponent *k* of ``cost ∝ size^k`` on log-log axes: 1 is linear); :func:`curve_svg` draws
both quantities on log-log axes as one SVG file, written without a plotting library (deterministic bytes, no
dependency). Only the evkg operations are drawn: the plain stack stops at its time limit, which is no curve.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

#: (operation, label) in the order of the tables and the legend
SERIES = (
    ("evkg-build", "full build (evkg check --store)"),
    ("evkg-load", "load + index"),
    ("evkg-reopen", "reopen a built store"),
    ("evkg-reason", "reason (OWL 2 RL)"),
    ("evkg-shacl", "SHACL"),
    ("evkg-qc", "QC queries"),
    ("evkg-incremental", "re-validate one edited source"),
    ("evkg-export-turtle", "export Turtle"),
    ("evkg-export-json-ld", "export JSON-LD"),
    ("evkg-export-nt", "export N-Triples"),
    ("evkg-export-trig", "export TriG"),
    ("evkg-export-nquads", "export N-Quads"),
    ("evkg-export-xml", "export RDF/XML"),
    ("evkg-helpers", "every query helper once (sum of p50)"),
)
#: growth exponents above this are reported as faster than linear (single runs vary by ±30 %)
SUPERLINEAR = 1.15
_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#843c39",
)  # fmt: skip


def _median(results: dict[str, Any], size: str, op: str, key: str) -> float | None:
    runs = results["sizes"][size]["ops"].get(op, [])
    values = [r[key] for r in runs if r.get(key) is not None and not r.get("timeout")]
    return statistics.median(values) if values else None


def points(results: dict[str, Any], op: str, key: str) -> list[tuple[int, float]]:
    """(triples, median) of ``key`` (``seconds``, ``cpu_s``, ``maxrss_mb``) of ``op`` at each size measured."""
    out = []
    for size, entry in results["sizes"].items():
        value = _median(results, size, op, key)
        if value is not None and value > 0:
            out.append((int(entry["triples"]), value))
    return sorted(out)


def exponents(pts: list[tuple[int, float]]) -> list[float]:
    """The slope of log(cost) against log(size) between consecutive sizes."""
    return [math.log(b[1] / a[1]) / math.log(b[0] / a[0]) for a, b in zip(pts, pts[1:], strict=False)]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "MB":
        return f"{value:,.0f}"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def curve_lines(results: dict[str, Any], svg_name: str | None) -> list[str]:
    """The Markdown of the curve: wall time, CPU time and peak memory per operation and size, the exponents."""
    sizes = list(results["sizes"])
    lines = ["### Cost curve", ""]
    if svg_name:
        lines += [
            f"![time and peak memory of each evkg operation against the number of triples, log-log]({svg_name})",
            "",
        ]
    lines += [
        "Wall time / CPU time (user + system of the operation's process, start-up and reopening the store "
        "included) / peak memory (MB), medians; *k* is the exponent of cost ∝ size^k between consecutive sizes "
        f"(1 is linear; above {SUPERLINEAR} it grows faster than linearly, given the ±30 % of single runs).",
        "",
        "| operation | " + " | ".join(sizes) + " | k (time) | k (memory) |",
        "|---|" + "---:|" * len(sizes) + "---|---|",
    ]
    faster: list[str] = []
    for op, label in SERIES:
        if not any(op in results["sizes"][s]["ops"] for s in sizes):
            continue
        cells = []
        for s in sizes:
            wall, cpu, mem = (_median(results, s, op, k) for k in ("seconds", "cpu_s", "maxrss_mb"))
            cells.append(f"{_fmt(wall, 's')} / {_fmt(cpu, 's')} / {_fmt(mem, 'MB')}")
        kt = exponents(points(results, op, "seconds"))
        km = exponents(points(results, op, "maxrss_mb"))
        lines.append(
            f"| {label} | "
            + " | ".join(cells)
            + f" | {' → '.join(f'{k:.2f}' for k in kt) or '–'} | {' → '.join(f'{k:.2f}' for k in km) or '–'} |"
        )
        if kt and kt[-1] > SUPERLINEAR:
            faster.append(f"{label} (k = {kt[-1]:.2f} between the two largest sizes)")
    lines += [""]
    if faster:
        lines += [
            "Growing faster than linearly in time at the largest sizes: " + "; ".join(faster) + ". Why, and what"
            " was done: docs/decisions/0022-a-million-triples-at-the-speed-of-the-store.md.",
            "",
        ]
    else:
        lines += ["No operation grows faster than linearly in time between the two largest sizes.", ""]
    return lines


def _decades(lo: float, hi: float) -> tuple[int, int]:
    return math.floor(math.log10(lo)), max(math.ceil(math.log10(hi)), math.floor(math.log10(lo)) + 1)


def _panel(
    results: dict[str, Any], key: str, title: str, unit: str, x0: float, width: float, height: float
) -> list[str]:
    series = [(op, label, points(results, op, key)) for op, label in SERIES]
    series = [s for s in series if s[2]]
    if not series:
        return []
    xs = [p[0] for s in series for p in s[2]]
    ys = [p[1] for s in series for p in s[2]]
    xd, yd = _decades(min(xs), max(xs)), _decades(min(ys), max(ys))
    left, top, w, h = x0 + 60, 40.0, width - 80, height - 90

    def px(x: float) -> float:
        return left + (math.log10(x) - xd[0]) / (xd[1] - xd[0]) * w

    def py(y: float) -> float:
        return top + h - (math.log10(y) - yd[0]) / (yd[1] - yd[0]) * h

    out = [
        f'<text x="{left + w / 2:.1f}" y="22" text-anchor="middle" font-size="14">{title}</text>',
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" stroke="#333"/>',
    ]
    for e in range(xd[0], xd[1] + 1):
        x = px(10**e)
        out.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{top + h:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{top + h + 16:.1f}" text-anchor="middle" font-size="11">10^{e}</text>')
    for e in range(yd[0], yd[1] + 1):
        y = py(10**e)
        out.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + w:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="11">10^{e}</text>')
    # a dashed line of slope 1 (linear growth) through the lowest first point, for reference
    first = min((s[2][0] for s in series), key=lambda p: p[1])
    x_end = 10 ** xd[1]
    y_end = first[1] * x_end / first[0]
    out.append(
        f'<line x1="{px(first[0]):.1f}" y1="{py(first[1]):.1f}" x2="{px(x_end):.1f}" y2="{py(y_end):.1f}" '
        'stroke="#999" stroke-dasharray="4 4"><title>linear growth</title></line>'
    )
    for op, label, pts in series:
        colour = _COLOURS[[o for o, _ in SERIES].index(op) % len(_COLOURS)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6">'
            f"<title>{label}</title></polyline>"
        )
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{colour}"/>' for x, y in pts]
    out.append(
        f'<text x="{left + w / 2:.1f}" y="{top + h + 34:.1f}" text-anchor="middle" font-size="12">triples</text>'
    )
    out.append(
        f'<text x="{x0 + 14:.1f}" y="{top + h / 2:.1f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 {x0 + 14:.1f} {top + h / 2:.1f})">{unit}</text>'
    )
    return out


def curve_svg(results: dict[str, Any]) -> str:
    """Wall time and peak memory of every evkg operation against the number of triples, log-log, one SVG."""
    panel_w, panel_h, legend_w = 420.0, 380.0, 260.0
    body = _panel(results, "seconds", "time per operation", "seconds (wall)", 0, panel_w, panel_h)
    body += _panel(results, "maxrss_mb", "peak memory per operation", "MB (ru_maxrss)", panel_w, panel_w, panel_h)
    legend = []
    shown = [(op, label) for op, label in SERIES if points(results, op, "seconds")]
    for i, (op, label) in enumerate(shown):
        colour = _COLOURS[[o for o, _ in SERIES].index(op) % len(_COLOURS)]
        y = 50 + 18 * i
        x = 2 * panel_w + 10
        legend.append(
            f'<line x1="{x:.0f}" y1="{y - 4}" x2="{x + 22:.0f}" y2="{y - 4}" stroke="{colour}" stroke-width="2"/>'
        )
        legend.append(f'<text x="{x + 28:.0f}" y="{y}" font-size="11">{label}</text>')
    legend.append(
        f'<line x1="{2 * panel_w + 10:.0f}" y1="{50 + 18 * len(shown) - 4}" x2="{2 * panel_w + 32:.0f}" '
        f'y2="{50 + 18 * len(shown) - 4}" stroke="#999" stroke-dasharray="4 4"/>'
        f'<text x="{2 * panel_w + 38:.0f}" y="{50 + 18 * len(shown)}" font-size="11">linear growth</text>'
    )
    width, height = 2 * panel_w + legend_w, max(panel_h, 70 + 18 * len(shown))
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif">',
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
            *body,
            *legend,
            "</svg>",
            "",
        ]
    )


__all__ = ["SERIES", "SUPERLINEAR", "curve_lines", "curve_svg", "exponents", "points"]
