"""The `casefile` command line. Every failure is a one-line message per problem and exit status 1."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from .edition import EDITIONS, policy
from .errors import PackError
from .handout_names import VERSION_LETTERS

LESSONS = click.option("--lessons", "lessons", type=click.Path(path_type=Path), default=Path("lessons"),
                       show_default=True, help="The lesson-pack folder.")
VERSIONS = click.option("--versions", type=click.IntRange(1, len(VERSION_LETTERS)), default=1, show_default=True, metavar="N",
                        help="Also print N versions (A, B, …) of each worksheet, with a key for each: version A "
                             "as written, the others with shuffled options and items (see pack.yml exercises.shuffle).")
def quiet_flag(help: str = "No progress output.") -> Any:
    return click.option("--quiet", "-q", is_flag=True, help=help)


QUIET = quiet_flag()
CONFIG = click.option("--config", "config_file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
                      show_default=True, help="The MkDocs configuration.")


def fail(problems: list[str], what: str = "nothing was built") -> NoReturn:
    for p in problems:
        click.echo(str(p), err=True)
    n = len(problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found; {what}.", err=True)
    sys.exit(1)


VARIANT = click.option("--variant", default=None, metavar="ID",
                       help="Teach every lesson that has this variant in it (e.g. short); 'full': every lesson whole. "
                            "Default: pack.yml's variants.")


def variants_note(pack: Any) -> str:
    """", 14 skills, 8 lessons with variants (short)" for check's summary line."""
    with_variants = [lesson for lesson in pack.lessons if lesson.variants]
    ids = sorted({v for lesson in with_variants for v in lesson.variants})
    out = f", {len(pack.skills)} skill{'s' if len(pack.skills) != 1 else ''}" if pack.skills else ""
    if with_variants:
        n = len(with_variants)
        out += f", {n} lesson{'s' if n != 1 else ''} with variants ({', '.join(ids)})"
    return out


def load(lessons: Path, docs_dir: Path | None = None, limits: Any = None, variant: str | None = None) -> Any:
    """The checked pack, each lesson reduced to the variant it is taught in (generator/variants.py)."""
    from .load import load_pack
    from .variants import apply, problem

    try:
        loaded = load_pack(lessons, limits=limits, docs_dir=docs_dir)
    except PackError as e:
        fail([str(p) for p in e.problems])
    wrong = problem(loaded.pack, variant)
    if wrong:
        fail([wrong])
    return apply(loaded, variant)


