"""Issue 12.2, last sentence: grade reports and the teacher's Check answers page under a
Content-Security-Policy. A report allows no script at all and only its own <style> (by hash); in
Chromium a script planted in a report is refused while the report's own style still applies. The
Check answers page grades an answer file made by the student site, from file:// and over http, with
no CSP violation."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FIXTURE_PACK, serve_folder
from generator.grade import grade
from generator.grade.report import CSS
from generator.load import load_pack
from test_grade import BASICS_PARTLY, OPEN, answer_file, write

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def _report(tmp_path: Path) -> Path:
    pack = load_pack(FIXTURE_PACK).pack
    files = [write(tmp_path, "a.json", answer_file("01-basics", "Ana <b>Example</b>", BASICS_PARTLY)),
             write(tmp_path, "b.json", answer_file("02-open", "Ana <b>Example</b>", OPEN))]
    grade(pack, files, tmp_path / "grades")
    (report,) = (tmp_path / "grades" / "reports").glob("*.html")
    return report


def _policy(html: str) -> dict[str, str]:
    m = CSP_META.search(html.split("</head>")[0])
    assert m, "no CSP meta tag in the report's head"
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in m.group(1).split(";")) if d}


def test_report_policy_allows_no_script_and_only_its_own_style(tmp_path: Path) -> None:
    html = _report(tmp_path).read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert head.count("Content-Security-Policy") == 1
    assert head.index("Content-Security-Policy") < head.index("<style>")  # before anything it governs
    policy = _policy(html)
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'none'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert style == CSS
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"
    assert "unsafe" not in " ".join(policy.values()) and "*" not in " ".join(policy.values())
    assert "<b>Example</b>" not in html and "&lt;b&gt;Example&lt;/b&gt;" in html  # escaping still first


@pytest.mark.browser
def test_planted_script_in_a_report_is_refused_and_its_style_applies(browser, tmp_path: Path) -> None:
    report = _report(tmp_path)
    planted = report.with_name("planted.html")
    planted.write_text(report.read_text(encoding="utf-8").replace(
        "</body>", "<script>window.__planted = 1</script><img src=x onerror=\"window.__planted2 = 1\">"
                   "<style>h1{color:rgb(1, 2, 3)}</style></body>"), encoding="utf-8")
    ctx = browser.new_context()
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("dialog", lambda d: (console.append("dialog " + d.message), d.dismiss()))
    page.goto(report.as_uri())
    page.wait_for_timeout(200)
    # the report's own style applies, with no CSP complaint
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "25.6px"
    assert not [c for c in console if "Content Security Policy" in c], console
    page.goto(planted.as_uri())
    page.wait_for_timeout(300)
    assert page.evaluate("window.__planted === undefined && window.__planted2 === undefined")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != "rgb(1, 2, 3)"  # foreign style refused
    violations = [c for c in console if "Content Security Policy" in c]
    assert any("script-src" in v for v in violations) and any("style-src" in v for v in violations), violations
    assert not [c for c in console if c.startswith("dialog")]
    ctx.close()


# ---------------------------------------------------------------- Check answers under the site's CSP

@pytest.fixture(scope="module")
def site(editions_site: Path) -> Path:
    return editions_site


@pytest.fixture(scope="module")
def http_root(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_check_answers_grades_a_student_file_under_the_policy(browser, site: Path, http_root: str, scheme: str,
                                                              tmp_path: Path) -> None:
    def url(rel: str) -> str:
        return (site / rel).as_uri() if scheme == "file" else f"{http_root}/{rel}"

    ctx = browser.new_context(accept_downloads=True)
    page = ctx.new_page()
    violations: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # the student flow: answer, name, download the answer file
    page.goto(url("student/lessons/01-basics.html"))
    page.locator(".cf-tools").wait_for()
    page.check("#ex-b-choice-box input[value=b]")
    page.check("#ex-b-multi-box input[value=a]")
    page.fill("#cf-student", "Zoë <img src=x onerror=window.__pwned=1>")
    with page.expect_download() as dl:
        page.click("[data-cf-action=download]")
    answers = tmp_path / dl.value.suggested_filename
    dl.value.save_as(answers)
    # the teacher grades it on Check answers
    page.goto(url("teacher/teacher/check-answers.html"))
    page.set_input_files("#cf-grader-files", [str(answers)])
    page.wait_for_selector("#cf-grader-table table", timeout=10000)
    rows = page.eval_on_selector_all("#cf-grader-table tr", "trs => trs.map(tr => [...tr.cells].map(c => c.textContent))")
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row))
    assert cell["Student"] == "Zoë <img src=x onerror=window.__pwned=1>"  # shown as text
    assert float(cell["01-basics/b-choice"]) == 2.0 and float(cell["01-basics/b-multi"]) == 1.0
    assert page.inner_text("#cf-grader-summary").startswith("Graded 1 file for 1 student.")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#cf-grader-table img").count() == 0
    # the column heads keep their one-line layout without a style attribute (which the CSP refuses)
    assert page.evaluate("getComputedStyle(document.querySelector('#cf-grader-table th.cf-nowrap')).whiteSpace") == "nowrap"
    assert violations == [] and errors == []
    ctx.close()
