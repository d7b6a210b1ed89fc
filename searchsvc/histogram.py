"""The clickable date histogram: month bars, or year bars for long spans.

Built on the server from the month facet, so it works without JavaScript:
every bar is a link that sets the date filter to its period. Heights are
levels 0–10 (CSS classes ``h0``…``h10``; the page's CSP forbids inline
styles). When the matches span more than ``MAX_MONTH_YEARS`` years, a bar
per month would be a hair's width, so the bars are years; picking a year
then shows its months.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass

MAX_MONTH_YEARS = 3
LEVELS = 10


@dataclass(frozen=True)
class Bar:
    key: str  # "2025-11" or "2025"
    first: str  # first day, YYYY-MM-DD
    last: str  # last day, YYYY-MM-DD
    count: int
    level: int  # 0..LEVELS
    active: bool  # inside the current date filter


@dataclass(frozen=True)
class Histogram:
    unit: str  # "month" or "year"
    bars: list[Bar]


def _level(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return max(1, round(LEVELS * count / peak))


def _month_last(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def build(months: list[dict[str, object]], date_from: str | None, date_to: str | None) -> Histogram | None:
    """Bars for the month facet (``[{"value": "YYYY-MM", "count": n}]``).

    Without a date filter the bars cover the span of the matches; with one,
    they cover the whole filtered years (so the neighbours of a picked
    month stay in view). Months or years without matches are bars of height 0.
    """
    counts = {str(m["value"]): int(m["count"]) for m in months if int(m["count"]) > 0}  # type: ignore[call-overload]
    if not counts:
        return None
    years = sorted({int(k[:4]) for k in counts})
    lo_year = max(int(date_from[:4]) if date_from else years[0], years[0])
    hi_year = min(int(date_to[:4]) if date_to else years[-1], years[-1])
    if hi_year < lo_year:
        return None
    lo_day, hi_day = date_from or "0000-00-00", date_to or "9999-99-99"
    if hi_year - lo_year + 1 <= MAX_MONTH_YEARS:
        keys = [f"{y:04d}-{m:02d}" for y in range(lo_year, hi_year + 1) for m in range(1, 13)]
        peak = max((counts.get(k, 0) for k in keys), default=0)
        bars = []
        for k in keys:
            y, m = int(k[:4]), int(k[5:])
            first, last = f"{k}-01", _month_last(y, m)
            active = bool(date_from or date_to) and first <= hi_day and last >= lo_day
            bars.append(Bar(k, first, last, counts.get(k, 0), _level(counts.get(k, 0), peak), active))
        return Histogram("month", bars if date_from or date_to else _trim(bars))
    per_year: Counter[str] = Counter()
    for k, n in counts.items():
        per_year[k[:4]] += n
    peak = max(per_year.values())
    bars = []
    for y in range(lo_year, hi_year + 1):
        key = f"{y:04d}"
        first, last = f"{key}-01-01", f"{key}-12-31"
        active = bool(date_from or date_to) and first <= hi_day and last >= lo_day
        bars.append(Bar(key, first, last, per_year.get(key, 0), _level(per_year.get(key, 0), peak), active))
    return Histogram("year", bars)


def _trim(bars: list[Bar]) -> list[Bar]:
    """Drop empty months before the first and after the last non-empty one."""
    keep = [i for i, b in enumerate(bars) if b.count]
    return bars[keep[0] : keep[-1] + 1] if keep else bars
