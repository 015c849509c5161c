"""The registry of exercise kinds. Each kind is one folder here (see base.py for what it holds);
list it in `REGISTERED`, in the order kinds appear in the schema and the browser bundle.

Everything else asks the kind (`ex.kind`, or `KINDS[name]`): nothing outside this package
branches on an exercise's `type`. A registered kind that is incomplete (no model `type` of its
name, a missing template or kind.js) stops Casefile at start-up with a message naming it.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Union

from pydantic import Field

from .base import CheckContext, ExerciseBase, Kind, Line, Rubric, RubricCriterion

REGISTERED = ("choice", "classify", "highlight", "order", "match", "short_answer", "claim_audit",
              "lateral_reading", "true_false")


class KindError(RuntimeError):
    """A registered kind is missing a part."""


def _load(name: str) -> Kind:
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        raise KindError(f"exercise kind '{name}' is registered but generator/kinds/{name}/ cannot be imported ({e})") from e
    kind = getattr(module, "KIND", None)
    if not isinstance(kind, Kind):
        raise KindError(f"exercise kind '{name}': generator/kinds/{name}/__init__.py defines no KIND (a Kind object)")
    validate(kind, name)
    kind.model.kind = kind
    return kind


def validate(kind: Kind, name: str) -> None:
    """Every part a kind must have; raise KindError naming the first one missing."""
    where = f"generator/kinds/{name}"
    if kind.name != name:
        raise KindError(f"exercise kind '{name}': its KIND is named '{kind.name}'")
    field = kind.model.model_fields.get("type")
    if field is None or getattr(field.annotation, "__args__", None) != (name,):
        raise KindError(f"exercise kind '{name}': {kind.model.__name__} needs type: Literal[\"{name}\"]")
    needed = [kind.form_template, kind.key_template] + ([kind.report_template] if kind.report_template else [])
    for rel in needed:
        if not (kind.folder.parent / rel).is_file():
            raise KindError(f"exercise kind '{name}': template {where}/{rel.split('/')[-1]} is missing")
    if not kind.script.is_file():
        raise KindError(f"exercise kind '{name}': browser code {where}/kind.js is missing")


KINDS: dict[str, Kind] = {name: _load(name) for name in REGISTERED}
EXERCISE_KINDS = list(KINDS)
AUTO_GRADED = {name for name, k in KINDS.items() if k.auto_graded}

Exercise = Annotated[Union[tuple(k.model for k in KINDS.values())], Field(discriminator="type")]  # type: ignore[valid-type]


def kind_of(name: str) -> Kind:
    """The kind called `name`; an unknown name is an error, never a silent skip."""
    try:
        return KINDS[name]
    except KeyError:
        raise KindError(f"unknown exercise kind '{name}'; kinds are {', '.join(KINDS)}") from None


__all__ = ["AUTO_GRADED", "CheckContext", "EXERCISE_KINDS", "Exercise", "ExerciseBase", "KINDS", "Kind", "KindError",
           "Line", "Rubric", "RubricCriterion", "kind_of", "validate"]
