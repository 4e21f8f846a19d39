"""What a grading leaves behind: Gradescope's results.json, the student's feedback (ru, en),
the gradebook and a summary for the batch."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from assignment.idx import write_atomic
from autograder import inert, scheme
from autograder.runner import Grade

PROTECTION_NAMES = {
    "filesystem": ("filesystem isolation (bubblewrap or Landlock)",
                   "изоляция файловой системы (bubblewrap или Landlock)"),
    "network": ("no network", "без сети"),
    "process_isolation": ("own process tree, out of reach of others, killed as a whole",
                          "своё дерево процессов, недоступное другим, завершаемое целиком"),
    "unprivileged_user": ("unprivileged user", "непривилегированный пользователь"),
    "own_user": ("a user of its own: process cap per submission", "свой пользователь: лимит процессов на работу"),
    "disk_limit": ("at most 256 MiB written", "не больше 256 МиБ записанного"),
    "resource_limits": ("CPU, memory, process and file-size limits", "лимиты CPU, памяти, процессов и файлов"),
    "scrubbed_environment": ("scrubbed environment", "очищенное окружение"),
    "wall_time_limit": ("wall-time limit per call", "лимит времени на вызов"),
}


def area_scores(grade: Grade) -> dict[str, float]:
    return {a.key: round(sum(c.score for c in grade.checks if c.area == a.key), 4)
            for a in scheme.AREAS if a.graded_by == "autograder"}


def gradescope(grade: Grade) -> dict:
    """Gradescope's results.json: https://gradescope-autograders.readthedocs.io (specification).

    Every output and name is plain text ("output_format"/"name_format": "text"), never
    "html", "md" or "ansi", so Gradescope shows what the submission put into it as it is."""
    tests = []
    text = {"output_format": "text", "name_format": "text"}
    if grade.import_error:
        error = inert.field(grade.import_error)
        tests.append({"name": "network.py imports", "score": 0, "max_score": 0, "status": "failed",
                      "visibility": "visible", "output": f"{error}\n\nnetwork.py не импортируется: "
                                                         f"{inert.field(grade.import_error_ru) or error}", **text})
    for number, check in enumerate(grade.checks, 1):
        output = "" if check.status == "passed" else f"{inert.field(check.ru)}\n\n{inert.field(check.en)}"
        tests.append({"name": check.gradescope_name(), "number": str(number), "score": check.score,
                      "max_score": check.max_score,
                      "status": check.status, "output": output, "tags": [check.area],
                      "visibility": "after_published" if check.visibility == "hidden" else "visible", **text})
    missing = [n for n, ok in grade.protections.items() if not ok]
    return {
        "score": grade.score,
        "max_score": grade.max_score,
        "execution_time": round(grade.execution_time, 2),
        "output": "Sandbox protections missing: " + ", ".join(missing) if missing else "",
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "visibility": "visible",
        "tests": tests,
        "extra_data": {"areas": area_scores(grade), "test_accuracy": grade.test_accuracy,
                       "protections": grade.protections},
    }


def feedback_markdown(name: str, grade: Grade, lang: str) -> str:
    """feedback.md (lang "ru") or feedback.en.md ("en"). What the submission controls (its
    name, the messages, the import error, what it printed) is inert: inline text through
    inert.markdown_inline, blocks in fences through inert.markdown_code."""
    ru = lang == "ru"
    lines = [f"# {'Результаты проверки' if ru else 'Grading results'}: {inert.markdown_inline(inert.field(name))}", ""]
    lines.append(f"**{'Итого' if ru else 'Total'}: {grade.score:g} / {grade.max_score:g}**"
                 + (" (без письменной части, её проверяет преподаватель)" if ru else
                    " (the written derivation is graded by the instructor)"))
    lines.append("")
    if grade.import_error:
        lines += [("network.py не удалось импортировать, поэтому ни одна проверка не запускалась:" if ru else
                   "network.py could not be imported, so no check ran:"), "",
                  inert.markdown_code(inert.field((grade.import_error_ru or grade.import_error) if ru
                                                  else grade.import_error)), ""]
    scores = area_scores(grade)
    lines += [f"| {'часть' if ru else 'area'} | {'баллы' if ru else 'points'} |", "|---|---|"]
    for area in scheme.AREAS:
        if area.key in scores and any(c.area == area.key for c in grade.checks):
            title = inert.markdown_inline(area.title_ru if ru else area.title_en, table=True)
            lines.append(f"| {title} | {scores[area.key]:g} / {area.points} |")
    lines.append("")
    failed = [c for c in grade.checks if c.status == "failed"]
    if failed:
        lines += [f"## {'Что исправить' if ru else 'What to fix'}", ""]
        for check in failed:
            lines.append(f"- **{inert.markdown_inline(check.title(ru))}** ({check.score:g} / "
                         f"{check.max_score:g}): {inert.markdown_inline(inert.field(check.ru if ru else check.en))}")
        lines.append("")
    elif grade.checks:
        lines += ["Все проверки пройдены." if ru else "Every check passed.", ""]
    if grade.test_accuracy is not None:
        lines += [f"{'Точность на тесте' if ru else 'Test accuracy'}: {grade.test_accuracy:.2%}", "",
                  "![](history.png)", ""]
    if grade.output.strip():
        lines += [f"## {'Что напечатал ваш код' if ru else 'What your code printed'}", "",
                  inert.markdown_code(inert.capped(grade.output.strip(), 5000)), ""]
    missing = [PROTECTION_NAMES.get(n, (n, n))[0 if not ru else 1] for n, ok in grade.protections.items() if not ok]
    if missing:
        lines.append(("Защиты песочницы, которых не было при проверке: " if ru else
                      "Sandbox protections missing during grading: ") + ", ".join(missing))
    return "\n".join(lines) + "\n"


def write_submission_reports(directory: Path, name: str, grade: Grade) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if grade.history:
        from assignment.plots import plot_history

        plot_history(grade.history, directory / "history.png",
                     title=f"{inert.mathtext(inert.field(name))}: test accuracy {grade.test_accuracy:.2%}")
    write_atomic(directory / "feedback.md", feedback_markdown(name, grade, "ru").encode())
    write_atomic(directory / "feedback.en.md", feedback_markdown(name, grade, "en").encode())
    write_atomic(directory / "grade.json", json.dumps(grade.to_dict(), indent=1).encode())
    # results.json last: its presence means the submission's reports are complete.
    write_atomic(directory / "results.json", json.dumps(gradescope(grade), indent=2).encode())


def write_gradebook(out: Path, grades: dict[str, Grade]) -> Path:
    """gradebook.csv: a row per submission. The text cells (name, error) go through
    inert.csv_cell, so that a spreadsheet never takes one for a formula; scores are numbers."""
    areas = [a.key for a in scheme.AREAS if a.graded_by == "autograder"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lms = any(g.identity for g in grades.values())  # from a bulk download: who each is in the LMS
    writer.writerow(["submission", *areas, "total", "max_score", "test_accuracy", "error"]
                    + (["lms", "lms_id", "full_name", "late"] if lms else []))
    for name in sorted(grades):
        g = grades[name]
        s = area_scores(g)
        who = g.identity
        writer.writerow([inert.csv_cell(inert.field(name)), *(f"{s[a]:g}" for a in areas), f"{g.score:g}",
                         f"{g.max_score:g}", "" if g.test_accuracy is None else f"{g.test_accuracy:.4f}",
                         inert.csv_cell(inert.clean(g.import_error)[:200])]
                        + ([who.get("lms", ""), inert.csv_cell(inert.field(who.get("uid", ""))),
                            inert.csv_cell(inert.field(who.get("name", ""))), "yes" if who.get("late") else ""]
                           if lms else []))
    write_atomic(out / "gradebook.csv", buffer.getvalue().encode())
    return out / "gradebook.csv"


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

    scores = [g.score for g in grades.values()]
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
             f"{out_of:g}", "", "![](scores.png)", "", "| check | passed |", "|---|---|"]
    lines += [f"| {inert.markdown_inline(name, table=True)} | {sum(r)}/{len(r)} ({sum(r) / len(r):.0%}) |"
              for name, r in rates.items()]
    write_atomic(out / "summary.md", ("\n".join(lines) + "\n").encode())
