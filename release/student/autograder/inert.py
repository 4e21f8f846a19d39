"""Text a submission controls, made inert wherever it lands: Markdown, the terminal, CSV, HTML.

What a submission printed, the messages of its exceptions, the lines of its source that
raised, the keys and type names it returned, and the names of its files all reach files
that students, TAs and instructors open (feedback.md, results.json, gradebook.csv,
summary.md) and the terminal. Every report builds its student-controlled parts with these
functions, so that no such text can add a heading, a link, an image, HTML, a spreadsheet
formula, rich markup or a terminal escape sequence to what its reader sees:

- clean(text): the basis of all the others. Invalid UTF-8 (bytes, or the lone surrogates a
  str may carry) becomes U+FFFD, and every control character but newline and tab is shown
  visibly: C0 as its Unicode control picture (ESC as '␛', NUL as '␀', CR as '␍'), DEL as
  '␡', C1 and the bidirectional overrides (Trojan Source) and line/paragraph separators
  as a '\\x9b' / '\\u202e' escape.
- markdown_code(text): a fenced code block no line of the text can close.
- markdown_inline(text): text inside a line of Markdown (a list item, a heading, a table
  cell) that stays text: code spans are kept (they are inert), every character that could
  start anything else is backslash-escaped, newlines are shown as '␤'.
- terminal(text) / terminal_text(text, style): for what `mnist-hw` prints through rich: the
  clean text, capped, as a rich Text (never parsed for markup or emoji).
- csv_cell(text): a spreadsheet cell that is never a formula (OWASP's CSV injection advice).
- html(text): escaped for HTML text and attribute values.
- mathtext(text): a matplotlib title that is never parsed as mathtext.
- capped(text, limit): at most `limit` characters, saying how many were cut; field(text):
  cleaned and capped, as every report takes a message, an error or a name.
"""
from __future__ import annotations

import html as _html
import re
import unicodedata

MAX_FIELD = 5000  # characters of one message, name or error in a report: ordinary ones are a few hundred

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SEPARATORS = "\u2028\u2029"
# every character clean() replaces: C0 but tab and newline, DEL, C1, the bidi controls, U+2028/9, surrogates
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + _SEPARATORS + "\ud800-\udfff]")


