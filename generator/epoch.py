"""The build date: SOURCE_DATE_EPOCH, or one fixed from the pack's content, so rebuilds are
byte-identical. Used by build, handouts and export; imports only the model."""

from __future__ import annotations

import datetime as dt
import os

from . import model


def content_epoch(pack: model.Pack) -> int:
    """A build date that depends only on the pack's content: its latest date (sources, checks)."""
    dates: list[dt.date] = []
    for s in pack.sources:
        dates += [d for d in (s.published, s.republished) if d]
    dates += [c.checked_as_of for c in pack.claims if c.checked_as_of]
    for lesson in pack.lessons:
        dates += [e.as_of for e in lesson.exercises if getattr(e, "as_of", None)]
    latest = max(dates) if dates else dt.date(2000, 1, 1)
    return int(dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.timezone.utc).timestamp())


def ensure_epoch(pack: model.Pack) -> str:
    """Honour SOURCE_DATE_EPOCH; without it, fix one from the content so rebuilds are identical.
    (Set for the whole process on purpose: fontTools and MkDocs' sitemap read it from there.)"""
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(content_epoch(pack)))
    return os.environ["SOURCE_DATE_EPOCH"]
