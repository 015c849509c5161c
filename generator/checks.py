"""Cross-checks pydantic cannot do: unique ids, references that resolve, exact quotes, timings."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from . import model
from .errors import Problem
from .suggest import did_you_mean
from .kinds import CheckContext
from .text import INLINE_QUOTE, normalise, quote_in  # noqa: F401  (defined with the text rules)

if TYPE_CHECKING:
    from .load import Loaded, YamlFile


def _dupes(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def _duplicate_ids(items: list[Any], f: "YamlFile", key: str, noun: str, item: str) -> list[Problem]:
    """One problem per id used twice in a list of `f` (at its last use): '<noun> id 'x' is used twice'."""
    out = []
    for dup in _dupes(x.id for x in items):
        i = max(i for i, x in enumerate(items) if x.id == dup)
        out.append(f.problem((key, i, "id"), f"{noun} id '{dup}' is used twice; give each {item} its own id"))
    return out


def check_pack(loaded: "Loaded", present: set[str]) -> list[Problem]:
    pack = loaded.pack
    files = loaded.files
    origin = loaded.origin
    out: list[Problem] = []
    pack_file = files[origin[("pack", "")]]

    # ---------------------------------------------------------------- pack.yml lessons
    for i, lid in enumerate(pack.info.lessons):
        if lid not in present:
            out.append(pack_file.problem(("lessons", i), f"lesson '{lid}' is listed but there is no file {lid}.yml{did_you_mean(lid, present)}; create it or remove it from the list"))
    for lid in _dupes(pack.info.lessons):
        i = len(pack.info.lessons) - 1 - pack.info.lessons[::-1].index(lid)
        out.append(pack_file.problem(("lessons", i), f"lesson '{lid}' is listed twice; keep one"))
    for lid in sorted(present - set(pack.info.lessons)):
        shown = origin.get(("lesson", lid))
        if shown:
            out.append(files[shown].problem(("id",), f"lesson '{lid}' is not listed in pack.yml; add it to 'lessons' there (or delete this file)"))

    if pack.info.workshop:
        for i, lid in enumerate(pack.info.workshop.lessons):
            if lid not in present:
                out.append(pack_file.problem(("workshop", "lessons", i), f"workshop lesson '{lid}' is not a lesson of this pack{did_you_mean(lid, present)}"))

    # ---------------------------------------------------------------- sources
    src_by_id: dict[str, model.Source] = {}
    for s in pack.sources:
        f = files[origin[("source", s.id)]]
        if s.id in src_by_id:
            out.append(f.problem(("id",), f"source id '{s.id}' is used by another file too; give each source its own id"))
        src_by_id[s.id] = s
        seen: set[str] = set()
        last = 0
        for i, p in enumerate(s.paragraphs):
            if p.id in seen:
                out.append(f.problem(("paragraphs", i, "id"), f"paragraph id '{p.id}' is used twice; paragraph ids must be unique"))
            seen.add(p.id)
            n = int(p.id[1:])
            if p.inserted:  # given by a re-import: its number is new, its place is where the text is
                continue
            if n <= last:
                out.append(f.problem(("paragraphs", i, "id"), f"paragraph '{p.id}' comes after p{last}; keep paragraph ids in increasing order"))
            last = max(last, n)

    def source_for(ref: str | None, f: "YamlFile", path: tuple[Any, ...]) -> model.Source | None:
        if ref is None:
            if len(pack.sources) == 1 or pack.info.main_source in src_by_id:
                return pack.sources[0]  # load_pack puts the main source first
            out.append(f.problem(path, f"this pack has {len(pack.sources)} sources; say which one with 'source:', "
                                       "or name the main one in pack.yml (main_source: ID)"))
            return None
        if ref not in src_by_id:
            out.append(f.problem(path, f"unknown source '{ref}'{did_you_mean(ref, src_by_id)}; sources are {', '.join(sorted(src_by_id))}"))
            return None
        return src_by_id[ref]

    if pack.info.main_source and pack.info.main_source not in src_by_id:
        out.append(pack_file.problem(("main_source",), f"main_source '{pack.info.main_source}' is not a source of this pack"
                                     f"{did_you_mean(pack.info.main_source, src_by_id)}; sources are {', '.join(sorted(src_by_id))}"))

    def para(src: model.Source | None, pid: str, f: "YamlFile", path: tuple[Any, ...]) -> model.Paragraph | None:
        """The paragraph `pid` (p3: of `src`; ID:p3: of source ID), or None after reporting it."""
        named, pid = model.split_ref(pid)
        if named is not None:
            src = src_by_id.get(named)
            if src is None:
                out.append(f.problem(path, f"unknown source '{named}' in paragraph '{named}:{pid}'{did_you_mean(named, src_by_id)}; "
                                           f"sources are {', '.join(sorted(src_by_id))}"))
                return None
        if src is None:
            return None
        for p in src.paragraphs:
            if p.id == pid:
                return p
        out.append(f.problem(path, f"paragraph '{pid}' does not exist in source '{src.id}' (it has p{src.paragraphs[0].id[1:]} to {src.paragraphs[-1].id})"))
        return None

    def of_source(p: model.Paragraph) -> str:
        """ " of source 'ID'" when the pack has several sources."""
        return f" of source '{p.source_id}'" if len(pack.sources) > 1 else ""

    def check_quote(src: model.Source | None, pid: str, quote: str, f: "YamlFile", path: tuple[Any, ...], what: str) -> None:
        p = para(src, pid, f, path[:-1] + ("paragraph",) if path[-1] == "quote" else path)
        if p and not quote_in(quote, p.text or ""):
            out.append(f.problem(path, f"{what} is not in paragraph '{pid}'{of_source(p)} word for word; "
                                       "copy the exact words from the source"))

    def inline_quotes(obj: Any, f: "YamlFile", path: tuple[Any, ...], default_src: model.Source | None) -> None:
        """Check every [[p12|words]] quote in any text field of obj."""
        if isinstance(obj, str):
            for m in INLINE_QUOTE.finditer(obj):
                src = src_by_id.get(m["src"]) if m["src"] else default_src
                if m["src"] and src is None:
                    out.append(f.problem(path, f"unknown source '{m['src']}' in quote [[{m.group(0)[2:-2]}]]"))
                    continue
                p = para(src, m["para"], f, path)
                if p and not quote_in(m["text"], p.text or ""):
                    out.append(f.problem(path, f"quote \"{m['text'][:50]}\" is not in paragraph '{m['para']}'{of_source(p)} "
                                               "word for word; copy the exact words from the source"))
            if "[[" in INLINE_QUOTE.sub("", obj):
                out.append(f.problem(path, "a quote starts with [[ but is not in the form [[p12|exact words]]; "
                                           "check the paragraph id, the | and the closing ]]"))
        elif isinstance(obj, dict):
            for k, v in obj.items():
                inline_quotes(v, f, path + (k,), default_src)
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                inline_quotes(v, f, path + (i,), default_src)

    # ---------------------------------------------------------------- references & glossary
    ref_ids = {r.id for r in pack.references}
    if pack.references:
        rf = files[origin[("references", "")]]
        out += _duplicate_ids(pack.references, rf, "references", "reference", "reference")
    term_ids = {t.id for t in pack.glossary}
    if pack.glossary:
        gf = files[origin[("glossary", "")]]
        out += _duplicate_ids(pack.glossary, gf, "terms", "glossary", "term")
        for i, t in enumerate(pack.glossary):
            for j, sid in enumerate(t.see_also):
                if sid not in term_ids:
                    out.append(gf.problem(("terms", i, "see_also", j), f"term '{t.id}': see_also '{sid}' is not in the glossary{did_you_mean(sid, term_ids)}"))
            inline_quotes(t.model_dump(mode="json"), gf, ("terms", i), pack.sources[0] if len(pack.sources) == 1 or pack.info.main_source in src_by_id else None)

    # ---------------------------------------------------------------- claims
    claim_ids = {c.id for c in pack.claims}
    if pack.claims:
        cf = files[origin[("claims", "")]]
        out += _duplicate_ids(pack.claims, cf, "claims", "claim", "claim")
        for i, c in enumerate(pack.claims):
            src = source_for(c.source, cf, ("claims", i, "source") if c.source else ("claims", i))
            check_quote(src, c.paragraph, c.quote, cf, ("claims", i, "quote"), f"claim '{c.id}': the quote")
            for j, rid in enumerate(c.references):
                if rid not in ref_ids:
                    out.append(cf.problem(("claims", i, "references", j), f"claim '{c.id}': reference '{rid}' is not in references.yml{did_you_mean(rid, ref_ids)}"))
            inline_quotes(c.note, cf, ("claims", i, "note"), src)

    # ---------------------------------------------------------------- lessons
    seen_ex: set[str] = set()
    for lesson in pack.lessons:
        f = files[origin[("lesson", lesson.id)]]
        own = lesson.source or (lesson.sources[0] if lesson.sources else None)
        src = source_for(own, f, ("source",) if lesson.source else ("sources", 0) if lesson.sources else ("id",))
        for j, sid in enumerate(lesson.sources):
            if sid not in src_by_id:
                if lesson.source or j:
                    source_for(sid, f, ("sources", j))
            elif sid in lesson.sources[:j]:
                out.append(f.problem(("sources", j), f"source '{sid}' is listed twice; keep one"))
        for j, tid in enumerate(lesson.vocabulary):
            if tid not in term_ids:
                out.append(f.problem(("vocabulary", j), f"vocabulary '{tid}' is not in glossary.yml{did_you_mean(tid, term_ids)}; add the term there or fix the id"))
        for j, pid in enumerate(lesson.focus_paragraphs):
            para(src, pid, f, ("focus_paragraphs", j))
        total = sum(a.minutes for a in lesson.activities)
        if total != lesson.duration:
            out.append(f.problem(("duration",), f"the activities add up to {total} minutes but duration is {lesson.duration}; make them match"))
        ex_ids = [e.id for e in lesson.exercises]
        for j, a in enumerate(lesson.activities):
            for k, eid in enumerate(a.exercises):
                if eid not in ex_ids:
                    out.append(f.problem(("activities", j, "exercises", k), f"activity '{a.title}': exercise '{eid}' is not in this lesson{did_you_mean(eid, ex_ids)}"))
        inline_quotes(lesson.model_dump(mode="json", exclude={"exercises"}), f, (), src)
        for j, ex in enumerate(lesson.exercises):
            at = ("exercises", j)
            if ex.id in seen_ex:
                out.append(f.problem(at + ("id",), f"exercise id '{ex.id}' is used more than once in the pack; exercise ids must be unique"))
            seen_ex.add(ex.id)
            out.extend(_check_exercise(ex, f, at, src, para, claim_ids))
            inline_quotes(ex.model_dump(mode="json"), f, at, src)
    out.extend(variant_problems(loaded))
    out.extend(skill_problems(loaded))
    out.extend(link_problems(loaded))
    return out


FULL = "full"  # `--variant full`: every lesson whole, whatever pack.yml picks


def activity_names(lesson: model.Lesson) -> dict[str, model.Activity]:
    """What a variant may call each activity: its id, or its kind when no other activity has that kind."""
    kinds = Counter(a.kind.value for a in lesson.activities)
    out = {a.kind.value: a for a in lesson.activities if kinds[a.kind.value] == 1}
    out.update({a.id: a for a in reversed(lesson.activities) if a.id})
    return out


def variant_problems(loaded: "Loaded") -> list[Problem]:
    """Each lesson variant names activities and exercises of its lesson, and its minutes add up;
    pack.yml's `variants:` names lessons and variants that exist."""
    pack, files, origin = loaded.pack, loaded.files, loaded.origin
    out: list[Problem] = []
    for lesson in pack.lessons:
        f = files[origin[("lesson", lesson.id)]]
        act_ids = [a.id for a in lesson.activities if a.id]
        for aid in _dupes(act_ids):
            j = max(j for j, a in enumerate(lesson.activities) if a.id == aid)
            out.append(f.problem(("activities", j, "id"), f"activity id '{aid}' is used twice in this lesson; give each activity its own id"))
        names = activity_names(lesson)
        ex_ids = [e.id for e in lesson.exercises]
        for vid, v in lesson.variants.items():
            at = ("variants", vid)
            if vid == FULL:
                out.append(f.problem(at, f"variant id '{FULL}' is kept for the whole lesson (--variant {FULL}); call this variant something else", key=True))
            total, found = 0, True
            steps = v.steps()
            for j, (name, change) in enumerate(steps):
                a = names.get(name)
                raw = f.data.get("variants", {}).get(vid, {}).get("activities") if isinstance(f.data, dict) else None
                plain = not isinstance(raw, list) or j >= len(raw) or isinstance(raw[j], str)
                where = at + ("activities", j) + (() if plain else (name,))
                if a is None:
                    found = False
                    hint = did_you_mean(name, names) or f"; name an activity by its id or, when the lesson has one of that kind, its kind ({', '.join(names)})"
                    out.append(f.problem(where, f"variant '{vid}': activity '{name}' is not in this lesson{hint}", key=not plain))
                    continue
                total += a.minutes if change.minutes is None else change.minutes
            seen: set[int] = set()
            for j, (name, _) in enumerate(steps):
                a = names.get(name)
                if a is not None and id(a) in seen:
                    out.append(f.problem(at + ("activities", j), f"variant '{vid}': activity '{name}' is listed twice; list it once"))
                if a is not None:
                    seen.add(id(a))
            if found and total != v.minutes:
                out.append(f.problem(at + ("minutes",), f"variant '{vid}': its activities add up to {total} minutes but its minutes are {v.minutes}; "
                                                         "make them match (write `kind: minutes` for an activity that is shorter in this variant)"))
            for k, eid in enumerate(v.exercises or []):
                if eid not in ex_ids:
                    out.append(f.problem(at + ("exercises", k), f"variant '{vid}': exercise '{eid}' is not in this lesson{did_you_mean(eid, ex_ids)}"))
    pack_file = files[origin[("pack", "")]]
    lessons = {lesson.id: lesson for lesson in pack.lessons}
    for lid, vid in pack.info.variants.items():
        if lid not in lessons:
            out.append(pack_file.problem(("variants", lid), f"variants: lesson '{lid}' is not a lesson of this pack{did_you_mean(lid, lessons)}", key=True))
        elif vid != FULL and vid not in lessons[lid].variants:
            have = lessons[lid].variants
            hint = did_you_mean(vid, have) or (f"; it has {', '.join(have)} (or {FULL})" if have else "; it has no variants: declare one under 'variants:' in its file")
            out.append(pack_file.problem(("variants", lid), f"variants: lesson '{lid}' has no variant '{vid}'{hint}"))
    return out


