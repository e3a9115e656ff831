"""Small pictures for the HTML pages, as inline SVG: an entity's neighbourhood, and a timeline.

- :func:`neighbourhood`: the entity in the middle, what it links to on the right and what links to
  it on the left, each arrow labelled with the property. Drawn by Graphviz ``dot -Tsvg`` when the
  ``dot`` program is installed (Debian package ``graphviz``), otherwise by :func:`layout_columns`,
  a pure-Python three-column layout, so that the page never depends on graphviz being there.
- :func:`timeline`: the editions and language versions of a guidance document or guideline series
  on a year axis, with an arrow from each original to its translation.

Every text that comes from the graph is escaped (XML for the SVG, DOT string rules for ``dot``);
nodes link to the local page of the resource.

>>> svg = layout_columns(SvgNode("a", "JSRM", "en", "/id/organization/jsrm", "center"), [], [])
>>> svg.startswith("<svg") and "JSRM" in svg
True
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rich.cells import get_character_cell_size

from evkg.docs import dot
from evkg.docs.dot import DiagramError
from evkg.wording import wrap

log = logging.getLogger(__name__)

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"
DOT_FONT = "Noto Sans CJK JP"
DOT_TIMEOUT = 10.0
MAX_LABEL = 34

#: Fill colours by kind of node (ColorBrewer Pastel1: readable for colour-blind readers).
COLOURS = {
    "center": "#fde0c5",
    "organization": "#d9f0d3",
    "agreement": "#fde0c5",
    "term": "#e7d4e8",
    "document": "#dbe9f6",
    "publication": "#dbe9f6",
    "graph": "#f0f0f0",
    "other": "#f4f4f4",
}
STROKE = "#6b7a90"


@dataclass(frozen=True)
class SvgNode:
    """A node: a key unique in the picture, its label (and language), link and kind (colour)."""

    key: str
    label: str
    lang: str
    href: str | None
    kind: str = "other"


@dataclass(frozen=True)
class SvgEdge:
    """An arrow from ``source`` to ``target`` (node keys), labelled with the property."""

    source: str
    target: str
    label: str


def text_width(text: str, size: float = 12.0) -> float:
    """Approximate rendered width of ``text`` in px (wide East Asian characters count 1 em)."""
    em = 0.0
    for ch in text:
        em += 1.0 if _width(ch) == 2 else 0.58
    return em * size


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` on one line, cut to about ``limit`` half-width characters with an ellipsis."""
    text = " ".join(text.split())
    out: list[str] = []
    width = 0.0
    for ch in text:
        w = _width(ch)
        if width + w > limit:
            return "".join(out).rstrip() + "…"
        out.append(ch)
        width += w
    return "".join(out)


def _width(ch: str) -> float:
    """Columns of one character: 2 for wide East Asian ones (rich's cell width, as the CLI's tables)."""
    return float(get_character_cell_size(ch) or 1)


# --- graphviz ---------------------------------------------------------------------------------------
def dot_program() -> str | None:
    """Path of Graphviz's ``dot``, or None when it is not installed (:func:`evkg.docs.dot.program`)."""
    return dot.program()


def dot_string(text: str) -> str:
    """``text`` on one line as a DOT double-quoted string (:func:`evkg.docs.dot.quote`).

    >>> dot_string('say "hi" \\\\N')
    '"say \\\\"hi\\\\" \\\\\\\\N"'
    """
    return dot.quote(" ".join(text.split()))


