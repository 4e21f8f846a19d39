"""`mnist-hw check [PATH] [--area A] [--training] [--json]`: the public checks on the student's
network.py, in this process, with the grader's check files (autograder/grading/checks) and two
differences that keep the solution out of the student release:
- only the public checks (the hidden ones are cut out of the release's copies);
- only their fixed cases (problems.EXAMPLES), whose reference answers the release carries
  (autograder/local/answers.py).
So a student sees, before submitting, exactly the explanations the grader will give for these
checks. Locally the training check measures test accuracy with the student's own forward; when
grading, the reference's forward does.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from assignment.cli import DataDir, LangOption, console, fail, helped, load_data_or_fail, locale_lang, out, speak
from autograder import inert, messages, scheme
from autograder.results import CheckResult

if TYPE_CHECKING:
    from autograder.local.student import NotImported

app = typer.Typer()


@dataclass
class LocalRun:
    """The local checks' outcome: the results, why network.py did not import (or None), and
    what it printed."""

    results: list[CheckResult]
    why: NotImported | None
    output: str


def run_local(network_py, areas=scheme.QUICK_KEYS, data_dir=None) -> LocalRun:
    """The public checks of `areas` on network_py, in this process. A network.py that does
    not import fails every check, with why."""
    # imported here, not with the command line: `mnist-hw grade`'s process has no use for pytest
    from autograder.grading.calls import Unimportable
    from autograder.grading.plugin import run_checks
    from autograder.local.answers import local_reference
    from autograder.local.capture import Printed
    from autograder.local.student import LocalStudent, NotImported, load_student
    from autograder.sandbox import imports

    printed = Printed()
    try:
        module, why = load_student(network_py, printed), None
        student, reference = LocalStudent(module, data_dir, printed), local_reference(module)
        student.own = imports.own_modules_in(network_py)
    except NotImported as exc:
        why = exc
        student, reference = Unimportable((exc.en, exc.ru)), local_reference(None)
    plugin = run_checks(student, reference, data_dir, list(areas), profile="student", public_only=True)
    return LocalRun(plugin.results, why, printed.text())


QUICK_RUN = "MNIST_HW_EPOCHS"  # set (the notebook's quick run, MNIST_HW_EPOCHS=1): the training check is left out


def check_area(area: str, network="network.py", lang: str | None = None, data_dir=None) -> float:
    """The notebook's check cells: the public checks of one area, reported; the points they
    give. Nothing reaches stderr, which nbgrader would take for a failed cell. `lang`: ru or en,
    by default the locale's (assignment.cli.locale_lang)."""
    lang = lang or locale_lang()
    if area == "training" and os.environ.get(QUICK_RUN):  # the notebook's quick run: no 12-epoch check in it
        out.print(messages.say(messages.quick_run_no_training(os.environ[QUICK_RUN]), lang))
        return 0.0
    with contextlib.redirect_stderr(io.StringIO()):
        run = run_local(network, [area], data_dir)
    if run.why:
        out.print(inert.terminal_text(run.why.ru if lang == "ru" else run.why.en))
    points, _ = report(run.results, [area], lang, details=run.why is None)
    return points


def report(results: list[CheckResult], areas, lang: str = "ru", details: bool = True) -> tuple[float, float]:
    """Print, per area, the public points and (with `details`) each failure's explanation;
    return (points, of)."""
    ru = lang == "ru"
    say = {key: messages.say(pair, lang) for key, pair in messages.LOCAL.items()}
    table = Table(title=say["public_checks"])
    for column in ("area", "points", "result"):
        table.add_column(say[column])
    for area in scheme.AREAS:
        if area.key not in areas:
            continue
        mine = [r for r in results if r.area == area.key]
        got, of = sum(r.score for r in mine), sum(r.max_score for r in mine)
        ok = bool(mine) and all(r.status == "passed" for r in mine)  # no result is no pass
        verdict = f"[green]{say['passed']}[/]" if ok else f"[red]{say['failed']}[/]"
        table.add_row(area.title_ru if ru else area.title_en, f"{got:g} / {of:g}", verdict)
    out.print(table)
    for r in results if details else ():
        note = r.note(local=True)
        if r.status == "passed" and note:  # training stopped early: at which epoch, and that the grader's may differ
            out.print(Text.assemble(("✓", "green"), " ", inert.terminal_text(r.title(ru), "bold"), "\n  ",
                                    note[1] if ru else note[0]))
        if r.status != "passed":  # the explanation may quote the student's exception: printed as text, cleaned
            out.print(Text.assemble(("✗", "red"), " ", inert.terminal_text(r.title(ru), "bold"), "\n  ",
                                    inert.terminal_text(r.ru if ru else r.en)))
    return sum(r.score for r in results), sum(r.max_score for r in results)


