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
    the stub's is kept, so that it is said unanswered); sources: the files read, in order."""
    answers: dict[int, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sources)

    def to_dict(self) -> dict:
        return {"answers": {str(q): a for q, a in sorted(self.answers.items())}, "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict) -> "Answers":
        return cls({int(q): a for q, a in data.get("answers", {}).items()}, list(data.get("sources", [])))


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
    return data.decode("utf-8-sig", "replace").replace("\r\n", "\n")


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
    return ("derivation" in base and base.endswith(".md")) or base.endswith(".ipynb")


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
        if base.lower().endswith(".ipynb"):
            if len(data) > MAX_NOTEBOOK_BYTES:
                continue
            try:
                found = from_notebook(data)
            except ValueError:
                continue
        else:
            if len(data) > MAX_MARKDOWN_BYTES:
                continue
            found = from_markdown(_decoded(data))
        if not found:
            continue
        answers.sources.append(name)
        for question, text in found.items():
            per_question.setdefault(question, []).append(text)
    for question, texts in sorted(per_question.items()):
        given = [t for t in texts if not unanswered(t)]
        answers.answers[question] = "\n\n".join(given)[:MAX_ANSWER_CHARS] if given else texts[0]
    return answers


def read_bounded(entries) -> Answers:
    """The Answers of a submission's files, read bounded: `entries` are (name, size, read), where
    read(limit) returns at most limit + 1 bytes (a zip's header may lie about the size). A file
    over its limit, or past MAX_TOTAL_BYTES for the submission, is not read."""
    files, total = {}, 0
    for name, size, read in entries:
        if not is_answer_file(name):
            continue
        limit = MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_MARKDOWN_BYTES
        if size > limit or total + size > MAX_TOTAL_BYTES:
            continue
        data = read(limit)
        if len(data) <= limit and total + len(data) <= MAX_TOTAL_BYTES:
            files[name] = data
            total += len(data)
    return collect(files)


def _reader(path: Path):
    def read(limit: int) -> bytes:
        with path.open("rb") as f:
            return f.read(limit + 1)
    return read


def read_folder(folder: Path) -> Answers:
    """A submission folder's Answers: its answer files at any depth (not through links), their
    names relative to the folder."""
    return read_bounded((p.relative_to(folder).as_posix(), p.stat().st_size, _reader(p))
                        for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink())
