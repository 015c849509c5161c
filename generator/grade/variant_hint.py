"""Which path of a lesson an answer file was made on, when it is not the one being graded: the
grader then says "grade it with --variant ID" instead of only "an older version"."""

from __future__ import annotations

from .. import model
from ..checks import FULL
from ..render import content_version
from ..variants import reduce


def made_on(pack: model.Pack, lesson: model.Lesson, version: object) -> str | None:
    """The variant id (or 'full') whose exercises have this content version, other than the built one."""
    whole = lesson.whole
    paths = {FULL: whole} | {vid: reduce(whole, vid) for vid in whole.variants or {}}
    for vid, path in paths.items():
        if vid != (lesson.built_variant or FULL) and content_version(pack, path) == version:
            return vid
    return None
