"""Graph API versions Meta supports and when each stops working.

From Meta's "Available Graph API Versions" table (developers.facebook.com/docs/graph-api/changelog,
read December 2026): each version is available for about two years after the next one ships.
A version whose end date Meta has not announced yet maps to None.
"""

from __future__ import annotations

from datetime import date, timedelta

GRAPH_VERSION_ENDS: dict[str, date | None] = {
    "v26.0": None,  # released 2026-07-29, end not announced
    "v25.0": date(2028, 7, 29),
    "v24.0": date(2028, 2, 18),
    "v23.0": date(2027, 10, 8),
    "v22.0": date(2027, 5, 20),
    "v21.0": date(2027, 1, 21),
    "v20.0": date(2026, 9, 24),
    "v19.0": date(2026, 5, 21),
    "v18.0": date(2026, 1, 26),
}

# Warn this long before a configured version stops working.
WARN_BEFORE = timedelta(days=60)


def version_warning(version: str, *, today: date) -> str | None:
    """A sentence for the admin when `version` is unknown, ended or ends within 60 days."""
    if version not in GRAPH_VERSION_ENDS:
        return f"Graph API version {version!r} is not one Tanggap knows Meta supports."
    end = GRAPH_VERSION_ENDS[version]
    if end is None:
        return None
    if end <= today:
        return f"Graph API version {version} stopped working on {end.isoformat()}."
    if end - today <= WARN_BEFORE:
        return f"Graph API version {version} stops working on {end.isoformat()}; upgrade it."
    return None
