"""The building blocks of the model, shared by model.py and the exercise kinds (generator/kinds/).

Fields that hold answers, keys or teacher notes are declared with `teacher()`; `edition.py` alone
decides what each audience sees. This module imports nothing from the package.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
ParaId = Annotated[str, StringConstraints(pattern=r"^p[1-9][0-9]*$")]
# A paragraph of the lesson's source (`p3`) or of another source of the pack (`coverage:p3`).
ParaRef = Annotated[str, StringConstraints(pattern=r"^(?:[a-z0-9][a-z0-9_-]*:)?p[1-9][0-9]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
PartialDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]

COR_LEVELS = ["Proficient", "Emergent", "Basic"]


def teacher(default: Any = None, description: str = "", **kw: Any) -> Any:
    """A field only the teacher edition may show (see edition.py)."""
    return Field(
        default=default,
        description=(description + " (teacher edition only)").strip(),
        json_schema_extra={"teacher_only": True},
        **kw,
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Provenance(Strict):
    """Where an image comes from: who made or published it, where it was found, when."""

    by: Text = Field(description="Who took, made or published the image (as credited).")
    found: Text = Field(description="Where it was found: the page, post or archive (plain text, not a link).")
    date: Annotated[PartialDate | None, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)] = Field(
        None, description="When it was taken or first published (YYYY, YYYY-MM or YYYY-MM-DD).")


class Image(Strict):
    """A local image shown as evidence: a file under the pack's media/ folder (PNG, JPEG or SVG)."""

    file: Text = Field(description="Path inside the pack, under media/ (e.g. media/flood-photo.jpg).")
    alt: Text = Field(description="What the image shows, for readers who cannot see it (not the file name).")
    caption: Text = Field(description="The caption (on a source paragraph: the words as published; they are what "
                          "quotes, highlights and claims on that paragraph use).")
    provenance: Provenance


class Confidence(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"
    unverified = "unverified"
