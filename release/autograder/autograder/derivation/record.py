"""The derivation's records in a batch's OUT: what `mnist-hw grade` writes of each submission's
answers, and what `mnist-hw derivation confirm` records of the instructor's points.

    OUT/NAME/derivation.json         the answers, each question's AnswerCheck and Suggestion, and the
                                     points the instructor confirmed ({question: points}; {} before)
    OUT/NAME/derivation-feedback.md  (Russian) and derivation-feedback.en.md: suggest.feedback()
    OUT/derivation-confirmed.json    every confirmation so far, {"scores": {name: {question: points}} (later
                                     wins), "answers": {name: {question: digest of the answer confirmed}}}
    OUT/derivation.csv               the confirmed points, a column per question and the total

A confirmation is of an answer: it counts only while the submission's answer to that question
is the one confirmed (answer_digest of its text). A batch graded again after the student
changed an answer says that question "changed since confirmed" (derivation.json's "changed",
the feedback, the page, derivation.csv, the gradebook) and counts none of its old points.

A suggestion is never recorded as a grade: only confirm() writes points, and only those the
instructor gave (the batch page's confirmation file, or a CSV submission,question,points).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from pathlib import Path

from assignment.idx import write_atomic
from autograder import inert
from autograder.derivation.answers import Answers
from autograder.derivation.check import KEY_FORMULAS, check_answer
from autograder.derivation.outcome import AnswerCheck
from autograder.derivation.rubric import QUESTION_POINTS, Rubric
from autograder.derivation.suggest import Suggestion, feedback, suggest

RECORD = "derivation.json"
FEEDBACK = {"ru": "derivation-feedback.md", "en": "derivation-feedback.en.md"}
CONFIRMED = "derivation-confirmed.json"
TABLE = "derivation.csv"
KIND = "mnist-hw derivation confirmation"  # the batch page's confirmation file says it is one
CHANGED = "changed since confirmed"  # derivation.csv's and the gradebook's cell for such an answer


class ConfirmationError(ValueError):
    """A confirmation cannot be recorded as given: the message names what and how to fix it."""


def checked(answers: Answers) -> dict[int, AnswerCheck]:
    """Every question's AnswerCheck; a question the submission does not have is unanswered."""
    return {q: check_answer(q, answers.answers.get(q, "")) for q in KEY_FORMULAS}


def answer_digest(text: str) -> str:
    """What a confirmation records of the answer it confirms: 16 hex digits of its text's SHA-256."""
    return hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def write_submission(directory: Path, name: str, answers: Answers, rubric: Rubric,
                     confirmed: dict[int, float] | None = None, changed=(), unread=()) -> dict:
    """OUT/NAME/derivation.json and its feedback; returns the record written. `confirmed`:
    the points the instructor already confirmed for it, of answers still as confirmed (a batch
    graded again keeps them); `changed`: the questions whose answer changed since confirmed;
    `unread`: notes on answer files that could not be read ((en, ru) pairs)."""
    checks = checked(answers)
    record = {"submission": name, "sources": list(answers.sources),
              "answers": {str(q): answers.answers.get(q, "") for q in KEY_FORMULAS},
              "questions": {str(q): {"check": c.to_dict(), "suggestion": suggest(c, rubric).to_dict()}
                            for q, c in checks.items()},
              "confirmed": {str(q): p for q, p in sorted((confirmed or {}).items())},
              "changed": sorted(int(q) for q in changed),
              "notes": [list(n) for n in unread]}
    _write(directory, record)
    return record


