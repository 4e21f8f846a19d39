"""What of an answer's Markdown renders visibly: the text a person reading the rendered page sees.

Input: an answer's Markdown (str). Output: the same text (str) with what does not render visibly
replaced by blank space of the same line count: HTML comments `<!-- -->`; raw HTML elements that
are hidden (`hidden`, `style="display:none"` / `visibility:hidden`), with their content; image
tags and Markdown images `![alt](url)` (alt text is shown only when the image fails); link
reference definitions (`[//]: # (...)`, `[x]: url "title"`); indented code blocks (4 spaces or a
tab after a blank line, outside a list). Formulas there are not the student's visible work, so
they are not read (issue 27: points were given for what the grader's page never showed).
Bounded: regular expressions without nested quantifiers and one pass over the lines.
"""
from __future__ import annotations

import re

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HIDDEN_OPEN = re.compile(
    r"<(?P<tag>[A-Za-z][A-Za-z0-9]{0,15})\b(?P<attrs>[^<>]{0,2000}?)>", re.S)
# the hidden attribute itself (not overflow:hidden, not class="not-hidden"), or a style that hides
_HIDES = re.compile(r"(?:^|\s)hidden(?=\s|=|/|$)|display\s*:\s*none|visibility\s*:\s*hidden|"
                    r"opacity\s*:\s*0(?:\.0*)?\s*(?:[;\"']|$)|font-size\s*:\s*0(?:\.0*)?[a-z%]*\s*(?:[;\"']|$)", re.I)
_IMG_TAG = re.compile(r"<img\b[^<>]{0,4000}>", re.I)
_MD_IMAGE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\]){0,2000}\]\([^()\n]*\)")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]\n]{1,999}\]:[^\n]*$", re.M)
_LIST = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")
MAX_HIDDEN = 200   # hidden elements removed at most (each costs a search for its end)


def _blank(text: str) -> str:
    """The text's newlines only, so that line structure (and what follows) is kept."""
    return "\n" * text.count("\n") or " "


def _hidden_elements(text: str) -> str:
    out, pos, n = [], 0, 0
    for m in _HIDDEN_OPEN.finditer(text):
        if m.start() < pos or not _HIDES.search(m.group("attrs")):
            continue
        n += 1
        if n > MAX_HIDDEN:
            break
        tag = m.group("tag").lower()
        # the element ends at its matching close tag (the same tag nested inside counted)
        depth, end = 1, len(text)
        for t in re.finditer(rf"<(/?){tag}\b[^<>]*>", text[m.end():], re.I):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = m.end() + t.end()
                break
        out.append(text[pos:m.start()])
        out.append(_blank(text[m.start():end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _indented_code(text: str) -> str:
    lines = text.split("\n")
    in_list, code, prev_blank = False, False, True
    for i, line in enumerate(lines):
        expanded = line.replace("\t", "    ")
        blank = not expanded.strip()
        indented = expanded.startswith("    ")
        if blank:
            prev_blank = True
            continue
        if indented and (code or prev_blank and not in_list):
            code = True
            lines[i] = ""
        else:
            code = False
            if not indented:
                in_list = bool(_LIST.match(expanded))
        prev_blank = False
    return "\n".join(lines)


def visible(markdown: str) -> str:
    """The answer with what does not render visibly blanked out (see the module's docstring)."""
    text = _COMMENT.sub(lambda m: _blank(m.group()), markdown)
    text = _hidden_elements(text)
    text = _IMG_TAG.sub(" ", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _LINK_DEF.sub("", text)
    return _indented_code(text)
