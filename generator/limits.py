"""Bounds on untrusted input: lesson files (YAML) and students' answer files (JSON).

Every limit has a plain-words message; nothing a pack or an answer file holds may take more than a
few CPU-seconds to reject. The YAML limits can be raised with `casefile check --max-file-mb N` /
`--max-pack-mb N`, or for every command with the CASEFILE_MAX_FILE_MB / CASEFILE_MAX_PACK_MB
environment variables.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 2 * MB        # one YAML file
    pack_bytes: int = 50 * MB       # every YAML file of the pack together
    depth: int = 32                 # nested mappings/lists in one YAML file (lessons need about 8)
    image_bytes: int = 5 * MB       # one image under media/ (CASEFILE_MAX_IMAGE_MB)
    media_bytes: int = 100 * MB     # every image the pack uses together (CASEFILE_MAX_MEDIA_MB): each edition copies them

    @classmethod
    def from_env(cls, file_mb: float | None = None, pack_mb: float | None = None) -> "Limits":
        """Defaults, overridden by the environment, overridden by explicit values (the CLI options)."""
        def pick(given: float | None, var: str, default: int) -> int:
            if given is not None:
                return int(given * MB)
            raw = os.environ.get(var, "").strip()
            try:
                return int(float(raw) * MB) if raw and float(raw) > 0 else default
            except ValueError:
                return default
        base = cls()
        return cls(file_bytes=pick(file_mb, "CASEFILE_MAX_FILE_MB", base.file_bytes),
                   pack_bytes=pick(pack_mb, "CASEFILE_MAX_PACK_MB", base.pack_bytes),
                   image_bytes=pick(None, "CASEFILE_MAX_IMAGE_MB", base.image_bytes),
                   media_bytes=pick(None, "CASEFILE_MAX_MEDIA_MB", base.media_bytes))


def megabytes(n: int) -> str:
    """1.5 MB, 2 MB, 15 KB: sizes as a teacher reads them."""
    if n < MB // 10:
        return f"{max(1, round(n / 1024))} KB"
    mb = n / MB
    return f"{mb:.0f} MB" if mb >= 10 or mb == int(mb) else f"{mb:.1f} MB"


# ------------------------------------------------------------------ answer files (JSON)

ANSWER_JSON_DEPTH = 32  # an answer file is 4 levels deep; match pairs 5


def json_depth_exceeded(raw: str, limit: int = ANSWER_JSON_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than `limit`. Checked before json.loads, whose
    recursive decoder would otherwise raise RecursionError on a file of 100,000 `[`."""
    depth = 0
    in_str = escaped = False
    for ch in raw:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class JsonTooDeep(ValueError):
    """The JSON nests deeper than the limit given to loads_bounded."""


def loads_bounded(raw: str, limit: int = ANSWER_JSON_DEPTH) -> Any:
    """json.loads, refusing nesting deeper than `limit` with JsonTooDeep (before parsing)."""
    if raw.count("[") + raw.count("{") > limit and json_depth_exceeded(raw, limit):
        raise JsonTooDeep(f"nested more than {limit} levels deep")
    return json.loads(raw)


# Direction overrides and other invisible format characters: in a name they can make "gnp.exe"
# read as "exe.png" or hide text; a name never needs them.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs"}


def visible_name(text: str) -> str:
    """A student's name without control, format (bidi override) or private-use characters."""
    return "".join(ch if unicodedata.category(ch) not in _INVISIBLE else " " if ch in "\t\r\n" else ""
                   for ch in text)
