"""A submission's written answers, question by question: from its derivation Markdown
(derivation-en.md, derivation-ru.md, any derivation*.md) and from the nbgrader notebook's
answer cells (grade_id "derivation-N", as autograder/authoring/notebook_source.py makes them).

Inputs: a submission folder, or the members of a zip (name -> bytes). Output: an Answers,
{question number: the answer's Markdown} with the files it came from. The question's own
text (the stub keeps it above the answer) is taken out, so that only the student's words are
checked. Everything read here is submission-controlled text: bounded, decoded leniently,
never executed; it is escaped wherever it is shown.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.derivation.check import KEY_FORMULAS
from autograder.derivation.formulas import TRUNCATED
from autograder.derivation.visible import visible
from autograder.messages import Pair, derivation_say

MAX_MARKDOWN_BYTES = 1 << 20  # a derivation file: a few KiB of LaTeX
MAX_NOTEBOOK_BYTES = 64 << 20  # a notebook with its figures' outputs
MAX_TOTAL_BYTES = 128 << 20  # all of one submission's answer files (a zip may hold many notebooks)
MAX_ANSWER_CHARS = 20_000  # one question's answer, as checked and shown
STUB = "YOUR ANSWER HERE"  # nbgrader's ClearSolutions text: the stub's answer
HEADING = re.compile(r"^#{1,3}\s*(?:Question|Вопрос)\s+(\d+)\b[^\n]*$", re.M | re.I)
CELL_ID = re.compile(r"^derivation-(\d+)$")
MARKERS = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[ \t]*$", re.M)  # nbgrader's, in a solution's text
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Answers:
    """answers: {question: Markdown} (questions of check.KEY_FORMULAS only; an answer left as
    the stub's is kept, so that it is said unanswered); sources: the files read, in order;
    unread: (en, ru) notes naming each answer file that could not be read, and why (said to
    the instructor and the student, never dropped silently)."""
    answers: dict[int, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    unread: list[Pair] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sources)

    def to_dict(self) -> dict:
        return {"answers": {str(q): a for q, a in sorted(self.answers.items())}, "sources": list(self.sources),
                "unread": [list(n) for n in self.unread]}

    @classmethod
    def from_dict(cls, data: dict) -> "Answers":
        return cls({int(q): a for q, a in data.get("answers", {}).items()}, list(data.get("sources", [])),
                   [tuple(n) for n in data.get("unread", [])])


def unanswered(text: str) -> bool:
    """Empty, or the stub's YOUR ANSWER HERE (what nbgrader leaves in a cleared cell)."""
    return not text.strip() or text.strip() == STUB


def _question_texts() -> list[str]:
    """The questions' own words in both languages (the stub keeps them above each answer): each
    question's text in the reference's derivation files (the project's and the grader bundle's
    solution/), up to its answer's "### BEGIN SOLUTION"."""
    texts = []
    for name in ("derivation-en.md", "derivation-ru.md"):
        path = ROOT / "solution" / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        text = visible(text)   # as the answers are read (from_markdown)
        matches = list(HEADING.finditer(text))
        for match, following in zip(matches, matches[1:] + [None]):
            body = text[match.end(): following.start() if following else len(text)]
            texts.append(body.partition("### BEGIN SOLUTION")[0].strip())
    return sorted({t for t in texts if t}, key=len, reverse=True)


_QUESTIONS: list[str] | None = None


def _without_question(text: str) -> str:
    global _QUESTIONS
    if _QUESTIONS is None:
        _QUESTIONS = _question_texts()
    for question in _QUESTIONS:  # the stub's question paragraph, and its italic copy in the notebook
        text = text.replace(f"*{question}*", "").replace(question, "")
    return visible(MARKERS.sub("", text)).strip()


def _bounded(text: str) -> str:
    """The answer cut at MAX_ANSWER_CHARS, with TRUNCATED at its end where it was cut (so that the
    check says the rest was not read, never "not found" silently)."""
    return text if len(text) <= MAX_ANSWER_CHARS else text[:MAX_ANSWER_CHARS] + TRUNCATED


def _decoded(data: bytes) -> str:
    """The text of an answer file: UTF-16 where it starts with UTF-16's byte order mark (Windows
    Notepad's "Unicode"), else UTF-8 (its BOM dropped), an undecodable byte replaced."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace").replace("\r\n", "\n")
    return data.decode("utf-8-sig", "replace").replace("\r\n", "\n")


def shown_name(name: str) -> str:
    """A submission's file name as a note shows it: cleaned, capped, on one line (escaped where shown)."""
    from autograder import inert

    return inert.field(name, 200)


def from_markdown(text: str) -> dict[int, str]:
    """{question: answer} of a derivation file, split on its "## Question N" / "## Вопрос N" headings."""
    found: dict[int, str] = {}
    text = visible(text)   # a heading or an answer in an HTML comment is not one (visible.py)
    matches = list(HEADING.finditer(text))
    for match, following in zip(matches, matches[1:] + [None]):
        number = int(match.group(1))
        if number not in KEY_FORMULAS:
            continue
        body = _without_question(text[match.end(): following.start() if following else len(text)])
        # a heading of the same question again ("## Question 5 (continued)") goes on with its answer
        found[number] = _bounded(f"{found[number]}\n\n{body}" if found.get(number) else body)
    return found


def from_notebook(data: bytes) -> dict[int, str]:
    """{question: answer} of an nbgrader notebook: its cells whose nbgrader grade_id (or cell
    id) is derivation-N. A notebook that is not JSON has none (ValueError says why)."""
    try:
        notebook = json.loads(_decoded(data))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a notebook ({exc.msg})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    found: dict[int, str] = {}
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        grader = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        match = CELL_ID.match(str(grader.get("grade_id") or cell.get("id") or ""))
        if not match or int(match.group(1)) not in KEY_FORMULAS:
            continue
        source = cell.get("source", "")
        text = "".join(map(str, source)) if isinstance(source, list) else str(source)
        found.setdefault(int(match.group(1)), _bounded(_without_question(text)))
    return found


def is_answer_file(name: str) -> bool:
    """Whether a file of a submission holds derivation answers: derivation*.md (an LMS's prefix or
    suffix to the name allowed: Canvas's alice_123_derivation-en-1.md) or a notebook."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    # derivation-en.md.txt: an editor (Windows Notepad) that adds .txt to what it saves
    return ("derivation" in base and base.endswith((".md", ".md.txt"))) or base.endswith(".ipynb")


def collect(files: dict[str, bytes]) -> Answers:
    """The Answers of a submission's answer files ({name: bytes}, in name order): per question,
    every file's answer that is not the stub's, joined; the stub's if no file answers it."""
    answers = Answers()
    per_question: dict[int, list[str]] = {}
    for name in sorted(files):
        data = files[name]
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if "/.ipynb_checkpoints/" in f"/{name}":
            continue  # Jupyter's autosave copy, not the submission
        notebook = base.lower().endswith(".ipynb")
        limit = MAX_NOTEBOOK_BYTES if notebook else MAX_MARKDOWN_BYTES
        if len(data) > limit:
            answers.unread.append(derivation_say("unread_too_big", shown_name(name), limit))
            continue
        if notebook:
            try:
                found = from_notebook(data)
            except ValueError:
                answers.unread.append(derivation_say("unread_not_notebook", shown_name(name)))
                continue
        else:
            found = from_markdown(_decoded(data))
            if not found:  # a derivation*.md without the stub's headings: its answers cannot be told apart
                answers.unread.append(derivation_say("unread_no_questions", shown_name(name)))
        if not found:
            continue
        answers.sources.append(name)
        for question, text in found.items():
            per_question.setdefault(question, []).append(text)
    for question, texts in sorted(per_question.items()):
        given = [t for t in texts if not unanswered(t)]
        answers.answers[question] = "\n\n".join(given)[:MAX_ANSWER_CHARS] if given else texts[0]
    return answers


def read_bounded(entries, unread: list[Pair] | None = None) -> Answers:
    """The Answers of a submission's files, read bounded: `entries` are (name, size, read), where
    read(limit) returns at most limit + 1 bytes (a zip's header may lie about the size). A file
    over its limit, or past MAX_TOTAL_BYTES for the submission, is not read: a note in the
    Answers' `unread` says so (after those given in `unread`)."""
    files, total, notes = {}, 0, list(unread or [])
    for name, size, read in entries:
        if not is_answer_file(name) or "/.ipynb_checkpoints/" in f"/{name}":
            continue
        limit = MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_MARKDOWN_BYTES
        if size > limit:
            notes.append(derivation_say("unread_too_big", shown_name(name), limit))
            continue
        if total + size > MAX_TOTAL_BYTES:
            notes.append(derivation_say("unread_total", shown_name(name), MAX_TOTAL_BYTES))
            continue
        data = read(limit)
        if len(data) > limit:  # a zip member that unpacks past what its header said
            notes.append(derivation_say("unread_too_big", shown_name(name), limit))
        elif total + len(data) > MAX_TOTAL_BYTES:
            notes.append(derivation_say("unread_total", shown_name(name), MAX_TOTAL_BYTES))
        else:
            files[name] = data
            total += len(data)
    answers = collect(files)
    answers.unread[:0] = notes
    return answers


def _reader(path: Path):
    def read(limit: int) -> bytes:
        with path.open("rb") as f:
            return f.read(limit + 1)
    return read


def read_folder(folder: Path) -> Answers:
    """A submission folder's Answers: its answer files at any depth (not through links: one that
    looks like an answer file is said not read), their names relative to the folder."""
    paths = sorted(folder.rglob("*"))
    links = [derivation_say("unread_link", shown_name(p.relative_to(folder).as_posix())) for p in paths
             if p.is_symlink() and is_answer_file(p.name)]
    return read_bounded(((p.relative_to(folder).as_posix(), p.stat().st_size, _reader(p))
                         for p in paths if p.is_file() and not p.is_symlink()), links)