def _write(directory: Path, record: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = record["submission"]
    suggestions = suggestions_of(record)
    confirmed = confirmed_of(record)
    for lang, filename in FEEDBACK.items():
        write_atomic(directory / filename, feedback(name, suggestions, confirmed, lang, record["sources"],
                                                    changed_of(record), notes_of(record)).encode())
    write_atomic(directory / RECORD, json.dumps(record, indent=1, ensure_ascii=False).encode())


def suggestions_of(record: dict) -> dict[int, Suggestion]:
    return {int(q): Suggestion.from_dict(v["suggestion"]) for q, v in record.get("questions", {}).items()}


def checks_of(record: dict) -> dict[int, AnswerCheck]:
    return {int(q): AnswerCheck.from_dict(v["check"]) for q, v in record.get("questions", {}).items()}


def confirmed_of(record: dict) -> dict[int, float]:
    return {int(q): float(p) for q, p in record.get("confirmed", {}).items()}


def changed_of(record: dict) -> list[int]:
    """The questions whose answer changed since the instructor confirmed it (their points no longer count)."""
    return [int(q) for q in record.get("changed", [])]


def notes_of(record: dict) -> list[tuple[str, str]]:
    """(en, ru) notes on the submission's answer files that could not be read."""
    return [(str(n[0]), str(n[1])) for n in record.get("notes", []) if isinstance(n, (list, tuple)) and len(n) == 2]


def read_batch(out: Path) -> dict[str, dict]:
    """{name: record} of every OUT/NAME/derivation.json (name = the folder's name)."""
    found = {}
    for path in sorted(Path(out).glob(f"*/{RECORD}")):
        try:
            found[path.parent.name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a record that cannot be read is no submission's derivation
    return found


def _stored(out: Path) -> dict[str, dict[int, tuple[float, str | None]]]:
    """OUT/derivation-confirmed.json as recorded: {name: {question: (points, answer digest)}};
    a digest None where a file of an older mnist-hw recorded none (its points count as they are)."""
    path = Path(out) / CONFIRMED
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    digests = data.get("answers", {})
    return {n: {int(q): (float(p), digests.get(n, {}).get(str(q))) for q, p in qs.items()}
            for n, qs in data.get("scores", {}).items()}


def _standing(stored: dict[int, tuple[float, str | None]], answers: dict | None
              ) -> tuple[dict[int, float], list[int]]:
    """(the confirmations that count, the questions changed since confirmed) of one submission,
    its answers now {question (str): text}; None: it has no derivation any more."""
    counted, changed = {}, []
    for q, (points, digest) in sorted(stored.items()):
        if digest is None or (answers is not None and digest == answer_digest(answers.get(str(q), ""))):
            counted[q] = points
        else:
            changed.append(q)
    return counted, changed


def standing(out: Path) -> tuple[dict[str, dict[int, float]], dict[str, list[int]]]:
    """({name: {question: points}} of the confirmations that still count, {name: [question]}
    of those whose answer changed since: each checked against OUT/NAME/derivation.json now."""
    records = read_batch(out)
    counted, changed = {}, {}
    for name, qs in _stored(out).items():
        record = records.get(name)
        counted[name], gone = _standing(qs, record.get("answers", {}) if record else None)
        if gone:
            changed[name] = gone
    return counted, changed


def confirmations(out: Path) -> dict[str, dict[int, float]]:
    """{name: {question: points}} of the confirmations that count: of answers still as confirmed ({} before any)."""
    return standing(out)[0]


def totals(out: Path) -> dict[str, float | str | None]:
    """Each confirmed submission's derivation points: the sum, where all seven questions are
    confirmed; CHANGED where an answer changed since confirmed; else None."""
    counted, changed = standing(out)
    return {n: (CHANGED if n in changed else sum(qs.values()) if set(qs) >= set(QUESTION_POINTS) else None)
            for n, qs in counted.items()}


# -- reading a confirmation ------------------------------------------------------------------
def _rows_of_csv(text: str, where: str) -> list[tuple[str, object, object]]:
    reader = csv.DictReader(io.StringIO(text))
    wanted = {"submission", "question", "points"}
    header = [f.strip().lower() for f in reader.fieldnames or []]
    if not reader.fieldnames or not wanted <= set(header):
        raise ConfirmationError(f"{where}: a confirmation CSV has the header submission,question,points "
                                f"(this one has {', '.join(reader.fieldnames or []) or 'none'})")
    extra = [inert.field(f, 40) for f in reader.fieldnames if f.strip().lower() not in wanted]
    if extra or len(header) != len(set(header)):  # a column it would not read: the confirmation is not as meant
        raise ConfirmationError(f"{where}: a confirmation CSV has the columns submission,question,points only "
                                f"(this one also has {', '.join(map(repr, extra)) or 'one of them twice'})")
    rows = []
    for number, row in enumerate(reader, 1):
        if None in row:  # more cells than the header's columns
            raise ConfirmationError(f"{where}: row {number} has more cells than submission,question,points")
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        rows.append((row["submission"], row["question"], row["points"]) if any(row.values()) else None)
    return rows


def read_confirmation(path: Path) -> list[tuple[str, object, object] | None]:
    """(submission, question, points) rows of a confirmation: the batch page's file (JSON, its
    "kind" says so) or a CSV with the header submission,question,points. Not yet checked; an
    empty CSV row is None (so that the rows after keep their numbers). ConfirmationError (one
    line) where it is neither."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfirmationError(f"{path}: cannot be read ({exc})") from None
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except RecursionError:  # a JSON nested deeper than Python's stack: no confirmation file is
            raise ConfirmationError(f"{path}: not a confirmation file of the batch page (nested too deep to "
                                    "read)") from None
        except ValueError as exc:
            raise ConfirmationError(f"{path}: not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("kind") != KIND or not isinstance(data.get("scores"), list):
            raise ConfirmationError(f"{path}: not a confirmation file of the batch page (it says \"kind\": "
                                    f"\"{KIND}\" and holds \"scores\")")
        return [(s.get("submission"), s.get("question"), s.get("points")) if isinstance(s, dict) else s
                for s in data["scores"]]
    try:
        return _rows_of_csv(text, str(path))
    except csv.Error as exc:  # a cell past the csv module's limit, a NUL: not a confirmation CSV
        raise ConfirmationError(f"{path}: not a confirmation CSV ({exc})") from None


def validated(out: Path, rows) -> dict[str, dict[int, float]]:
    """{name: {question: points}} of the rows, each checked against the batch in OUT: a
    submission it graded with a derivation, a question 1..7, points from 0 to the question's.
    ConfirmationError naming every row that is not (nothing is recorded then)."""
    known = read_batch(out)
    scores: dict[str, dict[int, float]] = {}
    problems = []
    for number, row in enumerate(rows, 1):
        if row is None:  # an empty CSV row: nothing, but counted so that later rows keep their numbers
            continue
        if not isinstance(row, tuple):  # a JSON entry that is no {submission, question, points}
            kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(row), "a number")
            problems.append(f"row {number}: {kind}, not an object {{\"submission\", \"question\", \"points\"}}")
            continue
        name, question, points = row
        shown = inert.field(str(name), 80)
        if not isinstance(name, str) or name not in known:
            problems.append(f"row {number}: {shown!r} is no submission of {out} with a derivation")
            continue
        try:
            q = int(str(question))
        except ValueError:
            q = None
        if q not in QUESTION_POINTS:
            problems.append(f"row {number} ({shown}): question {inert.field(str(question), 20)!r} is not 1 to 7")
            continue
        try:
            p = float(str(points).replace(",", "."))
        except ValueError:
            p = math.nan
        if not (0 <= p <= QUESTION_POINTS[q]):
            problems.append(f"row {number} ({shown}, question {q}): points {inert.field(str(points), 20)!r} must be "
                            f"a number from 0 to {QUESTION_POINTS[q]}")
            continue
        scores.setdefault(name, {})[q] = p
    if problems:
        raise ConfirmationError(f"nothing recorded; {len(problems)} row(s) cannot be:\n  " + "\n  ".join(problems[:20])
                                + (f"\n  and {len(problems) - 20} more" if len(problems) > 20 else ""))
    if not scores:
        raise ConfirmationError("nothing to record: the confirmation confirms no answer (on the batch page, tick "
                                "\"confirm\" on the groups you have read)")
    return scores


def confirm(out: Path, scores: dict[str, dict[int, float]]) -> dict[str, dict[int, float]]:
    """Record validated scores: OUT/derivation-confirmed.json (merged, the new points win), with
    each the digest of the answer confirmed (the submission's derivation.json now); each
    submission's derivation.json and feedback, OUT/derivation.csv. Returns every confirmation that counts."""
    out = Path(out)
    stored = _stored(out)
    records = read_batch(out)
    for name, qs in scores.items():
        answers = records[name].get("answers", {})
        stored.setdefault(name, {}).update({q: (p, answer_digest(answers.get(str(q), ""))) for q, p in qs.items()})
    write_atomic(out / CONFIRMED, json.dumps(
        {"scores": {n: {str(q): p for q, (p, _) in sorted(qs.items())} for n, qs in sorted(stored.items())},
         "answers": {n: {str(q): d for q, (_, d) in sorted(qs.items()) if d} for n, qs in sorted(stored.items())}},
        indent=1, ensure_ascii=False).encode())
    for name in scores:
        record = records[name]
        counted, changed = _standing(stored[name], record.get("answers", {}))
        record["confirmed"] = {str(q): p for q, p in sorted(counted.items())}
        record["changed"] = changed
        _write(out / name, record)
    every, changed = standing(out)
    write_table(out, every, changed)
    return every


def write_table(out: Path, every: dict[str, dict[int, float]], changed: dict[str, list[int]] | None = None) -> Path:
    """OUT/derivation.csv: per submission the confirmed points of each question (empty: not
    confirmed; CHANGED: its answer changed since confirmed, so it awaits confirmation again)
    and their total (empty until all seven are)."""
    changed = changed or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *(f"q{q}" for q in QUESTION_POINTS), "derivation"])
    for name in sorted(set(every) | set(changed)):
        qs, gone = every.get(name, {}), changed.get(name, [])
        done = set(qs) >= set(QUESTION_POINTS)
        writer.writerow([inert.csv_cell(inert.field(name)),
                         *(f"{qs[q]:g}" if q in qs else CHANGED if q in gone else "" for q in QUESTION_POINTS),
                         f"{sum(qs.values()):g}" if done else ""])
    write_atomic(Path(out) / TABLE, buffer.getvalue().encode())
    return Path(out) / TABLE


def write_batch(out: Path, answers: dict[str, Answers | None], rubric: Rubric) -> tuple[dict[str, dict], list[str]]:
    """Each submission's derivation record in OUT/NAME/ (those with answer files, or with an
    answer file that could not be read; an older record of one without is removed), keeping
    the points confirmed of answers still as confirmed (the others: changed since confirmed),
    and OUT/derivation.csv again where anything was confirmed. Returns ({name: record} of this
    batch, problems: a submission whose answers could not be checked, why; the others go on)."""
    out = Path(out)
    stored = _stored(out)
    written, problems = {}, []
    for name in sorted(answers):
        given = answers[name]
        if not given and not (given is not None and given.unread):
            for stale in (RECORD, *FEEDBACK.values()):
                (out / name / stale).unlink(missing_ok=True)
            continue
        counted, changed = _standing(stored.get(name, {}),
                                     {str(q): given.answers.get(q, "") for q in KEY_FORMULAS})
        try:
            written[name] = write_submission(out / name, name, given, rubric, counted, changed, given.unread)
        except Exception as exc:  # noqa: BLE001 - one submission's answers failing is its own, the batch goes on
            problems.append(f"{inert.field(name, 100)}: its derivation could not be checked "
                            f"({type(exc).__name__}: {inert.field(str(exc), 200)})")
    if stored:
        write_table(out, *standing(out))
    return written, problems
