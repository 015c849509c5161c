"""'Did you mean …?' for messages: a leaf module, so loader and checks can both use it."""

from __future__ import annotations

import difflib
import typing


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