def skill_problems(loaded: "Loaded") -> list[Problem]:
    """Skill ids are unique in skills.yml, and every skill a lesson or exercise names is there."""
    pack, files, origin = loaded.pack, loaded.files, loaded.origin
    out: list[Problem] = []
    skill_ids = {s.id for s in pack.skills}
    if pack.skills:
        sf = files[origin[("skills", "")]]
        out += _duplicate_ids(pack.skills, sf, "skills", "skill", "skill")

    def unknown(sid: str, f: "YamlFile", path: tuple[Any, ...]) -> None:
        if sid not in skill_ids:
            hint = did_you_mean(sid, skill_ids) or ("; add it to skills.yml" if skill_ids else
                                                    "; define the pack's skills in skills.yml (id, name, description)")
            out.append(f.problem(path, f"skill '{sid}' is not in skills.yml{hint}"))

    for lesson in pack.lessons:
        f = files[origin[("lesson", lesson.id)]]
        for j, sid in enumerate(lesson.skills):
            unknown(sid, f, ("skills", j))
        for i, ex in enumerate(lesson.exercises):
            for j, sid in enumerate(ex.skills):
                unknown(sid, f, ("exercises", i, "skills", j))
    return out


# A link target in author text: Markdown links and images `[text](target)`, autolinks `<scheme:…>`,
# and href=/src= in raw HTML. The sanitizer drops any other scheme from the page anyway; this says so
# at the line, so the author knows the link is gone.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>|\b(?:href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_SCHEME = re.compile(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
LINK_SCHEMES = {"http", "https", "mailto"}
URL_FIELDS = {"url", "original_url", "public_url"}  # addresses, not text: the model checks them


