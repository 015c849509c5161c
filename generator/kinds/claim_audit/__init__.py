"""Claim audit: for each cited claim, the evidence offered, the source it relies on, what other
sources say and a confidence; marked by the teacher with a rubric and a key per claim."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...i18n import N_
from ...fields import Confidence, Id, Strict, Text, teacher
from ..base import ExerciseBase, Kind, Rubric

AUDIT_FIELDS = [("evidence", N_("Evidence offered")), ("source", N_("Source it relies on")),
                ("other_sources", N_("What other sources say")), ("confidence", N_("Your confidence"))]
FIELD_KEYS = tuple(k for k, _ in AUDIT_FIELDS)
CONFIDENCES = ("high", "medium", "low", "unverified", "")


class AuditKey(Strict):
    claim: Id
    evidence: Text
    source: Text
    other_sources: Text
    confidence: Confidence


class ClaimAuditExercise(ExerciseBase):
    type: Literal["claim_audit"]
    claims: list[Id] = Field(min_length=1)
    rubric: Rubric
    key: list[AuditKey] = teacher(..., min_length=1)
    model_answer: Text = teacher(...)


class ClaimAudit(Kind):
    name = "claim_audit"
    model = ClaimAuditExercise
    label = N_("Claim audit")
    audit_fields = AUDIT_FIELDS  # its export.j2 names the fields

    def check(self, ex: Any, ctx: Any) -> list[Any]:
        out = ctx.rubric(ex.rubric, ex.id)
        for k, cid in enumerate(ex.claims):
            if cid not in ctx.claim_ids:
                out.append(ctx.problem(("claims", k), f"exercise '{ex.id}': claim '{cid}' is not in claims.yml{ctx.did_you_mean(cid, ctx.claim_ids)}"))
        for k, key in enumerate(ex.key):
            if key.claim not in ex.claims:
                out.append(ctx.problem(("key", k, "claim"), f"exercise '{ex.id}': the key is for claim '{key.claim}', which is not in this exercise's claims"))
        return out

    def browser_key(self, ex: Any, paragraphs: dict[str, str]) -> dict[str, Any]:
        return {"claims": list(ex.claims)}

    def shape_problems(self, ex: Any, a: Any) -> list[str]:
        if not (isinstance(a, dict) and all(isinstance(v, dict) for v in a.values())):
            return ["a claim audit answer must map each claim id to its fields"]
        bad = [f"claim '{v}' is not one of {', '.join(ex.claims)}" for v in a if v not in ex.claims]
        for row in a.values():
            for k, v in row.items():
                if k not in FIELD_KEYS or not isinstance(v, str):
                    bad.append(f"field '{k}' is not one of {', '.join(FIELD_KEYS)} with text")
                elif k == "confidence" and v not in CONFIDENCES:
                    bad.append(f"confidence '{v}' is not one of high, medium, low, unverified")
        return bad


KIND = ClaimAudit()
