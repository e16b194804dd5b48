"""Server-rendered SVG charts: geometry here, markup (autoescaped) in the templates.

No chart library and no script: the dashboard works with JavaScript off and under a strict CSP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.analytics.service import DaySentiment
from app.nlp.labels import SENTIMENTS


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (position, label) along the category axis
    max_value: int


def _nice_max(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def hbars(items: list[tuple[str, int, str]], *, label_w: int = 110, width: int = 560) -> Chart:
    """Horizontal bars: one row per (label, value, css class)."""
    row = 28
    top = max((value for _, value, _ in items), default=0)
    scale = (width - label_w - 60) / top if top else 0
    bars = [
        Bar(
            label=label,
            value=value,
            x=label_w,
            y=i * row + 4,
            width=max(value * scale, 0 if value == 0 else 2),
            height=row - 10,
            css=css,
        )
        for i, (label, value, css) in enumerate(items)
    ]
    return Chart(width=width, height=len(bars) * row + 4, bars=bars, ticks=[], max_value=top)


def intent_bars(mix: dict[str, int], labels: dict[str, str]) -> Chart:
    """One bar per intent."""
    return hbars([(labels.get(name, name), n, f"bar-intent-{name}") for name, n in mix.items()])


def backlog_bars(buckets: list[tuple[float | None, int]], label: Callable[[float], str]) -> Chart:
    """Pending drafts by age: thirds of the SLA, then overdue."""
    items = []
    last = 0.0
    for i, (bound, count) in enumerate(buckets):
        if bound is None:
            items.append((f"> {label(last)}", count, "bar-age-overdue"))
        else:
            items.append((f"≤ {label(bound)}", count, f"bar-age-{i}"))
            last = bound
    return hbars(items)


def sentiment_stacks(days: list[DaySentiment]) -> Chart:
    """Stacked columns per day: negatif at the bottom, then netral, then positif."""
    width, height, left, bottom, top_pad = 640, 220, 34, 24, 8
    plot_h = height - bottom - top_pad
    top = _nice_max(max((d.total for d in days), default=0) or 1)
    slot = (width - left) / max(len(days), 1)
    col_w = max(min(slot * 0.7, 28), 2)
    bars: list[Bar] = []
    ticks: list[tuple[float, str]] = []
    every = max(1, len(days) // 10)
    for i, day in enumerate(days):
        x = left + i * slot + (slot - col_w) / 2
        y = float(height - bottom)
        for name in reversed(SENTIMENTS):  # negatif first, at the bottom
            count = day.counts.get(name, 0)
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            bars.append(
                Bar(
                    label=f"{day.day.isoformat()} {name}",
                    value=count,
                    x=round(x, 1),
                    y=round(y, 1),
                    width=round(col_w, 1),
                    height=round(h, 1),
                    css=f"bar-sent-{name}",
                )
            )
        if i % every == 0:
            ticks.append((round(x + col_w / 2, 1), f"{day.day.day}/{day.day.month}"))
    return Chart(width=width, height=height, bars=bars, ticks=ticks, max_value=top)