def link_problems(loaded: "Loaded") -> list[Problem]:
    """Every link in author text whose scheme is not http, https or mailto (javascript:, data:, file:…)."""
    out: list[Problem] = []
    for f in loaded.files.values():
        stack: list[tuple[Any, tuple[Any, ...]]] = [(f.data, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                stack.extend((v, path + (k,)) for k, v in node.items() if k not in URL_FIELDS)
            elif isinstance(node, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(node))
            elif isinstance(node, str) and ("](" in node or "<" in node or "=" in node):
                for m in _LINK.finditer(node):
                    target = next(g for g in m.groups() if g)
                    scheme = _SCHEME.match(target)
                    if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
                        shown = target if len(target) <= 40 else target[:37] + "..."
                        out.append(f.problem(path, f"link '{shown}' may only be an http://, https://, mailto: or "
                                                   "relative address (the page would drop it); fix or remove the link"))
    return out


def page_link_problems(shown: str, text: str) -> list[Problem]:
    """The same rule for a hand-written page of the pack (lessons/pages/x.md), at each link's line."""
    out: list[Problem] = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in _LINK.finditer(line):
            group = next(i for i in range(1, 4) if m.group(i))
            target = m.group(group)
            scheme = _SCHEME.match(target)
            if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
                short = target if len(target) <= 40 else target[:37] + "..."
                out.append(Problem(shown, n, m.start(group) + 1, f"link '{short}' may only be an http://, https://, mailto: or "
                                                            "relative address (the page would drop it); fix or remove the link"))
    return out


def _check_exercise(ex: Any, f: "YamlFile", at: tuple[Any, ...], src: model.Source | None, para: Any, claim_ids: set[str]) -> list[Problem]:
    """What every exercise needs, then the kind's own cross-checks (generator/kinds/<kind>/)."""
    out: list[Problem] = []
    if ex.feedback == "instant" and not ex.kind.auto_graded:
        out.append(f.problem(at + ("feedback",), f"exercise '{ex.id}': instant feedback needs an answer the browser can check; {ex.type} is marked by the teacher, so use feedback: teacher"))
    if ex.shuffle and not ex.kind.shuffles:
        out.append(f.problem(at + ("shuffle",), f"exercise '{ex.id}': {ex.type} exercises are never shuffled (nothing in them may change its order); remove shuffle: true"))
    for j, pid in enumerate(ex.paragraphs):
        para(src, pid, f, at + ("paragraphs", j))
    out += ex.kind.check(ex, CheckContext(f, at, src, para, claim_ids, did_you_mean))
    return out
