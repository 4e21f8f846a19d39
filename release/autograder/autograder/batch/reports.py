"""What a batch leaves behind: each submission's files (results.json, feedback in ru and en,
grade.json, its learning curves), and the batch's gradebook, grades.json and summary. The
forms of one grade are written by the results model (autograder/results.py)."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

from assignment.idx import write_atomic
from autograder import inert, scheme
from autograder.results import Grade


def warm_up():
    """Import matplotlib (Agg, pyplot) in a thread while the batch waits on its gradings, so
    that the reports written after them do not wait for it; returns the thread."""
    import threading

    def load():
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401

    thread = threading.Thread(target=load, name="matplotlib", daemon=True)
    thread.start()
    return thread


REPORT_ERROR = "report-error.txt"  # in OUT/NAME/: why its reports could not all be written


def write_reports_or_error(directory: Path, name: str, grade: Grade) -> Grade:
    """Write one submission's reports; return its Grade, with `report_error` set when writing
    them failed (a plot of absurd numbers, a page, a file). A failure here is this submission's
    alone: what can be written without the plot is, and why is in OUT/NAME/report-error.txt and
    its gradebook row. The batch goes on."""
    try:
        write_submission_reports(directory, name, grade)
        (directory / REPORT_ERROR).unlink(missing_ok=True)  # a resume that now writes them all
        return grade
    except Exception as exc:  # noqa: BLE001 - whatever it is, it must not end the batch
        why = inert.capped(f"writing the reports failed ({type(exc).__name__}: {exc})", 300)
    grade = dataclasses.replace(grade, report_error=why)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(directory / REPORT_ERROR, (why + "\n").encode())
        (directory / "history.png").unlink(missing_ok=True)  # never an older run's curves beside this grade
        write_submission_reports(directory, name, grade, plot=False)
    except Exception:  # noqa: BLE001 - the gradebook row still says why
        pass
    return grade


def write_submission_reports(directory: Path, name: str, grade: Grade, plot: bool = True) -> None:
    """OUT/NAME/: history.png (unless not `plot`), feedback.md, feedback.en.md, grade.json, results.json."""
    directory.mkdir(parents=True, exist_ok=True)
    if grade.history and plot:
        from assignment.plots import plot_history

        plot_history(grade.history, directory / "history.png",
                     title=f"{inert.mathtext(inert.field(name))}: test accuracy {grade.test_accuracy:.2%}")
    write_atomic(directory / "feedback.md", grade.markdown(name, "ru").encode())
    write_atomic(directory / "feedback.en.md", grade.markdown(name, "en").encode())
    grade.write(directory / "grade.json")
    # results.json last: its presence means the submission's reports are complete.
    write_atomic(directory / "results.json", json.dumps(grade.gradescope(), indent=2).encode())


def write_gradebook(out: Path, grades: dict[str, Grade]) -> Path:
    """gradebook.csv: a row per submission. The text cells (name, error) go through
    inert.csv_cell, so that a spreadsheet never takes one for a formula; scores are numbers.
    A submission the grader failed on has no scores (empty cells, never a 0 it did not earn)
    and the grader's reason in `ungraded`; one whose reports failed says so in `error`. Once the
    instructor has confirmed derivation points (`mnist-hw derivation confirm`), a last column
    `derivation` holds them (empty until all seven questions of a submission are confirmed;
    "changed since confirmed" where the student changed a confirmed answer since)."""
    from autograder.derivation import record

    derivation = record.totals(out)
    areas = scheme.AUTOGRADED_KEYS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lms = any(g.identity for g in grades.values())  # from a bulk download: who each is in the LMS
    writer.writerow(["submission", *areas, "total", "max_score", "test_accuracy", "error", "ungraded"]
                    + (["lms", "lms_id", "full_name", "late"] if lms else []) + (["derivation"] if derivation else []))
    for name in sorted(grades):
        g = grades[name]
        s = g.area_scores()
        who = g.identity
        scores = ["" for _ in areas] + [""] if g.ungraded else [*(f"{s[a]:g}" for a in areas), f"{g.score:g}"]
        error = "; ".join(e for e in (g.import_error, g.report_error) if e)
        writer.writerow([inert.csv_cell(inert.field(name)), *scores,
                         f"{g.max_score:g}", "" if g.test_accuracy is None else f"{g.test_accuracy:.4f}",
                         inert.csv_cell(inert.clean(error)[:300]),
                         inert.csv_cell(f"grader failed: {g.grader_failure}"[:300]) if g.ungraded else ""]
                        + ([who.get("lms", ""), inert.csv_cell(inert.field(who.get("uid", ""))),
                            inert.csv_cell(inert.field(who.get("name", ""))), "yes" if who.get("late") else ""]
                           if lms else [])
                        + ([_points(derivation.get(name))] if derivation else []))
    write_atomic(out / "gradebook.csv", buffer.getvalue().encode())
    return out / "gradebook.csv"


def _points(value) -> str:
    """A derivation cell: the points, empty (not all confirmed), or record.CHANGED as it is."""
    return "" if value is None else value if isinstance(value, str) else f"{value:g}"


def write_grades(out: Path, grades: dict[str, Grade]) -> Path:
    """OUT/grades.json: {name: Grade as a dict} of this run, what `mnist-hw export` reads."""
    path = out / "grades.json"
    write_atomic(path, json.dumps({n: grades[n].to_dict() for n in sorted(grades)}, indent=1).encode())
    return path


def write_summary(out: Path, grades: dict[str, Grade]) -> None:
    """A score histogram (PNG) and the pass rate of every check (Markdown)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = [g.score for g in grades.values() if not g.ungraded]  # no grade is not a 0
    ungraded = sorted(n for n, g in grades.items() if g.ungraded)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(scores, bins=range(0, int(scheme.AUTOGRADED) + 6, 5), edgecolor="white")
    ax.set_xlabel("score")
    ax.set_ylabel("submissions")
    ax.set_title(f"{len(scores)} submissions")
    fig.tight_layout()
    fig.savefig(out / "scores.png", dpi=100)
    plt.close(fig)
    rates: dict[str, list[int]] = {}
    for name in sorted(grades):  # the same order whatever order the gradings finished in
        for c in grades[name].checks:
            rates.setdefault(c.name, []).append(c.status == "passed")
    out_of = max((g.max_score for g in grades.values()), default=scheme.AUTOGRADED)  # 70 without training
    lines = ["# Summary", "", f"{len(grades)} submissions, mean score {sum(scores) / max(1, len(scores)):.1f} / "
             f"{out_of:g}", ""]
    if ungraded:
        lines += [f"**{len(ungraded)} ungraded** (the grader itself failed; graded again on the next run): "
                  + inert.markdown_inline(inert.field(", ".join(ungraded), 500)), ""]
    lines += ["![](scores.png)", "", "| check | passed |", "|---|---|"]
    lines += [f"| {inert.markdown_inline(name, table=True)} | {sum(r)}/{len(r)} ({sum(r) / len(r):.0%}) |"
              for name, r in rates.items()]
    write_atomic(out / "summary.md", ("\n".join(lines) + "\n").encode())
