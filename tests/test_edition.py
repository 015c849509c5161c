"""The leak test is only as good as the fixture: every teacher-only field of the model must hold a
marker somewhere in the fixture pack, so a field added to the model without a marker fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator import model
from generator.edition import is_teacher_only, view
from generator.load import load_pack

FIXTURE = Path(__file__).parent / "fixtures" / "pack"


def _is_free_text(info: Any) -> bool:
    """Free text (not an id, enum, date or number): only such fields can carry a marker string."""
    if info.annotation not in (str, str | None):
        return False
    return not any(getattr(m, "pattern", None) for m in info.metadata)


def _teacher_fields(obj: Any, found: dict[str, list[Any]], skip_instant: bool = False) -> None:
    if isinstance(obj, BaseModel):
        if skip_instant and getattr(obj, "feedback", None) == "instant":
            return
        for name, info in type(obj).model_fields.items():
            value = getattr(obj, name)
            if is_teacher_only(info):
                found.setdefault(name if _is_free_text(info) else "", []).append(value)
            _teacher_fields(value, found, skip_instant)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _teacher_fields(v, found, skip_instant)
    elif isinstance(obj, dict):
        for v in obj.values():
            _teacher_fields(v, found, skip_instant)


def _all_teacher_only_fields() -> set[str]:
    names = set()
    for cls in vars(model).values():
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == model.__name__:
            names |= {n for n, i in cls.model_fields.items() if is_teacher_only(i) and _is_free_text(i)}
    return names


def test_every_teacher_only_field_carries_a_marker_in_the_fixture() -> None:
    pack = load_pack(FIXTURE).pack
    found: dict[str, list[Any]] = {}
    _teacher_fields(pack, found)
    missing = sorted(f for f in _all_teacher_only_fields() if "TMARK-" not in repr(found.get(f, [])))
    # (ids, enums and dates cannot hold a marker: the next test checks those are emptied instead)
    assert not missing, f"teacher-only fields with no TMARK- marker in tests/fixtures/pack: {missing}"


def test_student_view_empties_every_teacher_only_field_outside_instant_exercises() -> None:
    pack = view(load_pack(FIXTURE).pack, "student")
    found: dict[str, list[Any]] = {}
    _teacher_fields(pack, found, skip_instant=True)
    assert found, "the fixture has no teacher-only field at all?"
    kept = {f: v for f, vals in found.items() for v in vals if v not in (None, [], {}, "")}
    assert not kept, kept
