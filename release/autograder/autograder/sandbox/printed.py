"""What a student's code prints, kept bounded: the first and the last part, the rest counted.

One rule for the sandboxed worker (its stdout and stderr, a pipe drained by the grader:
autograder/sandbox/box.py) and for `mnist-hw check` (autograder/local/capture.py), so the
two show the same text for the same prints. Never a file: a file has a size limit
(RLIMIT_FSIZE) that a flood would hit, and the student's print would fail with
"File too large" instead of the submission being graded.
"""
from __future__ import annotations

from autograder import messages


class Kept:
    """A byte sink that keeps the first `limit // 2` bytes and the last `limit - limit // 2`,
    and counts those between (`cut`). Pure bookkeeping: `add(chunk)` and `text()`."""

    def __init__(self, limit: int):
        self.head_limit, self.tail_limit = limit // 2, limit - limit // 2
        self.head, self.tail, self.cut = bytearray(), bytearray(), 0

    def add(self, chunk: bytes) -> int:
        """Take `chunk` (bytes); returns its length (as a write does)."""
        chunk = bytes(chunk)
        size = len(chunk)
        room = self.head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            over = len(self.tail) - self.tail_limit
            if over > 0:
                del self.tail[:over]
                self.cut += over
        return size

    def text(self) -> str:
        """The kept bytes as text (UTF-8, undecodable bytes replaced); where bytes were cut, a
        line between the two parts says how many, in English and Russian (messages.output_cut)."""
        head, tail = self.head.decode("utf-8", "replace"), self.tail.decode("utf-8", "replace")
        if not self.cut:
            return head + tail
        en, ru = messages.output_cut(self.cut)
        return f"{head}\n… {en} / {ru} …\n{tail}"
