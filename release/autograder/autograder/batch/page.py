"""OUT/index.html after a batch: the page a TA opens first.

A static page that works offline from the folder (no server, no CDN: its CSS and script are
written beside it, in OUT/assets/): a sortable, filterable table of the submissions (points
per area, total, test accuracy, the first failed check, the import error), the score
histogram (summary's scores.png) and the pass rate per check, a link per submission to
OUT/NAME/feedback.html (feedback.md and feedback.en.md rendered, with a language switch,
the learning curves and what the code printed), and the similarity ranking
(autograder.batch.similarity) with a side-by-side page per pair.

Everything is built from the grades (the journal's, for a resumed batch) and the
submissions' code, in name order, so the same grades give the same pages. Every string a
submission controls goes through autograder.inert; the feedback Markdown is rendered by
markdown-it-py with raw HTML disabled, and the pages' Content-Security-Policy allows only
their own script file.
"""
from __future__ import annotations

import os
import string
from pathlib import Path
from urllib.parse import quote

from assignment.idx import write_atomic
from autograder import inert, scheme
from autograder.results import Grade

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = ("page.css", "page.js")
FOLDERS = ("assets", "similarity", "derivation")  # OUT/assets/, OUT/similarity/, OUT/derivation/: no submission
# may be named so


# Each page: its language, the language shown first (the page's own switch may change it), where
# it finds OUT/assets.
PAGES = {"index.html": ("en", "ru", "assets/"), "similarity.html": ("en", "en", "assets/"),
         "pair.html": ("en", "en", "../assets/"), "submission.html": ("ru", "ru", "../assets/"),
         "derivation.html": ("en", "en", "../assets/")}


def render(template: str, **values: str) -> str:
    """A template of autograder/batch/templates with its $names replaced by the given HTML
    fragments (already escaped by the caller); a missing value raises KeyError. A page's
    $head (head.html: the doctype, <html>, and <head> with the charset, the Content-Security-Policy,
    the title, the stylesheet and the script) is written once for every page."""
    if template in PAGES:
        lang, shown, assets = PAGES[template]
        head = render("head.html", title=values["title"], lang=lang, shown=shown, assets=assets)
        values = {**values, "head": head.rstrip("\n")}
    return string.Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)


def copy_assets(out: Path) -> None:
    """OUT/assets/page.css and page.js, which every page links to."""
    (out / "assets").mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        write_atomic(out / "assets" / name, (TEMPLATES / name).read_bytes())