def grader_only(results: list[CheckResult], areas) -> list[dict]:
    """What only the grader checks, as rows {"area", "points", "what"} (what: an autograder.messages
    LOCAL key): per autograded area, its points in the scheme less those of the public checks
    run here (the hidden checks'; a whole area not run here), and training, graded by the
    grader's own run. With the public checks' points they make scheme.AUTOGRADED."""
    rows = []
    for area in scheme.AUTOGRADED_AREAS:
        public = sum(r.max_score for r in results if r.area == area.key)
        if area.key == "training":
            what = "training_previewed" if area.key in areas else "training_by_grader"
        else:
            what = "hidden_checks" if area.key in areas else "not_run_here"
        if area.points - public or area.key == "training":
            rows.append({"area": area.key, "points": area.points - public, "what": what})
    return rows


def grader_only_report(rows: list[dict], lang: str = "ru") -> None:
    """Print what only the grader checks, a row per area with its points."""
    ru = lang == "ru"
    say = {key: messages.say(pair, lang) for key, pair in messages.LOCAL.items()}
    titles = {a.key: a.title_ru if ru else a.title_en for a in scheme.AREAS}
    table = Table(title=say["grader_only"])
    for column in ("area", "points", "what"):
        table.add_column(say[column])
    for row in rows:
        table.add_row(titles[row["area"]], f"{row['points']:g}", say.get(row["what"], row["what"]))
    out.print(table)


@app.command(help=helped("check"))
def check(network: Path = typer.Argument(Path("network.py"), help=helped("check_network")),
          area: list[str] = typer.Option(None, help=helped("area", ", ".join(scheme.AUTOGRADED_KEYS))),
          training: bool = typer.Option(False, help=helped("training", messages.training_terms())),
          lang: str = LangOption,
          as_json: bool = typer.Option(False, "--json", help=helped("json")),
          data_dir: Path = DataDir):
    """Run the public checks on your network.py: per area, passed or what to fix. Exit status 1 while anything fails."""
    lang = speak(lang)
    unknown = [a for a in area or () if a not in scheme.AUTOGRADED_KEYS]
    if unknown:
        fail(messages.kit("no_area", ", ".join(unknown), ", ".join(scheme.AUTOGRADED_KEYS)))
    areas = tuple(area) if area else scheme.QUICK_KEYS + (("training",) if training else ())
    if "training" in areas:
        load_data_or_fail(data_dir)
    run = run_local(network, areas, data_dir)
    results, why = run.results, run.why
    if as_json:
        print(json.dumps(to_report(run, lang, areas), ensure_ascii=False, indent=1))
        raise typer.Exit(1 if not results or any(r.status != "passed" for r in results) else 0)
    ru = lang == "ru"
    say = {key: messages.say(pair, lang) for key, pair in messages.LOCAL.items()}
    if why:
        out.print(Text.assemble(say["not_imported"], inert.terminal_text(why.ru if ru else why.en)))
    points, of = report(results, areas, lang, details=why is None)
    out.print(f"{say['total']}: [bold]{points:g} / {of:g}[/].")
    rows = grader_only(results, areas)
    grader_only_report(rows, lang)
    out.print(messages.say(messages.adds_up(of, sum(r["points"] for r in rows), scheme.AUTOGRADED), lang))
    if run.output:
        out.print(say["printed"], highlight=False)
        lines = run.output.split("\n")  # newlines only: CR, U+2028 are shown, not obeyed (autograder.inert)
        out.print(inert.terminal_text("\n".join(lines[:20])
                                      + (f"\n… ({len(lines) - 20} {say['more_lines']})" if len(lines) > 20 else "")))
    if "training" not in areas:
        console.print(say["no_training"])
    if not results or any(r.status != "passed" for r in results):
        raise typer.Exit(1)


def to_report(run: LocalRun, lang: str, areas=scheme.QUICK_KEYS) -> dict:
    """`check --json`: the public checks' results, each named as in the grader's results.json,
    so a script can compare the two check by check; what network.py printed; and what only the
    grader checks (grader_only's rows, "what" said in `lang`)."""
    ru, results, why = lang == "ru", run.results, run.why
    rows = [{**row, "what": messages.say(messages.LOCAL[row["what"]], lang)} for row in grader_only(results, areas)]
    return {"score": round(sum(r.score for r in results), 4), "max_score": sum(r.max_score for r in results),
            "import_error": inert.field(why.ru if ru else why.en) if why else "", "output": inert.clean(run.output),
            "tests": [{"name": r.gradescope_name(), "area": r.area, "score": r.score, "max_score": r.max_score,
                       "status": r.status, "message": inert.field(r.ru if ru else r.en) if r.status != "passed"
                       else messages.say(r.note(local=True) or ("", ""), lang)} for r in results],
            "grader_only": rows, "assignment_points": scheme.AUTOGRADED}
