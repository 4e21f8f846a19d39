"""An AnswerCheck and the rubric -> a Suggestion: the points the formulas found and right
would earn, what each key formula's check found, and the part a person judges. A Suggestion
is never a grade: it becomes one only through the instructor's confirmation (record.py).

Also the feedback Markdown of a submission's derivation (feedback()), in Russian or English:
with the suggestions before confirmation (for the instructor), with the confirmed points after.
Every formula and fragment shown is the student's text, escaped (autograder.inert).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from autograder import inert
from autograder.derivation.outcome import RIGHT, UNANSWERED, UNREADABLE, WRONG, AnswerCheck
from autograder.derivation.rubric import PERSON_PARTS, QUESTION_POINTS, Rubric
from autograder.messages import derivation_say, say

SHOWN_LATEX = 300  # characters of a student's formula shown in a note


def code_span(text: str, limit: int = SHOWN_LATEX) -> str:
    """The student's `text` as one Markdown code span (never parsed: LaTeX stays as written),
    cleaned, capped and on one line; its fence longer than any run of backticks in it."""
    body = inert.field(text, limit).replace("\n", " ").replace("\r", " ")
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {body} {fence}"


@dataclass(frozen=True)
class Part:
    """One key formula's share: its check's status, the points suggested (its rubric points if
    RIGHT, else 0) of its rubric points, the student's formula and what differs ((en, ru) or None)."""
    quantity: str
    status: str
    points: float
    out_of: float
    latex: str = ""
    differs: tuple[str, str] | None = None


@dataclass(frozen=True)
class Suggestion:
    """One question's suggestion. points: suggested (the right formulas' rubric points);
    out_of: the question's points; for_person: the rubric's points for the part a person
    judges (never in `points`); parts: per key formula; unreadable: fragments not read."""
    question: int
    status: str
    points: float
    out_of: float
    for_person: float
    parts: tuple[Part, ...] = ()
    unreadable: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Suggestion":
        parts = tuple(Part(**{**p, "differs": tuple(p["differs"]) if p.get("differs") else None})
                      for p in data.get("parts", ()))
        return cls(int(data["question"]), data["status"], float(data["points"]), float(data["out_of"]),
                   float(data.get("for_person", 0.0)), parts, tuple(data.get("unreadable", ())))

    def notes(self, lang: str) -> list[str]:
        """What the check found, one Markdown list item per line (escaped), in `lang`."""
        if self.status == UNANSWERED:
            return [f"- {say(derivation_say('unanswered'), lang)}"]
        lines = []
        for part in self.parts:
            if part.status == WRONG:
                lines.append(say(derivation_say("wrong", part.quantity, say(part.differs, lang)) if part.differs
                                 else derivation_say("wrong_unsaid", part.quantity), lang))
            else:
                lines.append(say(derivation_say(part.status if part.status in (RIGHT, UNREADABLE) else "missing",
                                                part.quantity), lang))
            if part.latex and part.status in (RIGHT, WRONG, UNREADABLE):
                lines[-1] += ": " + code_span(part.latex)
        out = [f"- {line}" for line in lines]
        if self.unreadable:
            shown = "; ".join(code_span(f, 120) for f in self.unreadable[:5])
            out.append(f"- {say(derivation_say('fragments', shown), lang)}")
        if self.question in PERSON_PARTS:
            out.append(f"- {say(derivation_say(PERSON_PARTS[self.question], self.for_person), lang)}")
        return out


def suggest(check: AnswerCheck, rubric: Rubric) -> Suggestion:
    """The suggestion for one question's checked answer: an unanswered one earns nothing; each
    key formula found and right earns its rubric points, anything else none."""
    question = check.question
    parts = tuple(Part(f.quantity, f.status, rubric.of(question, f.quantity) if f.status == RIGHT else 0.0,
                       rubric.of(question, f.quantity), f.latex, f.differs) for f in check.formulas)
    points = 0.0 if check.status == UNANSWERED else round(sum(p.points for p in parts), 6)
    return Suggestion(question, check.status, points, float(QUESTION_POINTS[question]), rubric.for_person(question),
                      parts, tuple(check.unreadable))


def feedback(name: str, suggestions: dict[int, Suggestion], confirmed: dict[int, float], lang: str,
             sources: list[str] = (), changed=(), unread=()) -> str:
    """A submission's derivation feedback (Markdown, `lang` "ru" or "en"): per question the
    confirmed points where the instructor confirmed them (else the suggestion, said to be
    one; `changed`: the questions whose answer changed since confirmed, said so), what the
    formula check found, and `unread`: (en, ru) notes on answer files that could not be read."""
    lines = [f"# {say(derivation_say('title'), lang)}: {inert.markdown_inline(inert.field(name))}", ""]
    unread_lines = ([say(derivation_say("unread_heading"), lang), ""]
                    + [f"- {inert.markdown_inline(say(n, lang))}" for n in unread] + [""]) if unread else []
    if not suggestions:
        return "\n".join(lines + [say(derivation_say("none"), lang), ""] + unread_lines)
    done = all(q in confirmed for q in QUESTION_POINTS)
    lines += [say(derivation_say("confirmed_note" if confirmed else "suggestion_note"), lang), ""]
    if confirmed:
        total = sum(confirmed.values())
        out_of = sum(QUESTION_POINTS.values())
        lines += [f"**{say(derivation_say('total_confirmed', total, out_of), lang)}**" if done else
                  f"**{say(derivation_say('total_pending', total, out_of, len(QUESTION_POINTS) - len(confirmed)), lang)}**",
                  ""]
    for question, out_of in QUESTION_POINTS.items():
        if question in confirmed:
            heading = derivation_say("confirmed", question, confirmed[question], out_of)
        elif question in changed:
            heading = derivation_say("changed", question, out_of)
        elif confirmed or question not in suggestions:
            heading = derivation_say("pending", question, out_of)
        else:
            heading = derivation_say("suggested", question, suggestions[question].points, out_of)
        lines += [f"## {say(heading, lang)}", ""]
        if question in suggestions:
            lines += suggestions[question].notes(lang) + [""]
    if sources:
        shown = ", ".join(inert.markdown_inline(inert.field(s, 200)) for s in sources)
        lines += [say(derivation_say("sources", shown), lang), ""]
    return "\n".join(lines + unread_lines)