def markdown_html(text: str) -> str:
    """CommonMark (with tables) as HTML, raw HTML in the source shown as text, never passed on."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def href(name: str, *parts: str) -> str:
    """A relative link to OUT/NAME/...: the name percent-encoded (no '/', ':' or quote survives)."""
    # the folder's own bytes (a name that is not UTF-8 holds surrogate escapes), each one encoded
    return "/".join([quote(os.fsencode(name), safe="")] + [quote(p) for p in parts])


def first_failure(grade: Grade) -> str:
    """What a TA reads first about a submission: that the grader failed on it (and why), else
    its import error, else its first failed check, else a failure to write its reports."""
    if grade.ungraded:
        return f"UNGRADED, the grader failed: {grade.grader_failure}"
    if grade.import_error:
        return grade.import_error.splitlines()[0] if grade.import_error.strip() else grade.import_error
    failed = [c for c in grade.checks if c.status == "failed"]
    if failed:
        return f"{failed[0].title(False)}: {failed[0].en}"
    return grade.report_error


def identity_cells(grade: Grade) -> list[str]:
    """The LMS identity cells of a row (a batch from a Moodle or Canvas bulk download): who,
    as the LMS names them, and the late mark."""
    who = grade.identity or {}
    text = f"{who.get('name', '')} ({who.get('lms', '')} {who.get('uid', '')})" if who else ""
    late = "late" if who.get("late") else ""
    return [f'<td class="text who" data-v="{inert.html(text)}">{inert.html(text)}</td>',
            f'<td class="text late" data-v="{late}">{late}</td>']


def submission_row(name: str, grade: Grade, areas, lms: bool = False) -> str:
    """One <tr> of the submissions table (with `lms`, the identity columns too). data-v holds
    what the column sorts by."""
    scores = grade.area_scores()
    accuracy = "" if grade.test_accuracy is None else f"{grade.test_accuracy:.2%}"
    why = inert.field(first_failure(grade), 300)
    cells = [f'<td class="text name" data-v="{inert.html(name)}"><a href="{inert.html(href(name, "feedback.html"))}">'
             f"{inert.html(name)}</a></td>"] + (identity_cells(grade) if lms else [])
    if grade.ungraded:  # no score at all, flagged: never a 0 it did not earn
        cells += ['<td data-v="">–</td>' for _ in areas]
        cells.append(f'<td data-v="-1"><strong>ungraded</strong> / {grade.max_score:g}</td>')
    else:
        cells += [f'<td data-v="{scores[a.key]:g}">{scores[a.key]:g}</td>' for a in areas]
        cells.append(f'<td data-v="{grade.score:g}"><strong>{grade.score:g}</strong> / {grade.max_score:g}</td>')
    cells.append(f'<td data-v="{"" if grade.test_accuracy is None else grade.test_accuracy}">{accuracy}</td>')
    short = why if len(why) <= 110 else why[:110] + "…"  # the whole of it on hover and on the page
    cells.append(f'<td class="text why" title="{inert.html(why)}">{inert.html(short)}</td>')
    flag = " class=ungraded" if grade.ungraded else " class=zero" if grade.score == 0 else ""
    return f'<tr{flag}>{"".join(cells)}</tr>'


def check_rows(grades: dict[str, Grade]) -> str:
    """The pass rate of every check, in the order the checks ran, as <tr>s (names are the
    grader's own, escaped all the same)."""
    rates: dict[str, list] = {}
    for name in sorted(grades):
        for c in grades[name].checks:
            rates.setdefault(c.name, [c.area, 0, 0])
            rates[c.name][1] += c.status == "passed"
            rates[c.name][2] += 1
    rows = []
    for check, (area, passed, total) in rates.items():
        rate = passed / total
        rows.append(f'<tr><td class="text">{inert.html(check)}</td><td>{inert.html(area)}</td>'
                    f'<td data-v="{passed}">{passed}/{total}</td><td data-v="{rate:.4f}">'
                    f'<meter min="0" max="1" value="{rate:.4f}"></meter> {rate:.0%}</td></tr>')
    return "\n".join(rows)


def submission_page(name: str, grade: Grade) -> str:
    """OUT/NAME/feedback.html: feedback.md and feedback.en.md rendered (the reader picks the
    language), with the learning curves (history.png, beside it) and what the code printed."""
    title = f"{inert.field(name, 200)}: {grade.score:g} / {grade.max_score:g}"
    return render("submission.html", title=inert.html(title),
                  feedback_ru=markdown_html(grade.markdown(name, "ru")),
                  feedback_en=markdown_html(grade.markdown(name, "en")))


def write_batch_page(out: Path, grades: dict[str, Grade], codes: dict[str, bytes] | None = None) -> Path:
    """OUT/index.html, OUT/NAME/feedback.html for every submission, OUT/assets/, and, given
    the submissions' code ({name: network.py bytes}), the similarity report in
    OUT/similarity/ (its ranking also on index.html). Needs OUT/scores.png
    (reports.write_summary). Returns index.html's path."""
    from autograder.batch import similarity

    copy_assets(out)
    areas = scheme.AUTOGRADED_AREAS
    for name in sorted(grades):
        try:
            page = submission_page(name, grades[name])
        except Exception as exc:  # noqa: BLE001 - one submission's page failing is its own, the batch goes on
            page = render("submission.html", title=inert.html(inert.field(name, 200)),
                          feedback_ru=f"<p>{inert.html(f'{type(exc).__name__}: {exc}'[:300])}</p>", feedback_en="")
        write_atomic(out / name / "feedback.html", page.encode())
    lms = any(g.identity for g in grades.values())  # a bulk download from Moodle or Canvas
    headers = ('<th class="text" data-key="submission">submission</th>'
               + ('<th class="text" data-key="who">LMS identity</th><th class="text" data-key="late">late</th>'
                  if lms else "")
               + "".join(f'<th data-key="{a.key}" title="{inert.html(a.title_en)}">{a.key} /{a.points}</th>'
                         for a in areas)
               + '<th data-key="total">total</th><th data-key="accuracy">test accuracy</th>'
               '<th class="text" data-key="failure">first failure</th>')
    ungraded = sorted(n for n, g in grades.items() if g.ungraded)
    scores = [g.score for g in grades.values() if not g.ungraded]
    mean = sum(scores) / max(1, len(scores))
    passed = sum(1 for g in grades.values() if not g.ungraded and g.score >= 0.5 * g.max_score)
    top = max((g.max_score for g in grades.values()), default=scheme.AUTOGRADED)
    section, link = "", ""
    if codes is not None:
        sources = [similarity.Source(n, c.decode("utf-8-sig", "replace").replace("\r\n", "\n"))
                   for n, c in sorted(codes.items())]
        # the stub (nbgrader's clearing: seconds of imports) only matters where there is a pair to compare
        pairs = similarity.rank(sources, [similarity.stub_source()]) if len(sources) > 1 else []
        similarity.write_report(out / "similarity", sources, pairs, [])
        section = similarity.section(pairs, "similarity/")
        link = ' · <a href="similarity/index.html">similarity</a>'
    if (out / "derivation" / "index.html").is_file():  # written just before, from this batch's answers
        link += ' · <a href="derivation/index.html">derivation</a>'
    page = render("index.html", title=f"mnist-hw: {len(grades)} submissions",
                  stats=f"mean {mean:.1f} / {top:g}; {passed} of {len(grades)} at half the points "
                        "or more" + (f"; <strong class=ungraded>{len(ungraded)} UNGRADED (the grader failed; graded "
                                     f"again on the next run): {inert.html(inert.field(', '.join(ungraded), 300))}"
                                     "</strong>" if ungraded else ""),
                  similarity_link=link, check_rows=check_rows(grades), count=str(len(grades)), headers=headers,
                  rows="\n".join(submission_row(n, grades[n], areas, lms) for n in sorted(grades)), similarity=section)
    write_atomic(out / "index.html", page.encode())
    return out / "index.html"