class Main(click.Group):
    """Any exception no command expected becomes one line with a hint (the traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001
            if ctx.params.get("debug") or ctx.meta.get("casefile.debug"):
                raise
            where = f" in 'casefile {ctx.invoked_subcommand}'" if ctx.invoked_subcommand else ""
            click.echo(f"casefile: unexpected error{where}: {type(e).__name__}: {e}. This is a bug in Casefile: "
                       "please report it with the command you ran (add --debug to see the traceback).", err=True)
            sys.exit(1)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casefile")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an unexpected error.")
def main(debug: bool) -> None:
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
@CONFIG
@click.option("--strict", is_flag=True, help="Treat the content lints' warnings (balance, reading level, re-check) as errors.")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Largest YAML file accepted, in MB (default 2, or CASEFILE_MAX_FILE_MB).")
@click.option("--max-pack-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Largest total of the pack's YAML files, in MB (default 50, or CASEFILE_MAX_PACK_MB).")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an internal error.")
@quiet_flag("Print only problems and lint warnings, not the summary.")
def check(lessons: Path, config_file: Path, strict: bool, max_file_mb: float | None, max_pack_mb: float | None, debug: bool,
          quiet: bool) -> None:
    """Check the lesson pack and print every problem, one per line."""
    from .limits import Limits

    try:
        loaded = load(lessons, docs_dir=config_file.parent / "docs" if config_file.is_file() else None,
                    limits=Limits.from_env(max_file_mb, max_pack_mb), variant="full")  # every lesson whole
    except Exception as e:  # noqa: BLE001 - a bug of ours: one line and a hint, not a traceback
        if debug:
            click.get_current_context().meta["casefile.debug"] = True  # the group lets it through too
            raise
        fail([f"{lessons}: internal error while checking the pack ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
              "this is a bug in Casefile: please report it with the file that causes it (run with --debug for the details)"],
             "nothing was checked")
    pack = loaded.pack
    from .lints import lint_pack

    warnings = [str(w) for w in lint_pack(loaded)]
    if warnings and strict:
        fail(warnings, "the lint warnings count as errors with --strict")
    for w in warnings:
        click.echo(w, err=True)
    if quiet:
        return
    n_ex = sum(len(lesson.exercises) for lesson in pack.lessons)
    lint_note = f" {len(warnings)} lint warning{'s' if len(warnings) != 1 else ''}." if warnings else ""
    click.echo(f"{lessons}: OK: {len(pack.lessons)} lessons, {n_ex} exercises, {len(pack.claims)} claims, "
               f"{len(pack.references)} references, {len(pack.glossary)} glossary terms{variants_note(pack)}; "
               f"every quote matches its source.{lint_note}")
    from .importer.review import review_notes  # imported packs: unknown metadata, draft claims

    for note in review_notes(loaded):
        click.echo(note)


@main.command()
@LESSONS
@CONFIG
@click.option("--edition", type=click.Choice(["student", "teacher", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--no-handouts", is_flag=True, help="Skip the PDF handouts.")
@click.option("--no-exports", is_flag=True, help="Skip the LMS exports.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None, help="Handout paper size (default: pack.yml).")
@VERSIONS
@click.option("--markdown-out", type=click.Path(path_type=Path), default=None,
              help="Also write the generated Markdown and a ready mkdocs.yml per edition to this folder.")
@VARIANT
@QUIET
@click.option("--verbose", "-v", is_flag=True, help="Also print every export note and a line per handout.")
def build(lessons: Path, config_file: Path, edition: str, out: Path, no_handouts: bool, no_exports: bool,
          paper: str | None, versions: int, markdown_out: Path | None, variant: str | None, quiet: bool, verbose: bool) -> None:
    """Build the student and teacher sites, handouts and exports into --out."""
    import time

    from .build import BuildError, build as do_build, write_markdown
    from .progress import Progress
    from .site import SiteError
    from .summary import build_summary

    start = time.monotonic()
    Progress.verbose = verbose and not quiet
    loaded = load(lessons, docs_dir=config_file.parent / "docs" if config_file.is_file() else None, variant=variant)
    editions = EDITIONS if edition == "all" else (edition,)
    try:
        result = do_build(lessons, out, editions=editions, handouts=not no_handouts, exports=not no_exports,  # type: ignore[arg-type]
                          config_file=config_file, paper=paper, quiet=quiet, loaded=loaded, variant=variant, versions=versions,
                          echo=lambda m: click.echo(m, err=True))
    except BuildError as e:
        fail(e.messages, f"the previous contents of {out}/ are unchanged")
    markdown: list[Path] = []
    if markdown_out:
        try:
            markdown = write_markdown(loaded, markdown_out, config_file, editions,  # type: ignore[arg-type]
                                      handouts=out / "handouts" if "handouts" in result.built else None, lessons=lessons)
        except (BuildError, SiteError) as e:
            fail(e.messages, f"{markdown_out}/ was not written")
    for note in result.notes:  # MkDocs' warnings: always shown, they need fixing
        click.echo(note, err=True)
    if verbose:
        for note in result.export_notes:
            click.echo(note, err=True)
    if not quiet:
        for line in build_summary(result, out, time.monotonic() - start, markdown, verbose):
            click.echo(line)


@main.command()
@LESSONS
@CONFIG
@click.option("--edition", type=click.Choice(["student", "teacher"]), default="student", show_default=True)
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@VARIANT
def serve(lessons: Path, config_file: Path, edition: str, dev_addr: str, variant: str | None) -> None:
    """Live preview: pages reload when a lesson file is saved."""
    from .plugin import serve_site

    load(lessons, variant=variant)  # report problems clearly before MkDocs starts
    serve_site(config_file, edition, dev_addr, lessons.resolve(), variant=variant)


@main.command()
@LESSONS
@click.option("--out", type=click.Path(path_type=Path), default=Path("site/handouts"), show_default=True)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None)
@VARIANT
@VERSIONS
@QUIET
def handouts(lessons: Path, out: Path, paper: str | None, variant: str | None, versions: int, quiet: bool) -> None:
    """Write the printable PDFs (worksheets, keys, article, workshop packs)."""
    from .build import ensure_epoch
    from .handouts import build_handouts

    pack = load(lessons, variant=variant).pack
    ensure_epoch(pack)
    from .handouts import HandoutError, KindError

    try:
        made = build_handouts(pack, out, paper=paper or pack.info.site.paper, docs_dir=Path("docs"), quiet=quiet, jobs=2,
                              pages_dir=lessons / "pages", versions=versions)
    except (HandoutError, KindError) as e:
        raise click.ClickException(str(e)) from None
    from .shuffle import versions_note

    if (note := versions_note(pack, versions)) and not quiet:
        click.echo(note, err=True)
    n_student = sum(1 for p in made if p.parent.name == "student")
    click.echo(f"Wrote {len(made)} PDFs to {out}/: {n_student} in student/ (worksheets, article: safe to hand out), "
               f"{len(made) - n_student} in teacher/ (keys, annotated article, guide: keep private).")


@main.command()
@LESSONS
@click.option("--format", "formats", type=click.Choice(["qti", "moodle", "gift"]), multiple=True,
              help="Format(s) to write; default all three.")
@click.option("--lesson", default=None, help="Export one lesson only.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("site/exports"), show_default=True)
@VARIANT
@QUIET
def export(lessons: Path, formats: tuple[str, ...], lesson: str | None, out: Path, variant: str | None, quiet: bool) -> None:
    """Export exercises for Canvas (QTI 1.2), Moodle (XML) and any LMS that takes GIFT."""
    from .build import ensure_epoch
    from .export import export_pack

    pack = load(lessons, variant=variant).pack
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
@quiet_flag("Print only problems.")
def new_lesson(lessons: Path, title: str, quiet: bool) -> None:
    """Add a numbered lesson file to fill in, and list it in pack.yml."""
    from .scaffold import new_lesson as make

    try:
        path = make(lessons, title)
    except ValueError as e:
        fail([str(e)], "no file was written")
    if not quiet:
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
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("grades"), show_default=True,
              help="Folder for gradebook.csv and the per-student reports.")
@click.option("--marks", "marks", multiple=True, type=click.Path(path_type=Path),
              help="A marks file from the Check answers page (levels and comments for open answers); repeat for several.")
@click.option("--roster", type=click.Path(path_type=Path), default=None,
              help="Class list (CSV, one name or id a row): says who has not handed in each lesson.")
@VARIANT
@click.option("--by-skill", is_flag=True, help="Add a score and a max column per skill (skills.yml) to the gradebook.")
@quiet_flag("Print only the files that could not be graded, not the summary.")
def grade(lessons: Path, files: tuple[Path, ...], out: Path, marks: tuple[Path, ...], roster: Path | None,
          variant: str | None, by_skill: bool, quiet: bool) -> None:
    """Score students' downloaded answer files (or folders of them) against the key.

    Auto-gradable answers get points; open answers get the points of the levels you picked on
    the Check answers page (its marks file: --marks, or any *.marks.json among FILES), else they
    are listed in each student's report (OUT/reports/NAME.html) under their rubric and model
    answer. Each student gets a feedback file (OUT/feedback/NAME.html). A second run merges with
    what OUT holds (OUT/gradebook.json). Files that cannot be graded are listed on stderr; the
    exit status is 1 only when nothing could be graded."""
    from .grade import GradeError, grade as do_grade

    if not files and not marks and roster is None:
        fail(["casefile grade: name the answer files (or folders) to grade"], "no grades were written")
    pack = load(lessons, variant=variant).pack
    try:
        result = do_grade(pack, list(files), out, list(marks), roster, by_skill=by_skill)
    except GradeError as e:
        fail(e.messages, "no grades were written")
    for p in result.problems:
        click.echo(p, err=True)
    if not quiet:
        click.echo(result.summary)


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "lesson"


# ---------------------------------------------------------------- your own article (issue 15)

@main.command("import")
@LESSONS
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--id", "slug", default=None, help="Source id and file name (default: author-year, or the title).")
@click.option("--show-dropped", is_flag=True, help="Print every block of the page that was left out, with its text.")
@click.option("--keep", multiple=True, metavar="WORDS",
              help="Bring back a left-out block that starts with (or contains) these words; repeat for several.")
@quiet_flag("Print only problems, not the report of what was imported.")
def import_(lessons: Path, file: Path, slug: str | None, show_dropped: bool, keep: tuple[str, ...], quiet: bool) -> None:
    """Import an article (saved web page .html, Word .docx, Markdown .md, plain .txt) as a source.

    Writes LESSONS/sources/<id>.yml with every paragraph numbered (p1, p2, ...) and its kind
    guessed. Importing a corrected copy again keeps the ids of unchanged paragraphs and lists the
    quotes in the pack that no longer match. Reads the local file only; nothing is fetched."""
    from .importer import ImportError_, import_source, quote_problems

    try:
        result = import_source(file, lessons, slug=slug, keep=list(keep))
    except ImportError_ as e:
        fail(str(e).splitlines(), "no file was written")
    for line in [] if quiet else import_report(result, show_dropped):
        click.echo(line)
    problems = quote_problems(lessons)
    if problems:
        fail(problems, f"{result.path} was written; fix these quotes (or the paragraphs they cite)")


def import_report(result: Any, show_dropped: bool) -> list[str]:
    from collections import Counter

    kinds = Counter(p["kind"] for p in result.paragraphs)
    summary = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
    out = [f"Wrote {result.path}: {len(result.paragraphs)} paragraphs ({summary}), source id '{result.source_id}'."]
    if result.reimport:
        parts = [f"kept {len(result.kept)} ids"]
        if result.edited:
            parts.append("kept for edited paragraphs: " + ", ".join(f"{k} {v}" for k, v in result.edited.items()))
        if result.added:
            parts.append("new: " + ", ".join(result.added))
        if result.removed:
            parts.append("gone: " + ", ".join(result.removed))
        out.append("Re-import: " + "; ".join(parts) + ".")
    if result.dropped:
        if show_dropped:
            out.append(f"Left out {len(result.dropped)} blocks of the page (bring one back with --keep \"first words\"):")
            out += [f"  [{d.kind}] {d.text}" for d in result.dropped]
        else:
            out.append(f"Left out {len(result.dropped)} blocks (menus, adverts, share buttons, comments, ...): "
                       "see them with --show-dropped; bring one back with --keep \"first words\".")
    out += [f"Note: {n}" for n in result.notes]
    if result.missing:
        out.append("Not found in the file, so marked 'unknown' (casefile check points at them): fill in")
        out += [f"  {name}: {what}" for name, what in result.missing]
    out.append("Check the paragraph kinds (headline, byline, body, quote, ...), then run: casefile check")
    return out


@new.command("pack")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--from", "source_file", type=click.Path(path_type=Path), default=None,
              help="An article to build the pack on (.html, .docx, .md, .txt).")
@click.option("--title", default=None, help="The pack's title (default: from the article).")
@quiet_flag("Print only problems.")
def new_pack(folder: Path, source_file: Path | None, title: str | None, quiet: bool) -> None:
    """Make a complete pack in FOLDER: lessons/ (pack.yml, the source, draft claims, a starter lesson
    and glossary), mkdocs.yml and docs/, ready for `casefile build`."""
    from .importer import ImportError_
    from .newpack import new_pack as make

    try:
        made = make(folder, source_file, title=title)
    except (ImportError_, ValueError) as e:
        fail(str(e).splitlines(), "no pack was written")
    if quiet:
        return
    if made.imported is not None:
        for line in import_report(made.imported, False)[:-1]:
            click.echo(line)
    click.echo(f"Created a pack in {folder}/: {', '.join(made.files)}.")
    click.echo(f"  {made.drafts} draft claims to review in {folder}/lessons/claims.yml (each marked draft: true).")
    click.echo(f"Next: cd {folder} && casefile check && casefile build")