def neighbourhood_dot(center: SvgNode, nodes: Sequence[SvgNode], edges: Sequence[SvgEdge]) -> str:
    """The DOT source of a neighbourhood picture (deterministic)."""
    lines = [
        "digraph neighbourhood {",
        f'  graph [rankdir=LR, bgcolor="transparent", pad="0.15", nodesep="0.18", ranksep="0.7", '
        f"fontname={dot_string(DOT_FONT)}];",
        f'  node [shape=box, style="rounded,filled", color="{STROKE}", penwidth=0.8, '
        f'fontname={dot_string(DOT_FONT)}, fontsize=11, margin="0.12,0.05", height=0.3];',
        f'  edge [color="#8a94a6", arrowsize=0.6, fontname={dot_string(DOT_FONT)}, fontsize=9, fontcolor="#4a5568"];',
    ]
    for node in [center, *nodes]:
        attrs = [
            f"label={dot_lines(wrap(node.label, 40 if node is center else MAX_LABEL))}",
            f"tooltip={dot_string(node.label)}",
            f'fillcolor="{COLOURS["center"] if node is center else COLOURS.get(node.kind, COLOURS["other"])}"',
        ]
        if node is center:
            attrs.append("penwidth=1.6")
        if node.href:
            attrs += [f"href={dot_string(node.href)}", 'target="_top"']
        lines.append(f"  {dot_string(node.key)} [{', '.join(attrs)}];")
    for edge in edges:
        lines.append(
            f"  {dot_string(edge.source)} -> {dot_string(edge.target)} [label={dot_lines(wrap(edge.label, 24))}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_lines(lines: Sequence[str]) -> str:
    """Lines as one DOT string, each centred on its own line (``\\n``)."""
    return "\\n".join(dot_string(line)[1:-1] for line in lines).join('""')


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SIZE = re.compile(r'<svg width="[^"]*" height="[^"]*"')


def render_dot(source: str, label: str) -> str | None:
    """Run ``dot -Tsvg`` on ``source``; the inline ``<svg>`` element, or None if dot is missing or fails."""
    if dot_program() is None:
        return None
    try:
        output, _ = dot.render(source, "svg", DOT_TIMEOUT)
    except DiagramError as exc:
        log.warning("%s: drawing the neighbourhood without graphviz", exc)
        return None
    svg = output.decode("utf-8")
    svg = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    opening = f'<svg class="evkg-graph" role="img" aria-label={quoteattr(label)}'
    svg = _SIZE.sub(lambda _: opening, svg, count=1)
    return svg.strip()


# --- pure Python: three columns ----------------------------------------------------------------------------
LINE = 15.0  # px between the lines of a wrapped label


def _tspans(lines: Sequence[str], x: float, first_y: float) -> str:
    return "".join(
        f'<tspan x="{x:.1f}" y="{first_y + i * LINE:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )


def _box(x: float, y: float, w: float, h: float, node: SvgNode, fill: str, bold: bool = False) -> str:
    lines = wrap(node.label, MAX_LABEL)
    lang = f" xml:lang={quoteattr(node.lang)}" if node.lang else ""
    weight = ' font-weight="600"' if bold else ""
    first = y + h / 2 + 4 - (len(lines) - 1) * LINE / 2
    shape = (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" fill="{fill}" '
        f'stroke="{STROKE}" stroke-width="{1.6 if bold else 0.8}"/>'
        f'<text text-anchor="middle" font-size="12"{weight}{lang}>{_tspans(lines, x + w / 2, first)}</text>'
    )
    title = f"<title>{escape(node.label)}</title>"
    if node.href:
        return f"<a href={quoteattr(node.href)}>{title}{shape}</a>"
    return f"<g>{title}{shape}</g>"


def layout_columns(
    center: SvgNode, outgoing: Sequence[tuple[str, SvgNode]], incoming: Sequence[tuple[str, SvgNode]]
) -> str:
    """The neighbourhood without graphviz: incoming on the left, the entity, outgoing on the right.

    ``outgoing`` and ``incoming`` are ``(property label, node)`` pairs.
    """
    nodes = [center, *(n for _, n in outgoing), *(n for _, n in incoming)]
    most = max(len(wrap(n.label, MAX_LABEL)) for n in nodes)  # every box as tall as the tallest wrapped label
    box_h = 22.0 + (most - 1) * LINE
    row, gap = box_h + 8 + 12, 150.0  # room for the property label above each box

    def width(node: SvgNode) -> float:
        return max(text_width(line) for line in wrap(node.label, MAX_LABEL)) + 20

    left_w = max((width(n) for _, n in incoming), default=0.0)
    right_w = max((width(n) for _, n in outgoing), default=0.0)
    center_w = width(center)
    rows = max(len(outgoing), len(incoming), 1)
    height = rows * row + 20
    x_left = 10.0
    x_center = x_left + (left_w + gap if incoming else 0)
    x_right = x_center + center_w + gap
    total_w = x_right + right_w + 10 if outgoing else x_center + center_w + 10
    cy = height / 2
    parts = [
        f'<svg class="evkg-graph" role="img" aria-label={quoteattr(center.label)} xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {total_w:.0f} {height:.0f}" font-family={quoteattr(FONT)}>',
        '<defs><marker id="evkg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#8a94a6"/></marker></defs>',
    ]

    def column(items: Sequence[tuple[str, SvgNode]], x: float, w: float, right: bool) -> None:
        top = cy - len(items) * row / 2
        for i, (label, node) in enumerate(items):
            y = top + i * row + (row - box_h) / 2
            ny = y + box_h / 2
            if right:
                x1, x2 = x_center + center_w, x
            else:
                x1, x2 = x + w, x_center
            parts.append(
                f'<line x1="{x1:.1f}" y1="{cy:.1f}" x2="{x2:.1f}" y2="{ny:.1f}" stroke="#8a94a6" '
                'stroke-width="0.9" marker-end="url(#evkg-arrow)"/>'
            )
            lx = x - 6 if right else x + w + 6
            anchor = "end" if right else "start"
            parts.append(
                f'<text x="{lx:.1f}" y="{y - 3:.1f}" text-anchor="{anchor}" font-size="9.5" fill="#4a5568">'
                f"{escape(label)}</text>"
            )
            parts.append(_box(x, y, w, box_h, node, COLOURS.get(node.kind, COLOURS["other"])))

    column(outgoing, x_right, right_w, True)
    column(incoming, x_left, left_w, False)
    parts.append(_box(x_center, cy - box_h / 2 - 3, center_w, box_h + 6, center, COLOURS["center"], bold=True))
    parts.append("</svg>")
    return "".join(parts)


def neighbourhood(
    center: SvgNode,
    outgoing: Sequence[tuple[str, SvgNode]],
    incoming: Sequence[tuple[str, SvgNode]],
    *,
    engine: str = "auto",
) -> str:
    """The neighbourhood picture: graphviz if ``engine`` is ``auto``/``dot`` and dot works, else Python."""
    if engine in ("auto", "dot") and (outgoing or incoming):
        nodes: dict[str, SvgNode] = {}
        edges: list[SvgEdge] = []
        for label, node in outgoing:
            nodes.setdefault(node.key, node)
            edges.append(SvgEdge(center.key, node.key, label))
        for label, node in incoming:
            nodes.setdefault(node.key, node)
            edges.append(SvgEdge(node.key, center.key, label))
        svg = render_dot(neighbourhood_dot(center, list(nodes.values()), edges), center.label)
        if svg is not None:
            return svg
    return layout_columns(center, outgoing, incoming)


# --- timeline -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineItem:
    """One dated thing on the timeline: which track (row) it sits on, its date and its label."""

    key: str
    track: str
    date: str  # xsd:gYear, xsd:gYearMonth or xsd:date lexical form
    label: str
    lang: str
    href: str | None
    highlight: bool = False


def year_of(date: str) -> float | None:
    """``2021-03`` -> 2021.17 (the start of the month); ``2014`` -> 2014.0; unreadable: None.

    >>> year_of("2021-03"), year_of("2014"), year_of("2025-07-20") is not None, year_of("x")
    (2021.1667, 2014.0, True, None)
    """
    m = re.match(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2) or 1)
    day = int(m.group(3) or 1)
    return round(year + (month - 1) / 12 + (day - 1) / 365, 4)


def timeline(
    items: Sequence[TimelineItem],
    links: Sequence[tuple[str, str]],
    *,
    title: str,
    tracks: Sequence[tuple[str, str, str]] = (),
) -> str | None:
    """A timeline: one row per track (``tracks`` = ``(key, label, lang)`` in order), items placed by date,
    and an arrow for each ``(from key, to key)`` link (original -> translation). None if nothing is dated."""
    dated = [(y, i) for y, i in ((year_of(i.date), i) for i in items) if y is not None]
    if not dated:
        return None
    track_keys = [t[0] for t in tracks] or sorted({i.track for _, i in dated})
    track_labels = {t[0]: (t[1], t[2]) for t in tracks}
    for _, i in dated:
        if i.track not in track_keys:
            track_keys.append(i.track)
    lo = int(min(y for y, _ in dated)) - 1
    hi = int(max(y for y, _ in dated)) + 2
    label_w = max((text_width(track_labels.get(k, (k, ""))[0], 11) for k in track_keys), default=60) + 24
    width, row, top = 820.0, 64.0, 34.0
    x0, x1 = label_w, width - 20

    def x_of(year: float) -> float:
        return x0 + (year - lo) / (hi - lo) * (x1 - x0)

    height = top + row * len(track_keys) + 16
    parts = [
        f'<svg class="evkg-timeline" role="img" aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family={quoteattr(FONT)}>',
        '<defs><marker id="evkg-tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#b5651d"/></marker></defs>',
    ]
    step = 1 if hi - lo <= 14 else 2 if hi - lo <= 28 else 5
    for tick in range(lo, hi + 1):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 8:.1f}" x2="{x:.1f}" y2="{height - 10:.1f}" stroke="#e3e7ee"/>')
        if (tick - lo) % step == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{top - 14:.1f}" text-anchor="middle" font-size="10.5" fill="#556">{tick}</text>'
            )
    positions: dict[str, tuple[float, float]] = {}
    for t, key in enumerate(track_keys):
        y = top + row * t + row / 2
        label, lang = track_labels.get(key, (key, ""))
        lang_attr = f" xml:lang={quoteattr(lang)}" if lang else ""
        parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#c9d1dc" stroke-width="2"/>')
        parts.append(
            f'<text x="{x0 - 10:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="11" font-weight="600" '
            f'fill="#334"{lang_attr}>{escape(label)}</text>'
        )
        on_track = sorted((yy, i) for yy, i in dated if i.track == key)
        for n, (year, item) in enumerate(on_track):
            x = x_of(year)
            positions[item.key] = (x, y)
            below = (n % 2 == 1) != (t > 0)  # first row: labels above first; later rows: below first
            ty = y + 20 if below else y - 11
            lang_attr = f" xml:lang={quoteattr(item.lang)}" if item.lang else ""
            fill = "#b5651d" if item.highlight else "#2f6db5"
            words = item.label if item.date[:4] in item.label else f"{item.label} · {item.date}"
            lines = wrap(words, 30)
            caption = _tspans(lines, x, ty if below else ty - (len(lines) - 1) * 12.5)
            dot = (
                f"<title>{escape(item.label)} ({escape(item.date)})</title>"
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
                f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10.5" fill="#223"{lang_attr}>'
                f"{caption}</text>"
            )
            parts.append(f"<a href={quoteattr(item.href)}>{dot}</a>" if item.href else f"<g>{dot}</g>")
    for source, target in links:
        if source in positions and target in positions:
            (sx, sy), (tx, ty) = positions[source], positions[target]
            mid_x, mid_y = (sx + tx) / 2, min(sy, ty) + abs(ty - sy) / 2
            parts.append(
                f'<path d="M {sx:.1f} {sy + 6:.1f} Q {mid_x:.1f} {mid_y + 18:.1f} {tx - 4:.1f} {ty - 6:.1f}" '
                'fill="none" stroke="#b5651d" stroke-width="1.2" stroke-dasharray="4 3" '
                'marker-end="url(#evkg-tl-arrow)"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["SvgNode", "TimelineItem", "layout_columns", "neighbourhood", "shorten", "text_width", "timeline"]
