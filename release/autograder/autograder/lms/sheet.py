"""A CSV file edited in place: only the cells written change, every other byte stays as the
LMS wrote it (its quoting, its line ends, its byte order mark), so that what the LMS reads
back is what it wrote plus the grades. The csv module cannot promise that (it re-quotes)."""
from __future__ import annotations

from dataclasses import dataclass, field

BOM = "\ufeff"


@dataclass
class Sheet:
    """rows[i][j]: the raw text of a cell (its quotes included); ends[i]: the line end after
    row i ('' for a last line without one); bom: whether the file began with one."""
    delimiter: str
    rows: list[list[str]] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    bom: bool = False

    def value(self, i: int, j: int) -> str:
        """The text of cell (i, j), unquoted ('' past the end of a short row)."""
        return unquote(self.rows[i][j]) if j < len(self.rows[i]) else ""

    def set(self, i: int, j: int, text: str) -> None:
        """Cell (i, j) holds `text` (quoted as CSV needs); a short row is padded."""
        while len(self.rows[i]) <= j:
            self.rows[i].append("")
        self.rows[i][j] = quote(text, self.delimiter)

    def header(self) -> list[str]:
        return [unquote(c).strip() for c in self.rows[0]] if self.rows else []

    def render(self) -> str:
        return (BOM if self.bom else "") + "".join(self.delimiter.join(r) + e for r, e in zip(self.rows, self.ends))


def unquote(raw: str) -> str:
    raw = raw.strip("\r")
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1].replace('""', '"')
    return raw


def quote(text: str, delimiter: str) -> str:
    """A cell for `text`: quoted where it holds the delimiter, a quote, a line end or edge spaces."""
    if any(c in text for c in (delimiter, '"', "\n", "\r")) or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def sniff(text: str) -> str:
    """The delimiter of a CSV: the one of ',', ';', tab most used outside quotes in its first line."""
    counts = {d: 0 for d in ",;\t"}
    quoted = False
    for c in text:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
        elif not quoted and c == "\n":
            break
    return max(counts, key=lambda d: (counts[d], d == ","))


def parse(text: str, delimiter: str | None = None) -> Sheet:
    """The raw cells of a CSV text (RFC 4180 quoting: a quoted cell may hold delimiters,
    doubled quotes and line ends)."""
    bom = text.startswith(BOM)
    text = text[1:] if bom else text
    sheet = Sheet(delimiter or sniff(text), bom=bom)
    row, start, quoted, i = [], 0, False, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            quoted = not quoted
        elif not quoted and c == sheet.delimiter:
            row.append(text[start:i])
            start = i + 1
        elif not quoted and c in "\r\n":
            end = "\r\n" if text.startswith("\r\n", i) else c
            row.append(text[start:i])
            sheet.rows.append(row)
            sheet.ends.append(end)
            row, i = [], i + len(end)
            start = i
            continue
        i += 1
    if start < len(text) or row:
        row.append(text[start:])
        sheet.rows.append(row)
        sheet.ends.append("")
    return sheet
