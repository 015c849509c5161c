"""The building blocks of the model, shared by model.py and the exercise kinds (generator/kinds/).

Fields that hold answers, keys or teacher notes are declared with `teacher()`; `edition.py` alone
decides what each audience sees. This module imports nothing from the package.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
ParaId = Annotated[str, StringConstraints(pattern=r"^p[1-9][0-9]*$")]
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


class Confidence(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"
    unverified = "unverified"
