"""What can be handed to the worker as a network.py, written once for the grader (reading
submissions, autograder/batch/submissions.py) and the student's local check
(autograder/local/student.py), so that a file the grader refuses is refused by `check` too:
at most MAX_BYTES, and text Python reads as the grader does — UTF-8, or the encoding its
coding line declares — in the syntax of the grader's Python (manifest.GRADER_PYTHON), whichever
Python reads it: a `type` alias, a PEP 695 generic or a PEP 701 f-string that a student's
Python 3.12 reads is refused by both, naming the line and the construct."""
from __future__ import annotations

import ast
import io
import re
import sys
import tokenize

from autograder import messages
from autograder.manifest import GRADER_PYTHON

MAX_BYTES = 1 << 20  # a network.py is a few kB; 1 MiB is generous


def unreadable_text(content: bytes) -> tuple[str, str] | None:
    """Why Python could not read `content` as source, (en, ru); None if it can."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(content).readline)
    except SyntaxError:  # no usable coding declaration: Python reads the file as UTF-8
        encoding = "utf-8"
    try:
        content.decode(encoding)
    except LookupError:
        return messages.unknown_encoding(encoding)
    except UnicodeDecodeError as exc:
        return messages.not_utf8(content[exc.start], content[: exc.start].count(b"\n") + 1)
    return unreadable_syntax(content)


def unreadable_syntax(content: bytes) -> tuple[str, str] | None:
    """Why the grader's Python could not read `content` (decodable source bytes), (en, ru):
    the line, and the construct where it is one that a newer Python reads; None if it can."""
    try:
        ast.parse(content, "network.py", feature_version=GRADER_PYTHON)
    except SyntaxError as exc:
        line = exc.lineno or 1
        code = _line(content, line)
        if sys.version_info[:2] < GRADER_PYTHON and _EXCEPT_STAR.match(code):  # check on an older Python
            return messages.your_python_cannot_read(line, code, "except_star", "%d.%d" % sys.version_info[:2])
        construct = _construct(code, exc.msg or "")
        if construct:
            return messages.newer_syntax(line, code, construct)
        return messages.syntax_error(line, code, exc.msg or "invalid syntax")
    except (ValueError, RecursionError, MemoryError) as exc:  # a null byte, nesting the parser cannot hold
        return messages.syntax_error(1, "", str(exc))
    found = _fstring_newer(content)
    return messages.newer_syntax(found[0], _line(content, found[0]), found[1]) if found else None


def _line(content: bytes, line: int) -> str:
    lines = content.decode("utf-8", "replace").splitlines()
    return lines[line - 1].strip()[:120] if 0 < line <= len(lines) else ""


# The constructs of Pythons newer than the grader's that a student meets, found by what the line
# says (so that every Python gives the same message): keys of messages.NEWER_SYNTAX.
_TYPE_ALIAS = re.compile(r"type\s+[A-Za-z_]\w*\s*(\[.*\])?\s*=")
_GENERIC = re.compile(r"(async\s+)?(def|class)\s+[A-Za-z_]\w*\s*\[")
_EXCEPT_STAR = re.compile(r"except\s*\*")  # PEP 654 (Python 3.11): the grader's Python reads it


def _construct(code: str, error: str) -> str:
    """Which newer construct a line that did not parse uses ('' where none): the line's own
    form for `type` aliases and generics, the parser's f-string complaint (Python 3.11's) for
    the f-strings Python 3.12 reads."""
    if _TYPE_ALIAS.match(code):
        return "type_alias"
    if _GENERIC.match(code):
        return "generics"
    if error.startswith("f-string"):
        return "fstring_backslash" if "backslash" in error else "fstring_comment" if "'#'" in error else \
            "fstring_quotes"
    return ""


def _quote(token: str) -> str:
    body = token.lstrip("rRbBfFuU")
    return body[:3] if body[:3] in ('"""', "'''") else body[:1]


def _fstring_newer(content: bytes) -> tuple[int, str] | None:
    """(line, construct) of the first f-string only Python 3.12 reads (PEP 701): inside a
    replacement field, a quote that ends the f-string for older Pythons, a backslash, a comment,
    or a line break in a one-line f-string. Found by the tokenizer of Python 3.12 and later
    (before it, such an f-string does not parse at all, and _construct names it)."""
    start = getattr(tokenize, "FSTRING_START", None)
    if start is None:
        return None
    middle, end = tokenize.FSTRING_MIDDLE, tokenize.FSTRING_END
    open_quotes: list[str] = []  # the quotes of the f-strings the token is inside, outermost first
    for token in tokenize.tokenize(io.BytesIO(content).readline):
        line = token.start[0]
        if open_quotes and token.type not in (middle, end):  # inside a replacement field
            if token.type in (tokenize.STRING, start):
                quote = _quote(token.string)
                if any(quote[0] == outer[0] and (len(outer) == 1 or quote == outer) for outer in open_quotes):
                    return line, "fstring_quotes"
                if token.type == tokenize.STRING and "\\" in token.string:
                    return line, "fstring_backslash"
            elif token.type == tokenize.COMMENT:
                return line, "fstring_comment"
            elif token.type == tokenize.NL and len(open_quotes[-1]) == 1:
                return line, "fstring_newline"
        elif token.type == middle and len(open_quotes) > 1 and "\\" in token.string:
            return line, "fstring_backslash"
        if token.type == start:
            open_quotes.append(_quote(token.string))
        elif token.type == end:
            open_quotes.pop()
    return None
