"""The `casefile` command line. Every failure is a one-line message per problem and exit status 1."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from .errors import PackError

LESSONS = click.option("--lessons", "lessons", type=click.Path(path_type=Path), default=Path("lessons"),
                       show_default=True, help="The lesson-pack folder.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress output.")
CONFIG = click.option("--config", "config_file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
                      show_default=True, help="The MkDocs configuration.")


def fail(problems: list[str], what: str = "nothing was built") -> NoReturn:
    for p in problems:
        click.echo(str(p), err=True)
    n = len(problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found; {what}.", err=True)
    sys.exit(1)


def load(lessons: Path) -> Any:
    from .load import load_pack

    try:
        return load_pack(lessons)
    except PackError as e:
        fail([str(p) for p in e.problems])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casefile")
def main() -> None:
    """Casefile: build a teaching site, handouts and quizzes from a lesson pack.

    \b
    casefile check            check the lesson pack, list every problem
    casefile build            student and teacher sites, handouts, LMS exports → site/
    casefile serve            live preview (student edition; --edition teacher)
    casefile new lesson TITLE add a numbered lesson file to fill in
    casefile grade FILES...   score students' answer files
    """


@main.command()
@LESSONS
def check(lessons: Path) -> None:
    """Check the lesson pack and print every problem, one per line."""
    pack = load(lessons).pack
    n_ex = sum(len(lesson.exercises) for lesson in pack.lessons)
    click.echo(f"{lessons}: OK: {len(pack.lessons)} lessons, {n_ex} exercises, {len(pack.claims)} claims, "
               f"{len(pack.references)} references, {len(pack.glossary)} glossary terms; every quote matches its source.")


@main.command()
@LESSONS
@CONFIG
@click.option("--edition", type=click.Choice(["student", "teacher", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--no-handouts", is_flag=True, help="Skip the PDF handouts.")
@click.option("--no-exports", is_flag=True, help="Skip the LMS exports.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None, help="Handout paper size (default: pack.yml).")
@click.option("--markdown-out", type=click.Path(path_type=Path), default=None,
              help="Also write the generated Markdown and a ready mkdocs.yml per edition to this folder.")
@QUIET
@click.option("--verbose", "-v", is_flag=True, help="Also print every export note and a line per handout.")
def build(lessons: Path, config_file: Path, edition: str, out: Path, no_handouts: bool, no_exports: bool,
          paper: str | None, markdown_out: Path | None, quiet: bool, verbose: bool) -> None:
    """Build the student and teacher sites, handouts and exports into --out."""
    import time

    from .build import BuildError, build as do_build, write_markdown
    from .progress import Progress
    from .summary import build_summary

    start = time.monotonic()
    _quiet_third_parties(verbose)
    Progress.verbose = verbose and not quiet
    loaded = load(lessons)
    editions = ("student", "teacher") if edition == "all" else (edition,)
    try:
        result = do_build(lessons, out, editions=editions, handouts=not no_handouts, exports=not no_exports,  # type: ignore[arg-type]
                          config_file=config_file, paper=paper, quiet=quiet, loaded=loaded,
                          echo=lambda m: click.echo(m, err=True))
        markdown = write_markdown(loaded, markdown_out, config_file, editions,  # type: ignore[arg-type]
                                  handouts=out / "handouts" if "handouts" in result.built else None) if markdown_out else []
    except BuildError as e:
        fail(e.messages, f"the previous contents of {out}/ are unchanged")
    for note in result.notes:  # MkDocs' warnings: always shown, they need fixing
        click.echo(note, err=True)
    if verbose:
        for note in result.export_notes:
            click.echo(note, err=True)
    if not quiet:
        for line in build_summary(result, out, time.monotonic() - start, markdown, verbose):
            click.echo(line)


def _quiet_third_parties(verbose: bool) -> None:
    """Libraries' own chatter (WeasyPrint's and fontTools' font subsetting) only with --verbose; Casefile's
    own warnings (casefile.handouts) are always shown: they need fixing."""
    import logging

    for name in ("weasyprint", "fontTools", "fontTools.subset", "fontTools.ttLib"):
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.ERROR)


@main.command()
@LESSONS
@CONFIG
@click.option("--edition", type=click.Choice(["student", "teacher"]), default="student", show_default=True)
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(lessons: Path, config_file: Path, edition: str, dev_addr: str) -> None:
    """Live preview: pages reload when a lesson file is saved."""
    from .plugin import serve_site

    load(lessons)  # report problems clearly before MkDocs starts
    serve_site(config_file, edition, dev_addr, lessons.resolve())


@main.command()
@LESSONS
@click.option("--out", type=click.Path(path_type=Path), default=Path("site/handouts"), show_default=True)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None)
@QUIET
def handouts(lessons: Path, out: Path, paper: str | None, quiet: bool) -> None:
    """Write the printable PDFs (worksheets, keys, article, workshop packs)."""
    from .build import ensure_epoch
    from .handouts import build_handouts

    pack = load(lessons).pack
    ensure_epoch(pack)
    made = build_handouts(pack, out, paper=paper or pack.info.site.paper, docs_dir=Path("docs"), quiet=quiet, jobs=2)
    n_student = sum(1 for p in made if p.parent.name == "student")
    click.echo(f"Wrote {len(made)} PDFs to {out}/: {n_student} in student/ (worksheets, article: safe to hand out), "
               f"{len(made) - n_student} in teacher/ (keys, annotated article, guide: keep private).")


@main.command()
@LESSONS
@click.option("--format", "formats", type=click.Choice(["qti", "moodle", "gift"]), multiple=True,
              help="Format(s) to write; default all three.")
@click.option("--lesson", default=None, help="Export one lesson only.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("site/exports"), show_default=True)
@QUIET
def export(lessons: Path, formats: tuple[str, ...], lesson: str | None, out: Path, quiet: bool) -> None:
    """Export exercises for Canvas (QTI 1.2), Moodle (XML) and any LMS that takes GIFT."""
    from .build import ensure_epoch
    from .export import export_pack

    pack = load(lessons).pack
    ensure_epoch(pack)
    try:
        notes = export_pack(pack, out, formats or ("qti", "moodle", "gift"), lesson=lesson, quiet=quiet)
    except ValueError as e:
        fail([str(e)], "nothing was exported")
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"Exports written to {out}/ (they contain answer keys: keep them with the teacher site).")


@main.group()
def new() -> None:
    """Create new pack files."""


@new.command("lesson")
@LESSONS
@click.argument("title")
def new_lesson(lessons: Path, title: str) -> None:
    """Add a numbered lesson file to fill in, and list it in pack.yml."""
    from .scaffold import new_lesson as make

    try:
        path = make(lessons, title)
    except ValueError as e:
        fail([str(e)], "no file was written")
    click.echo(f"Created {path}; it is listed in {lessons}/pack.yml. Fill it in, then run: casefile check")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("lessons/schema"), show_default=True)
def schema(out: Path) -> None:
    """Write JSON Schemas for the pack's files (for editor autocomplete and checks)."""
    from .model import FILE_MODELS

    out.mkdir(parents=True, exist_ok=True)
    for name, cls in FILE_MODELS.items():
        data = cls.model_json_schema(by_alias=True)
        data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        data["title"] = f"Casefile {name} file"
        (out / f"{name}.schema.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"Wrote {len(FILE_MODELS)} schemas to {out}/. In VS Code (YAML extension) add to a file's first line:\n"
               f"  # yaml-language-server: $schema=schema/lesson.schema.json")


@main.command()
@LESSONS
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("grades"), show_default=True,
              help="Folder for gradebook.csv and the per-student reports.")
def grade(lessons: Path, files: tuple[Path, ...], out: Path) -> None:
    """Score students' downloaded answer files (or folders of them) against the key.

    Auto-gradable answers get points; open answers are listed in each student's report
    (OUT/reports/NAME.html) under their rubric and model answer. Files that cannot be graded
    are listed on stderr; the exit status is 1 only when no file could be graded."""
    from .grade import GradeError, grade as do_grade

    pack = load(lessons).pack
    try:
        result = do_grade(pack, list(files), out)
    except GradeError as e:
        fail(e.messages, "no grades were written")
    for p in result.problems:
        click.echo(p, err=True)
    click.echo(result.summary)


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "lesson"
