"""What can be handed to the worker as a network.py, written once for the grader (reading
submissions, autograder/batch/submissions.py) and the student's local check
(autograder/local/student.py), so that a file the grader refuses is refused by `check` too:
at most MAX_BYTES, and text Python reads as the grader does — UTF-8, or the encoding its
coding line declares."""
from __future__ import annotations

import io
import tokenize

from autograder import messages

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
    return None
