"""The formulas of one written answer: the math of its Markdown, split into equations and sides.

Input: an answer's Markdown (str) as the student wrote it: `$...$`, `$$...$$`, `\\[...\\]`,
`\\(...\\)`, `\\begin{equation|align|gather|multline}` (starred or not), code spans and blocks
left out. Output: Equation records in the order written, each with its sides' tokens and its
source text (submission-controlled: escape it wherever it is shown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .latex import Token, Unreadable, split_equations, tokenize

MAX_ANSWER_CHARS = 60_000   # an answer longer than this is not read (said as such)
MAX_EQUATIONS = 200
# put at the end of an answer cut at answers.MAX_ANSWER_CHARS (20,000): the check says so
TRUNCATED = "\n\n[… the answer is longer than 20,000 characters: the rest is not read]"

_ENV = r"equation|align|aligned|gather|gathered|multline|eqnarray|split|flalign|alignat|array|cases"
_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$|\\\[(?P<br>.+?)\\\]|\\\((?P<pa>.+?)\\\)"
    rf"|\\begin\{{(?P<env>(?:{_ENV})\*?)\}}(?P<body>.+?)\\end\{{(?P=env)\}}|\$(?P<d>[^$]+?)\$", re.S)
_CODE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]*`", re.S)
_INNER_ENV = re.compile(rf"\\(?:begin|end)\{{(?:{_ENV})\*?\}}(?:\{{[^}}]*\}})?")


@dataclass(frozen=True)
class Equation:
    """One equation: its sides' tokens (two or more: a = b = c) and the source it came from."""
    sides: tuple[tuple[Token, ...], ...]
    source: str


def math_segments(markdown: str) -> list[str]:
    """The LaTeX of every formula of the Markdown, in order (code spans and blocks left out)."""
    text = _CODE.sub(" ", markdown)
    out = []
    for m in _MATH.finditer(text):
        body = next(g for g in (m.group("dd"), m.group("br"), m.group("pa"), m.group("body"), m.group("d"))
                    if g is not None)
        out.append(_INNER_ENV.sub(r" \\\\ ", body))
    return out


def _source(tokens) -> str:
    parts = []
    for tok in tokens:
        if tok.kind == "cmd":
            parts.append("\\" + tok.value)
        elif tok.kind == "fn":
            parts.append("\\" + tok.value)
        elif tok.kind == "sep":
            parts.append(" ")
        else:
            parts.append(str(tok.value))
    return " ".join(parts)


def equations(markdown: str) -> tuple[list[Equation], list[str]]:
    """The answer's equations, and the formulas that could not even be tokenized (their source)."""
    found, unread = [], []
    for segment in math_segments(markdown):
        try:
            tokens = tokenize(segment)
        except Unreadable:
            unread.append(segment[:200])
            continue
        for sides in split_equations(tokens):
            if len(found) >= MAX_EQUATIONS:
                return found, unread
            found.append(Equation(tuple(tuple(s) for s in sides), " = ".join(_source(s) for s in sides)))
    return found, unread


_CODE_WITH_EQUATION = re.compile(r"```[^`]*[=←][^`]*```|`[^`\n]*=[^`\n]*`")
# code that states a result, not a formula: `inf/inf = nan`, `x == 0`, `p.sum() = 1`
_CODE_RESULT = re.compile(r"`[^`\n=]*(?:==[^`\n]*|=\s*-?(?:nan|inf|\d+(?:\.\d*)?|true|false|none)\s*)`", re.I)
_SIGNS = (("<math", "MathML"), (r"\write18", r"\write18"), (r"\input", r"\input"), (r"\include", r"\include"))


def unread_signs(markdown: str) -> list[str]:
    """Signs that the answer holds formulas this reader does not read: code with an assignment in
    it, an environment or display left open, MathML, TeX's file and shell commands, control
    characters. Where there are any, a key formula not found is said unreadable, not missing."""
    signs = []
    if markdown.endswith(TRUNCATED):
        signs.append("(the answer is too long: only its first 20,000 characters are read)")
    if _CODE_WITH_EQUATION.search(_CODE_RESULT.sub(" ", markdown)):
        signs.append("(formulas written as code are not read)")
    if markdown.count("\\begin{") != markdown.count("\\end{") or markdown.count("$$") % 2 or \
            markdown.count("\\[") != markdown.count("\\]"):
        signs.append("(a formula left open is not read)")
    low = markdown.lower()
    signs += [f"({what} is not read)" for mark, what in _SIGNS if mark.lower() in low]
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", markdown):
        signs.append("(control characters in the text are not read)")
    return signs


def mentions(markdown: str, *words: str) -> bool:
    """Whether the answer's words (outside formulas too) mention one of `words` (case-insensitive)."""
    low = markdown.lower()
    return any(w in low for w in words)