def _show(match: re.Match) -> str:
    c = match.group(0)
    code = ord(c)
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # a lone surrogate: not text (invalid UTF-8 that reached a str)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: str | bytes) -> str:
    """Text with every control character shown visibly and invalid UTF-8 replaced.

    Inputs:
    - text: a str, or bytes taken as UTF-8
    Returns: a str that is valid UTF-8 when encoded, holding no control character but
    newline and tab, no bidirectional control and no line/paragraph separator; ordinary
    text (letters of any script, digits, punctuation, emoji, newlines, tabs) is unchanged.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    return _SHOWN.sub(_show, str(text))


visible_controls = clean  # the name the issue gives it


def capped(text: str, limit: int = MAX_FIELD) -> str:
    """At most `limit` characters of `text`, and how many more were cut.

    Inputs: text, a str; limit, the number of characters kept.
    Returns: text unchanged when it is short enough, else its first `limit` characters and
    ' … (N more characters cut)'.
    """
    if len(text) <= limit:
        return text
    return text[:limit] + f" … ({len(text) - limit:,} more characters cut)"


def field(text: str | bytes, limit: int = MAX_FIELD) -> str:
    """A message, error or name a submission may have put words into, as every report
    takes it: cleaned and capped (at most `limit` characters, and how many were cut)."""
    return capped(clean(text), limit)


# -- Markdown ------------------------------------------------------------------------------
def markdown_code(text: str | bytes, info: str = "") -> str:
    """A fenced code block holding `text` verbatim (cleaned), which no line of it can close.

    CommonMark closes a backtick fence only with a run of at least as many backticks, so the
    fence is one backtick longer than the longest run in the text (and at least three).

    Inputs: text; info, the block's info string (a language name, without backticks).
    Returns: the block, '```…' + newline + text + newline + '```…', with no final newline.
    """
    body = clean(text)
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}{'' if body.endswith(chr(10)) or not body else chr(10)}{fence}"


# characters escaped wherever they stand outside a code span: each can start HTML, an
# autolink, a link or image, strikethrough, math (GitHub), a table cell, a heading's end,
# an escape or an entity
_ALWAYS = set("\\<~|#$")


def _is_space(c: str) -> bool:
    return c in " \t" or unicodedata.category(c) == "Zs"


def _escape_text(text: str, before: str, after: str) -> str:
    """Backslash-escape, in a stretch of inline Markdown outside code spans, each character
    that could start something other than text. `before`/`after` are the characters next to
    the stretch ('' where unknown). Characters that cannot act where they stand are kept as
    they are, so that ordinary messages ('lr_t = lr * sqrt(…)', 'at index [3, 5]') are unchanged."""
    out = []
    for i, c in enumerate(text):
        prev = text[i - 1] if i else before
        nxt = text[i + 1] if i + 1 < len(text) else after
        if c in _ALWAYS:
            out.append("\\" + c)
        elif c == "*":  # emphasis needs a '*' next to something other than whitespace
            out.append(c if prev and nxt and _is_space(prev) and _is_space(nxt) else "\\*")
        elif c == "_":  # '_' between two letters or digits (lr_t) can neither open nor close emphasis
            keep = prev and nxt and ((prev.isalnum() and nxt.isalnum()) or (_is_space(prev) and _is_space(nxt)))
            out.append(c if keep else "\\_")
        elif c == "&":  # an entity (&lt; &#27;) starts with '&' and a letter, a digit or '#'
            out.append("\\&" if (nxt.isalnum() or nxt == "#" or not nxt) else c)
        elif c == "]":  # a link or image needs ']' right before '(' or '['
            out.append("\\]" if nxt in ("(", "[", "") else c)
        elif c == "!":  # an image needs '![': escaped too, so that the '[' stays text
            out.append("\\!" if nxt in ("[", "") else c)
        else:
            out.append(c)
    return "".join(out)


def markdown_inline(text: str | bytes, table: bool = False) -> str:
    """`text` as Markdown to put inside a line after other text (a list item, a heading, a
    table cell with table=True), where it stays text.

    Code spans in the text (a run of n backticks up to the next run of exactly n) are kept:
    their content is never parsed. Everywhere else each character that could start HTML, a
    link, an image, emphasis, strikethrough, an entity, math or a table cell is
    backslash-escaped; newlines become '␤', so that no block can begin. In a table, '|' is
    escaped inside code spans too (GFM splits cells there).

    Inputs: text; table, whether the text goes into a GFM table cell.
    Returns: one line of Markdown that renders as the cleaned text (its code spans as code).
    """
    body = clean(text).replace("\n", "\u2424")
    parts, i, start = [], 0, 0
    while i < len(body):
        if body[i] != "`":
            i += 1
            continue
        run = len(body[i:]) - len(body[i:].lstrip("`"))
        closer = re.compile(f"(?<!`)`{{{run}}}(?!`)").search(body, i + run)
        if closer is None:  # no closing run: the backticks are literal text
            i += run
            continue
        parts.append(_escape_text(body[start:i], body[start - 1] if start else "", "`"))
        span = body[i:closer.end()]
        parts.append(span.replace("|", "\\|") if table else span)
        i = start = closer.end()
    parts.append(_escape_text(body[start:], body[start - 1] if start else "", ""))
    return "".join(parts)


# -- the terminal, spreadsheets, HTML, figures ---------------------------------------------
def terminal(text: str | bytes, limit: int = MAX_FIELD) -> str:
    """Text to print on a terminal: cleaned, so that no escape sequence (clear screen,
    window title, OSC 8 hyperlink) or bidi override reaches it, and capped. Print it as
    plain text (terminal_text) where the console interprets markup."""
    return field(text, limit)


def terminal_text(text: str | bytes, style: str = "", limit: int = MAX_FIELD):
    """A rich Text of the cleaned, capped text: rich prints it as is, never parsing '[red]'
    or '[link=…]' markup or ':emoji:' codes in it.

    Inputs: text; style, a rich style for all of it ('' for none); limit, as in capped.
    Returns: rich.text.Text, to print or to put in a table cell or Text.assemble.
    """
    from rich.text import Text

    return Text(field(text, limit), style=style)


def terminal_line(text: str | bytes, style: str = "", limit: int = MAX_FIELD):
    """As terminal_text, on one line: a newline in the text is shown as '␤', so that a
    name cannot start a row of its own in a table or a progress line."""
    from rich.text import Text

    return Text(field(text, limit).replace("\n", "\u2424"), style=style)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # tab and CR are shown as ␉ ␍ by then: kept for the record


def csv_cell(text: str | bytes) -> str:
    """A text cell for a CSV that a spreadsheet shows as text, never runs as a formula.

    OWASP's advice for CSV injection: a cell starting with '=', '+', '-', '@', tab or
    carriage return gets a single quote in front. The cell is cleaned and kept on one line
    (newline shown as '␤', tab as '␉'), and leading spaces do not hide a formula.
    The csv module quotes the cell as CSV needs. Numbers the grader computes are written
    as they are, not through this.

    Inputs: text. Returns: the cell's text.
    """
    cell = clean(text).replace("\n", "\u2424").replace("\t", "\u2409")
    return "'" + cell if cell.lstrip(" ").startswith(_FORMULA_START) else cell


def html(text: str | bytes) -> str:
    """Cleaned text escaped for HTML: '<', '>', '&', '"' and "'" as entities, so that it is
    text both between tags and inside a quoted attribute value."""
    return _html.escape(clean(text), quote=True)


def mathtext(text: str | bytes) -> str:
    """Cleaned text for a matplotlib title or label: '$' escaped, so that it is never parsed
    as mathtext (where a malformed formula raises instead of drawing)."""
    return clean(text).replace("\n", " ").replace("$", r"\$")
