"""The `casefile` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import PackError


def _load(lessons: Path):
    from .load import load_pack

    return load_pack(lessons)


def fail(err: PackError) -> None:
    for p in err.problems:
        click.echo(str(p), err=True)
    n = len(err.problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was built.", err=True)
    sys.exit(1)


LESSONS = click.option("--lessons", "lessons", type=click.Path(path_type=Path), default=Path("lessons"),
                       show_default=True, help="The lesson-pack folder.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casefile")
def main() -> None:
    """Casefile: build a teaching site, handouts and quizzes from a lesson pack."""


@main.command()
@LESSONS
def check(lessons: Path) -> None:
    """Check the lesson pack and print every problem, one per line."""
    try:
        loaded = _load(lessons)
    except PackError as e:
        fail(e)
    pack = loaded.pack
    n_ex = sum(len(lesson.exercises) for lesson in pack.lessons)
    click.echo(f"{lessons}: OK: {len(pack.lessons)} lessons, {n_ex} exercises, {len(pack.claims)} claims, "
               f"{len(pack.references)} references, {len(pack.glossary)} glossary terms; every quote matches its source.")
