"""OUT/derivation/index.html: the batch page's derivation view, where the instructor confirms
or overrides the suggestions a group at a time.

Input: the batch's records (record.read_batch). Per question, a table of the groups
(groups.py): how many answers, what the check found (the first member's notes), the
suggested points, a points box (empty: the suggestion) and a "confirm" box; under each group
every member's answer as written (the explanations a person reads) with a box of its own.
The page's script (assets/page.js) turns what is ticked into the confirmation file
(record.KIND, {submission, question, points} rows) to save or copy; nothing on the page is
a grade until `mnist-hw derivation confirm` records that file. Every string a submission
controls is escaped (autograder.inert, html.escape of JSON for the data attributes).
"""
from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from assignment.idx import write_atomic
from autograder import inert
from autograder.batch import page as batch_page
from autograder.derivation import groups as grouping
from autograder.derivation import record as records
from autograder.derivation.outcome import UNREADABLE
from autograder.derivation.rubric import QUESTION_POINTS

ANSWER_SHOWN = 6000  # characters of one member's answer on the page (all of it is in OUT/NAME/derivation.json)


def _attr(value) -> str:
    """A value as a data attribute: JSON (ASCII-escaped, so the name is exact), HTML-escaped."""
    return html.escape(json.dumps(value), quote=True)


def group_rows(question: int, found: list, recs: dict[str, dict]) -> str:
    rows = []
    for g in found:
        first = recs[g.members[0]]
        suggestion = records.suggestions_of(first)[question]
        notes = batch_page.markdown_html("\n".join(suggestion.notes("en")))
        shown = suggestion.notes("en")
        members = []
        for name in g.members:
            answer = recs[name].get("answers", {}).get(str(question), "")
            confirmed = records.confirmed_of(recs[name]).get(question)
            done = "" if confirmed is None else f' <span class="muted">(confirmed: {confirmed:g})</span>'
            if question in records.changed_of(recs[name]):
                done += f' <span class="changed">({records.CHANGED}: awaits confirmation again)</span>'
            # the same outcome, but each unreadable answer's own reason (what was not read is its own text)
            mine = records.suggestions_of(recs[name])[question]
            own = mine.notes("en")
            if own != shown and (mine.unreadable or any(part.status == UNREADABLE for part in mine.parts)):
                done += f'<div class="notes">{batch_page.markdown_html(chr(10).join(own))}</div>'
            members.append(f'<li><a href="../{inert.html(batch_page.href(name, records.FEEDBACK["en"]))}">'
                           f'{inert.html(inert.field(name, 200))}</a>{done} · own points '
                           f'<input type="text" inputmode="decimal" class="points member" size="5" '
                           f'data-member="{_attr(name)}" aria-label="points for this answer">'
                           f'<pre>{inert.html(inert.capped(answer, ANSWER_SHOWN))}</pre></li>')
        rows.append(
            f'<tr class="group" id="{g.id}" data-group="{g.id}" data-question="{question}" '
            f'data-suggested="{suggestion.points:g}" data-out-of="{QUESTION_POINTS[question]}" '
            f'data-members="{_attr(list(g.members))}">'
            f'<td class="text">{g.id}</td><td data-v="{len(g.members)}">{len(g.members)}</td>'
            f'<td class="notes">{notes}</td>'
            f'<td data-v="{suggestion.points:g}">{suggestion.points:g} / {QUESTION_POINTS[question]}</td>'
            f'<td><input type="text" inputmode="decimal" class="points group" size="5" '
            f'placeholder="{suggestion.points:g}" aria-label="points for the group"></td>'
            f'<td><label><input type="checkbox" class="confirm"> confirm</label></td></tr>'
            f'<tr class="members"><td colspan="6"><details class="members"><summary>the {len(g.members)} '
            f'answer(s)</summary><ul>{"".join(members)}</ul></details></td></tr>')
    return "\n".join(rows)


def write_page(out: Path, recs: dict[str, dict]) -> Path | None:
    """OUT/derivation/index.html from the batch's records ({name: record}); None (and no page,
    an older one removed) where no submission of the batch has a derivation."""
    folder = Path(out) / "derivation"
    if not recs:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    batch_page.copy_assets(Path(out))
    checks = {(name, q): c for name, rec in recs.items() for q, c in records.checks_of(rec).items()}
    found = grouping.group(checks)
    sections = []
    for question, out_of in QUESTION_POINTS.items():
        mine = [g for g in found if g.question == question]
        sections.append(
            f'<h2 id="question-{question}">Question {question} ({out_of} point(s)): {len(mine)} group(s)</h2>\n'
            f'<table class="groups" id="groups-{question}"><thead><tr>'
            '<th class="text" data-key="group">group</th><th data-key="answers">answers</th>'
            '<th class="text" data-key="found">what the check found (the first answer\'s formulas)</th>'
            '<th data-key="suggested">suggested</th><th data-key="points">points</th><th data-key="confirm">confirm</th>'
            f'</tr></thead><tbody>\n{group_rows(question, mine, recs)}\n</tbody></table>')
    confirmed = sum(len(records.confirmed_of(r)) for r in recs.values())
    changed = sum(len(records.changed_of(r)) for r in recs.values())
    unread = [(name, note) for name, rec in sorted(recs.items()) for note in records.notes_of(rec)]
    if unread:  # an answer file that could not be read is said, never dropped silently
        items = "".join(f'<li><a href="../{inert.html(batch_page.href(name, records.FEEDBACK["en"]))}">'
                        f'{inert.html(inert.field(name, 200))}</a>: {inert.html(en)}</li>' for name, (en, _) in unread)
        sections.insert(0, f'<h2 id="unread">Answer files that could not be read: {len(unread)}</h2>\n'
                           f'<ul class="unread">{items}</ul>')
    page = batch_page.render("derivation.html", title=f"mnist-hw: the written derivation of {len(recs)} submission(s)",
                             stats=f"{len(found)} group(s) of {len(checks)} answers; {confirmed} answer(s) confirmed so "
                                   "far (derivation-confirmed.json in OUT)"
                                   + (f"; {changed} answer(s) {records.CHANGED}, awaiting confirmation again"
                                      if changed else ""),
                             questions="\n".join(sections), out_hint=inert.html(inert.field(str(out), 200)))
    write_atomic(folder / "index.html", page.encode())
    return folder / "index.html"
