"""Issue 27's flow: a submission's written answers read (Markdown files, the notebook's answer
cells, zips), the rubric, the suggestions, the groups, the records in OUT, the confirmation;
end to end (marked slow): `mnist-hw grade` on submissions with derivations, the derivation view
in Chromium, and formgrader's path with nbgrader's own commands.

The formula checker's judgement is not this file's: where an answer must be right or wrong, its
AnswerCheck is built here from outcome.py's types (or check_answer is replaced by one that
returns it), so these tests hold for the placeholder checker and the real one alike; only
"unanswered" is asked of check_answer itself.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import scheme
from autograder.authoring import notebook_source
from autograder.batch import submissions
from autograder.derivation import answers, check, groups, record, rubric, suggest, view
from autograder.derivation.outcome import (CHECKED, MISSING, RIGHT, UNANSWERED, UNREADABLE, WRONG, AnswerCheck,
                                           FormulaCheck)

ROOT = Path(__file__).resolve().parent.parent
STUB_EN = ROOT / "release/student/derivation-en.md"
STUB_RU = ROOT / "release/student/derivation-ru.md"
SOLUTION_EN = ROOT / "solution/derivation-en.md"
SOLUTION_RU = ROOT / "solution/derivation-ru.md"
MISSING_NORM = ("the 1/N is missing: this is N times the mean's gradient", "нет множителя 1/N: это градиент, "
                "в N раз больший градиента среднего")


# -- answers ------------------------------------------------------------------------------------
def test_the_student_stub_is_unanswered_everywhere():
    """The released stubs (both derivation files and the notebook) hold every question, each the stub's text."""
    found = answers.read_folder(ROOT / "release/student")
    assert found.sources == ["derivation-en.md", "derivation-ru.md", "mnist.ipynb"]
    assert set(found.answers) == set(check.KEY_FORMULAS)
    assert all(answers.unanswered(a) for a in found.answers.values())
    for question, text in found.answers.items():
        assert check.check_answer(question, text).status == UNANSWERED


def test_a_derivation_file_is_split_into_its_answers_without_the_question_or_nbgrader_s_markers():
    for path in (SOLUTION_EN, SOLUTION_RU):
        found = answers.from_markdown(path.read_text(encoding="utf-8"))
        assert set(found) == set(check.KEY_FORMULAS)
        for q in notebook_source.questions(path.read_text(encoding="utf-8")):
            text = found[q["number"]]
            assert q["question"] not in text and "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
            assert text == q["answer"]  # the reference's answer, exactly
    assert "Z_1 = X W_1" in answers.from_markdown(SOLUTION_EN.read_text())[1]
    again = answers.from_markdown("## Question 5\n\n$$a$$\n\n## Question 6\n\n$$b$$\n\n## Question 5 (continued)\n\n$$c$$")
    assert again == {5: "$$a$$\n\n$$c$$", 6: "$$b$$"}


def test_the_notebook_s_answer_cells_are_found_by_their_nbgrader_ids():
    source = answers.from_notebook(notebook_source.SOURCE.read_bytes())
    ru = {q["number"]: q["answer"] for q in notebook_source.questions(SOLUTION_RU.read_text(encoding="utf-8"))}
    en = {q["number"]: q["answer"] for q in notebook_source.questions(SOLUTION_EN.read_text(encoding="utf-8"))}
    assert source == {n: f"{ru[n]}\n\n---\n\n{en[n]}" for n in ru}  # the cell holds both languages' answers
    notebook = nbformat.read(str(ROOT / "release/student/mnist.ipynb"), as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "derivation-6":
            cell.source = "$$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$$"
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "derivation-2":
            del cell.metadata["nbgrader"]  # only its cell id left: still found
    found = answers.from_notebook(nbformat.writes(notebook).encode())
    assert found[6] == "$$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$$"
    assert answers.unanswered(found[2]) and answers.unanswered(found[1])
    with pytest.raises(ValueError, match="not a notebook"):
        answers.from_notebook(b"{ not json")


def test_answers_from_several_files_join_per_question_and_the_stub_loses_to_an_answer():
    files = {"derivation-en.md": STUB_EN.read_bytes(),
             "derivation-ru.md": "## Вопрос 6. SGD (1 балл)\n\n$$W := W - \\eta G$$\n".encode(),
             "notes/.ipynb_checkpoints/mnist-checkpoint.ipynb": notebook_source.SOURCE.read_bytes()}
    found = answers.collect(files)
    assert found.sources == ["derivation-en.md", "derivation-ru.md"]  # Jupyter's autosave copy is not read
    assert found.answers[6] == "$$W := W - \\eta G$$"
    assert answers.unanswered(found.answers[5])


def test_a_zip_and_a_folder_carry_their_derivation_into_grading(tmp_path):
    network = (ROOT / "release/student/network.py").read_bytes()
    with zipfile.ZipFile(tmp_path / "alice.zip", "w") as z:
        z.writestr("alice/network.py", network)
        z.writestr("alice/derivation-en.md", "## Question 3. Cross-entropy (1 point)\n\n$$L = 1$$\n")
    read = submissions.read_submission(tmp_path / "alice.zip")
    assert read.content == network and read.answers.answers[3] == "$$L = 1$$"
    assert read.answers.sources == ["alice/derivation-en.md"]
    (tmp_path / "bob").mkdir()  # no network.py: refused, but its written answers are still read
    shutil.copyfile(SOLUTION_EN, tmp_path / "bob" / "derivation-en.md")
    read = submissions.read_submission(tmp_path / "bob")
    assert read.problem and len(read.answers.answers) == 7
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "network.py").write_bytes(network)
    assert not submissions.read_submission(tmp_path / "carol").answers  # nothing written: no derivation


def test_an_lms_bulk_download_carries_each_student_s_derivation(tmp_path):
    """Moodle's folder per student, and a student's own zip inside Canvas's flat download."""
    from autograder.lms import bulk

    network = (ROOT / "release/student/network.py").read_bytes()
    answer = "## Question 6. SGD (1 point)\n\n$$W := W - \\eta G$$\n"
    with zipfile.ZipFile(tmp_path / "moodle.zip", "w") as z:
        z.writestr("Jane Doe_7_assignsubmission_file/network.py", network)
        z.writestr("Jane Doe_7_assignsubmission_file/derivation-en.md", answer)
        z.writestr("Ivan_8_assignsubmission_file/network.py", network)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("hw/network.py", network)
        z.writestr("hw/derivation-en.md", answer)
    with zipfile.ZipFile(tmp_path / "canvas.zip", "w") as z:
        z.writestr("doejane_101_5001_hw.zip", inner.getvalue())
    found = {s.name: s for path in ("moodle.zip", "canvas.zip") for s in bulk.submissions(tmp_path / path)[1]}
    assert found["Jane Doe_7"].answers.answers == {6: "$$W := W - \\eta G$$"}
    assert not found["Ivan_8"].answers
    canvas = [s for n, s in found.items() if n.startswith("doejane")]
    assert [s.answers.answers for s in canvas] == [{6: "$$W := W - \\eta G$$"}]


def test_an_answer_file_too_big_is_not_read_nor_more_than_a_submission_s_share(tmp_path, monkeypatch):
    (tmp_path / "derivation-en.md").write_bytes(b"## Question 1. x\n" + b"x" * (answers.MAX_MARKDOWN_BYTES + 1))
    assert not answers.read_folder(tmp_path)
    for n in range(5):
        (tmp_path / f"derivation-{n}.md").write_bytes(f"## Question {n + 1}. x\n".encode() + b"y" * 1000)
    monkeypatch.setattr(answers, "MAX_TOTAL_BYTES", 3500)
    assert answers.read_folder(tmp_path).sources == ["derivation-0.md", "derivation-1.md", "derivation-2.md"]


def test_an_answer_file_that_cannot_be_read_is_said_not_dropped_silently(tmp_path, monkeypatch):
    """Red team (issue 27): a .md over 1 MiB, a truncated notebook, a zip's .md unpacking past the
    limit were dropped without a word; Notepad's UTF-16 and derivation-en.md.txt were not read."""
    answer = "## Question 3. Cross-entropy (1 point)\n\n$$L = 1$$\n"
    (tmp_path / "utf16").mkdir()
    (tmp_path / "utf16" / "derivation-en.md").write_bytes(answer.encode("utf-16"))  # with its BOM
    (tmp_path / "utf16" / "derivation-ru.md.txt").write_text("## Вопрос 6. SGD\n\n$$W := W - \\eta G$$\n")
    found = answers.read_folder(tmp_path / "utf16")
    assert found.answers == {3: "$$L = 1$$", 6: "$$W := W - \\eta G$$"} and found.unread == []
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "derivation-en.md").write_bytes(b"## Question 1. x\n" + b"x" * answers.MAX_MARKDOWN_BYTES)
    (tmp_path / "bad" / "mnist.ipynb").write_text(notebook_source.SOURCE.read_text()[:5000])  # cut off
    (tmp_path / "bad" / "derivation-notes.md").write_text("I wrote it on paper")
    found = answers.read_folder(tmp_path / "bad")
    assert not found and [en for en, _ in found.unread] == [
        f"derivation-en.md: not read, it is over {answers.MAX_MARKDOWN_BYTES} bytes (a derivation is a few KiB of "
        "text; make it smaller and submit again)",
        "derivation-notes.md: read, but it has no \"## Question N\" headings, so no answer could be found in it",
        "mnist.ipynb: not read, it is not a notebook that can be opened (its JSON is broken or cut off)"]
    assert "не прочитан" in found.unread[0][1]
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as z:
        z.writestr("z/derivation-en.md", b"## Question 1. x\n" + b"x" * answers.MAX_MARKDOWN_BYTES)
    assert "z/derivation-en.md: not read, it is over" in submissions.read_submission(tmp_path / "z.zip").answers.unread[0][0]
    lying = answers.read_bounded([("derivation-en.md", 10, lambda limit: b"#" * (limit + 1))])  # a header that lies
    assert "derivation-en.md: not read, it is over" in lying.unread[0][0]
    # said in derivation.json, in the feedback (en, ru) and on the page, not "graded by the instructor" alone
    out = tmp_path / "out"
    written, _ = record.write_batch(out, {"bad": found}, rubric.default())
    rec = json.loads((out / "bad" / "derivation.json").read_text())
    assert [en for en, _ in rec["notes"]] == [en for en, _ in found.unread]
    en = (out / "bad" / "derivation-feedback.en.md").read_text()
    ru = (out / "bad" / "derivation-feedback.md").read_text()
    assert "Answer files that could not be read" in en and "mnist.ipynb: not read" in en
    assert "Файлы ответов, которые не удалось прочитать" in ru and "mnist.ipynb: не прочитан" in ru
    page = view.write_page(out, written).read_text()
    assert "Answer files that could not be read: 3" in page and "mnist.ipynb: not read" in page


def test_an_answer_file_that_is_a_link_is_said_not_read(tmp_path):
    from autograder.lms import bulk

    network = (ROOT / "release/student/network.py").read_bytes()
    for folder in (tmp_path / "alice", tmp_path / "moodle" / "Jane Doe_7_assignsubmission_file",
                   tmp_path / "moodle" / "Ivan_8_assignsubmission_file"):
        folder.mkdir(parents=True)
        (folder / "network.py").write_bytes(network)
        (folder / "derivation-en.md").symlink_to(SOLUTION_EN)
    assert answers.read_folder(tmp_path / "alice").unread[0][0] == \
        "derivation-en.md: not read, it is a link (submit the file itself)"
    found = {s.name: s for s in bulk.submissions(tmp_path / "moodle")[1]}
    assert found["Jane Doe_7"].answers.unread[0][0].startswith("derivation-en.md: not read, it is a link")
    assert not found["Jane Doe_7"].answers.answers


# -- the rubric --------------------------------------------------------------------------------
def test_the_question_points_are_the_derivation_text_s_and_add_up_to_the_scheme_s():
    for path in (SOLUTION_EN, SOLUTION_RU, STUB_EN, STUB_RU):
        assert {q["number"]: q["points"] for q in notebook_source.questions(path.read_text(encoding="utf-8"))} \
            == rubric.QUESTION_POINTS
    assert sum(rubric.QUESTION_POINTS.values()) == next(a.points for a in scheme.AREAS if a.key == "derivation") == 10


def test_the_default_rubric_adds_up_and_names_every_key_formula():
    default = rubric.default()
    for question, keys in check.KEY_FORMULAS.items():
        assert set(default.points[question]) - {rubric.EXPLANATION} == set(keys)
        assert sum(default.points[question].values()) == pytest.approx(rubric.QUESTION_POINTS[question])
    assert rubric.parse(rubric.default_text()) == default
    assert set(rubric.PERSON_PARTS) == {q for q, keys in default.points.items() if rubric.EXPLANATION in keys}


@pytest.mark.parametrize("edit, said", [
    (lambda t: t.replace("dW2 = 0.5", "dW2 = 1"), "[question.5]: its points add up to 3.5, the question is worth 3"),
    (lambda t: t.replace("dW2 = 0.5", "dW3 = 0.5"), "[question.5] dW3: not a key formula of question 5"),
    (lambda t: t.replace("L = 1", "L = -1"), "[question.3] L = -1: points must be a number, 0 or more"),
    (lambda t: t.replace("L = 1", 'L = "one"'), "points must be a number"),
    (lambda t: t + "\n[question.8]\nx = 1\n", "there is no question 8"),
    (lambda t: t.split("[question.7]")[0], "[question.7] is missing"),
    (lambda t: t.replace("[question.1]", "[question.1"), "is not TOML"),
])
def test_a_rubric_that_is_not_one_is_refused_naming_the_problem(edit, said):
    with pytest.raises(rubric.RubricError) as caught:
        rubric.parse(edit(rubric.default_text()), "mine.toml")
    assert said in str(caught.value) and "mine.toml" in str(caught.value)


def test_an_edited_rubric_moves_the_points(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(rubric.default_text().replace("softmax = 0.5\nexplanation = 0.5", "softmax = 1\nexplanation = 0"))
    mine = rubric.load(path)
    assert mine.of(2, "softmax") == 1 and mine.for_person(2) == 0
    with pytest.raises(rubric.RubricError, match="cannot be read"):
        rubric.load(tmp_path / "none.toml")


# -- suggestions ---------------------------------------------------------------------------------
def q5(**statuses) -> AnswerCheck:
    """Question 5's AnswerCheck with these statuses (RIGHT where not given)."""
    return AnswerCheck(5, CHECKED, tuple(
        FormulaCheck(k, statuses.get(k, RIGHT), f"\\partial L/\\partial {k} = ...",
                     MISSING_NORM if statuses.get(k) == WRONG else None)
        for k in check.KEY_FORMULAS[5]))


def test_only_formulas_found_and_right_earn_suggested_points():
    default = rubric.default()
    assert suggest.suggest(q5(), default).points == 3
    s = suggest.suggest(q5(dW1=WRONG, db1=MISSING, dA=UNREADABLE), default)
    assert s.points == 1.5 and s.out_of == 3
    assert {p.quantity: p.points for p in s.parts} == {"dW2": .5, "db2": .5, "dA": 0, "dZ1": .5, "dW1": 0, "db1": 0}
    en, ru = "\n".join(s.notes("en")), "\n".join(s.notes("ru"))
    assert "`dW1`: found, but wrong: the 1/N is missing" in en and "`dW1`: найдена, но неверна: нет множителя 1/N" in ru
    assert "`db1`: not found" in en and "`dA`: found, but it could not be read, so it is not judged" in en
    assert suggest.suggest(AnswerCheck(5, UNANSWERED), default).points == 0
    assert suggest.Suggestion.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_the_part_a_person_judges_is_shown_never_suggested():
    default = rubric.default()
    q2 = suggest.suggest(AnswerCheck(2, CHECKED, (FormulaCheck("softmax", RIGHT, "p = e^z / sum e^z"),)), default)
    assert q2.points == 0.5 and q2.for_person == 0.5  # of 1: the other half is the person's
    assert any("why the row's maximum is subtracted" in line and "up to 0.5 point(s)" in line for line in q2.notes("en"))
    q7 = suggest.suggest(AnswerCheck(7, CHECKED, tuple(FormulaCheck(k, RIGHT) for k in check.KEY_FORMULAS[7])),
                         default)
    assert q7.points == pytest.approx(0.7)
    assert any("the proof that the Keras form is equivalent" in line for line in q7.notes("en"))
    assert any("доказательство равносильности формы Keras" in line for line in q7.notes("ru"))


def test_a_student_s_formula_is_shown_as_text_whatever_it_holds():
    from markdown_it import MarkdownIt

    hostile = "<img src=x onerror=alert(1)> ``` $$ \\frac{1}{N} [x](javascript:alert(1)) \n# heading"
    s = suggest.suggest(AnswerCheck(3, CHECKED, (FormulaCheck("L", WRONG, hostile, MISSING_NORM),),
                                    unreadable=(hostile,)), rubric.default())
    rendered = MarkdownIt("commonmark", {"html": False}).render("\n".join(s.notes("en")))
    assert "<img" not in rendered and "<a " not in rendered and "<h1" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered


# -- groups ------------------------------------------------------------------------------------------
def test_answers_with_the_same_outcome_are_one_group_whatever_their_text():
    checks = {(f"s{i:02d}", 5): q5() for i in range(40)}
    checks[("odd", 5)] = q5(dW1=WRONG)
    checks[("odd2", 5)] = AnswerCheck(5, CHECKED, tuple(
        FormulaCheck(k, WRONG if k == "dW1" else RIGHT, "other text", ("a wrong transpose", "не то транспонирование")
                     if k == "dW1" else None) for k in check.KEY_FORMULAS[5]))
    checks[("s00", 6)] = AnswerCheck(6, UNANSWERED)
    found = groups.group(checks)
    assert [(g.question, len(g.members)) for g in found] == [(5, 40), (5, 1), (5, 1), (6, 1)]
    assert found[0].members == tuple(f"s{i:02d}" for i in range(40))
    assert len({g.id for g in found}) == 4 and all(re.fullmatch(r"q\d-[0-9a-f]{10}", g.id) for g in found)
    assert [g.id for g in groups.group(dict(reversed(list(checks.items()))))] == [g.id for g in found]


# -- the records and the confirmation --------------------------------------------------------------
@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """OUT with three submissions' derivation records; check_answer replaced so that alice and
    bob answer question 5 all right and carol has dW1 wrong."""
    outcomes = {"right": q5(), "wrong": q5(dW1=WRONG)}

    def judged(question, markdown):
        if answers.unanswered(markdown):
            return AnswerCheck(question, UNANSWERED)
        if question == 5:
            return outcomes["wrong" if "wrong" in markdown else "right"]
        return AnswerCheck(question, CHECKED, tuple(FormulaCheck(k, MISSING) for k in check.KEY_FORMULAS[question]))

    monkeypatch.setattr(record, "check_answer", judged)
    out = tmp_path / "out"
    given = {name: answers.Answers({5: text, 6: "YOUR ANSWER HERE"}, ["derivation-en.md"])
             for name, text in (("alice", "$$dW1 = X^T G$$"), ("bob", "$$dW_1 = X^\\top G$$"), ("carol", "wrong"))}
    given["dave"] = answers.Answers()  # no derivation
    written, problems = record.write_batch(out, given, rubric.default())
    assert problems == [] and set(written) == {"alice", "bob", "carol"}
    return out


def test_each_submission_s_suggestion_is_written_into_its_folder(recorded):
    rec = json.loads((recorded / "alice" / "derivation.json").read_text())
    assert rec["confirmed"] == {} and rec["questions"]["5"]["suggestion"]["points"] == 3
    assert rec["questions"]["6"]["check"]["status"] == UNANSWERED
    assert rec["questions"]["1"]["check"]["status"] == UNANSWERED  # a question it does not have
    en = (recorded / "carol" / "derivation-feedback.en.md").read_text()
    ru = (recorded / "carol" / "derivation-feedback.md").read_text()
    assert "Question 5: suggested 2.5 of 3 point(s)" in en and "not a grade" in en
    assert "Вопрос 5: предложено 2.5 из 3 балл(ов)" in ru and "не оценка" in ru
    assert not (recorded / "dave").exists()


def test_the_view_groups_the_batch_s_answers(recorded):
    page = view.write_page(recorded, record.read_batch(recorded)).read_text()
    rows = re.findall(r'<tr class="group" id="(q\d-\w+)" data-group="\1" data-question="(\d)" '
                      r'data-suggested="([\d.]+)" data-out-of="(\d)" data-members="([^"]*)"', page)
    q5_rows = [(s, json.loads(m.replace("&quot;", '"'))) for _, q, s, _, m in rows if q == "5"]
    assert q5_rows == [("3", ["alice", "bob"]), ("2.5", ["carol"])]
    assert "<pre>$$dW_1 = X^\\top G$$</pre>" in page  # each member's answer as written, for the person
    assert view.write_page(recorded, {}) is None and not (recorded / "derivation").exists()


def test_a_group_of_unreadable_answers_shows_each_member_s_reason(tmp_path, monkeypatch):
    """Red team (issue 27): one group, one outcome (dW1 unreadable), but each answer's own fragment
    not read; the page showed only the first member's."""
    def judged(question, markdown):
        if question != 5:
            return AnswerCheck(question, UNANSWERED)
        return AnswerCheck(5, CHECKED, tuple(FormulaCheck(k, UNREADABLE if k == "dW1" else RIGHT, markdown)
                                             for k in check.KEY_FORMULAS[5]), (f"{markdown} fragment",))

    monkeypatch.setattr(record, "check_answer", judged)
    given = {name: answers.Answers({5: text}, ["derivation-en.md"])
             for name, text in (("alice", "\\boxed{dW1}"), ("bob", "dW1 = <b>X</b>"))}
    written, _ = record.write_batch(tmp_path, given, rubric.default())
    page = view.write_page(tmp_path, written).read_text()
    assert len({g.id for g in groups.group({(n, 5): record.checks_of(r)[5] for n, r in written.items()})}) == 1
    assert page.count("\\boxed{dW1} fragment") >= 1 and page.count("dW1 = &lt;b&gt;X&lt;/b&gt; fragment") >= 1


def test_confirmed_points_are_recorded_and_the_student_s_feedback_says_them(recorded):
    rows = [(n, q, p) for n in ("alice", "bob") for q, p in zip(range(1, 8), (1, 0.5, 1, 2, 3, 1, 0.75))]
    record.confirm(recorded, record.validated(recorded, rows))
    record.confirm(recorded, record.validated(recorded, [("bob", 7, 1), ("carol", "5", "2,5")]))  # later wins; a comma
    assert record.confirmations(recorded) == {"alice": dict(zip(range(1, 8), (1, 0.5, 1, 2, 3, 1, 0.75))),
                                           "bob": dict(zip(range(1, 8), (1, 0.5, 1, 2, 3, 1, 1))), "carol": {5: 2.5}}
    table = list(csv.DictReader(io.StringIO((recorded / "derivation.csv").read_text())))
    assert [(r["submission"], r["q5"], r["derivation"]) for r in table] == [
        ("alice", "3", "9.25"), ("bob", "3", "9.5"), ("carol", "2.5", "")]
    en = (recorded / "bob" / "derivation-feedback.en.md").read_text()
    ru = (recorded / "bob" / "derivation-feedback.md").read_text()
    assert "**Written derivation: 9.5 of 10 points.**" in en and "Question 7: 1 of 1 point(s)" in en
    assert "**Письменный вывод: 9.5 из 10 баллов.**" in ru and "Вопрос 7: 1 из 1 балл(ов)" in ru
    assert "suggested" not in en  # once confirmed, the points are the instructor's
    carol = (recorded / "carol" / "derivation-feedback.en.md").read_text()
    assert "6 question(s) not graded yet" in carol and "Question 1: not graded yet" in carol
    assert json.loads((recorded / "carol" / "derivation.json").read_text())["confirmed"] == {"5": 2.5}


@pytest.mark.parametrize("rows, said", [
    ([("eve", 1, 1)], "'eve' is no submission"),
    ([("dave", 1, 1)], "'dave' is no submission"),
    ([("alice", 8, 1)], "question '8' is not 1 to 7"),
    ([("alice", 5, 3.5)], "points '3.5' must be a number from 0 to 3"),
    ([("alice", 5, "three")], "must be a number"),
    ([], "nothing to record"),
])
def test_a_confirmation_that_cannot_be_recorded_records_nothing(recorded, rows, said):
    with pytest.raises(record.ConfirmationError, match=re.escape(said)):
        record.validated(recorded, [("bob", 1, 1)] + rows if rows else rows)
    assert not (recorded / record.CONFIRMED).exists()


def test_the_page_s_file_and_a_csv_are_read_alike(recorded, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"kind": record.KIND, "version": 1, "scores": [
        {"submission": "alice", "question": 5, "points": 3}]}))
    (tmp_path / "c.csv").write_text("Submission,Question,Points\nalice,5,3\n,,\n")
    assert record.read_confirmation(tmp_path / "c.json") == [("alice", 5, 3)]
    assert record.read_confirmation(tmp_path / "c.csv") == [("alice", "5", "3"), None]  # None: an empty row
    (tmp_path / "bad.json").write_text(json.dumps({"scores": []}))
    with pytest.raises(record.ConfirmationError, match="not a confirmation file of the batch page"):
        record.read_confirmation(tmp_path / "bad.json")
    (tmp_path / "bad.csv").write_text("name,points\n")
    with pytest.raises(record.ConfirmationError, match="submission,question,points"):
        record.read_confirmation(tmp_path / "bad.csv")


def test_a_confirmation_file_that_is_not_one_is_said_in_one_line_naming_the_row(recorded, tmp_path):
    """Red team (issue 27): 100k nested [ printed a RecursionError; a row that is no object was
    dropped and the later rows renumbered; a CSV column more was taken silently."""
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "deep2.json").write_text('{"kind": "x", "scores": ' + "[" * 100_000 + "]" * 100_000 + "}")
    for deep in ("deep.json", "deep2.json"):
        with pytest.raises(record.ConfirmationError, match="not a confirmation file of the batch page") as said:
            record.read_confirmation(tmp_path / deep)
        assert "\n" not in str(said.value)
    (tmp_path / "j.json").write_text(json.dumps({"kind": record.KIND, "scores": [
        {"submission": "alice", "question": 5, "points": 3}, "notadict", {"submission": "eve", "question": 5,
                                                                          "points": 1}]}))
    with pytest.raises(record.ConfirmationError) as said:
        record.validated(recorded, record.read_confirmation(tmp_path / "j.json"))
    assert "row 2: a string, not an object" in str(said.value) and "row 3: 'eve' is no submission" in str(said.value)
    (tmp_path / "extra.csv").write_text("submission,question,points,comment\nalice,5,3,ok\n")
    with pytest.raises(record.ConfirmationError, match="also has 'comment'"):
        record.read_confirmation(tmp_path / "extra.csv")
    (tmp_path / "cells.csv").write_text("submission,question,points\nalice,5,3\nbob,5,3,9\n")
    with pytest.raises(record.ConfirmationError, match="row 2 has more cells"):
        record.read_confirmation(tmp_path / "cells.csv")
    (tmp_path / "gap.csv").write_text("submission,question,points\nalice,5,3\n,,\neve,5,1\n")
    with pytest.raises(record.ConfirmationError, match="row 3: 'eve'"):  # the empty row keeps its number
        record.validated(recorded, record.read_confirmation(tmp_path / "gap.csv"))
    (recorded / "grades.json").write_text("{}")  # a batch `mnist-hw grade` wrote, as the command asks
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(recorded),
                           str(tmp_path / "deep.json")], capture_output=True, text=True, cwd=ROOT)
    said = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in said and "nested too deep" in said


def test_a_batch_graded_again_keeps_what_was_confirmed_of_an_unchanged_answer_only(recorded):
    """A confirmation is of an answer: graded again with alice's answers unchanged, hers stand;
    bob's question 5 changed (even to nothing) is "changed since confirmed" everywhere, its old points counted nowhere."""
    from autograder.batch import reports
    from autograder.results import Grade

    full = [(n, q, 1 if q != 4 else 2) for n in ("alice", "bob") for q in range(1, 8)]
    record.confirm(recorded, record.validated(recorded, [r if r[1] != 5 else (r[0], 5, 3) for r in full]))
    assert record.totals(recorded) == {"alice": 10, "bob": 10}
    again = {"alice": answers.Answers({5: "$$dW1 = X^T G$$", 6: "YOUR ANSWER HERE"}, ["derivation-en.md"]),
             "bob": answers.Answers({5: "YOUR ANSWER HERE", 6: "YOUR ANSWER HERE"}, ["derivation-en.md"]),
             "carol": answers.Answers()}
    record.write_batch(recorded, again, rubric.default())
    alice = json.loads((recorded / "alice" / "derivation.json").read_text())
    bob = json.loads((recorded / "bob" / "derivation.json").read_text())
    assert alice["confirmed"]["5"] == 3 and alice["changed"] == []
    assert "5" not in bob["confirmed"] and bob["changed"] == [5] and len(bob["confirmed"]) == 6
    assert record.confirmations(recorded)["bob"] == {q: 1 if q != 4 else 2 for q in (1, 2, 3, 4, 6, 7)}
    assert record.totals(recorded) == {"alice": 10, "bob": record.CHANGED}
    table = {r["submission"]: r for r in csv.DictReader(io.StringIO((recorded / "derivation.csv").read_text()))}
    assert (table["alice"]["q5"], table["alice"]["derivation"]) == ("3", "10")
    assert (table["bob"]["q5"], table["bob"]["derivation"]) == (record.CHANGED, "")
    en = (recorded / "bob" / "derivation-feedback.en.md").read_text()
    ru = (recorded / "bob" / "derivation-feedback.md").read_text()
    assert "10 of 10" not in en and "Question 5: changed since confirmed, not graded yet" in en
    assert "Вопрос 5: изменён после подтверждения" in ru and "7 из 10" in ru
    reports.write_gradebook(recorded, {n: Grade.zero("no network.py", True) for n in ("alice", "bob")})
    book = {r["submission"]: r for r in csv.DictReader(io.StringIO((recorded / "gradebook.csv").read_text()))}
    assert (book["alice"]["derivation"], book["bob"]["derivation"]) == ("10", record.CHANGED)
    page = view.write_page(recorded, record.read_batch(recorded)).read_text()
    assert "changed since confirmed: awaits confirmation again" in page
    record.confirm(recorded, record.validated(recorded, [("bob", 5, 0)]))  # confirmed again: it counts again
    assert record.totals(recorded)["bob"] == 7 and json.loads((recorded / "bob" / "derivation.json").read_text())[
        "changed"] == []
    record.write_batch(recorded, {"alice": answers.Answers(), "bob": again["bob"]}, rubric.default())
    assert not (recorded / "alice" / "derivation.json").exists()  # no derivation any more: its record goes
    assert record.totals(recorded) == {"alice": record.CHANGED, "bob": 7}  # and its old points with it


def test_the_gradebook_gets_a_derivation_column_only_once_confirmed(recorded):
    from autograder.batch import reports
    from autograder.results import Grade

    grades = {n: Grade.zero("no network.py", True) for n in ("alice", "carol")}
    reports.write_gradebook(recorded, grades)
    assert "derivation" not in (recorded / "gradebook.csv").read_text().splitlines()[0]
    record.confirm(recorded, record.validated(recorded, [("alice", q, 1 if q != 4 else 2) for q in range(1, 8)]
                                           + [("carol", 1, 1)]))
    reports.write_gradebook(recorded, grades)
    table = {r["submission"]: r for r in csv.DictReader(io.StringIO((recorded / "gradebook.csv").read_text()))}
    assert table["alice"]["derivation"] == "8" and table["carol"]["derivation"] == ""
    assert table["alice"]["total"] == "0"  # the autograded total is untouched


# -- end to end: mnist-hw grade, the view in Chromium, mnist-hw derivation confirm ------------------
def grade(paths, out, *more):
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, paths), "--out", str(out),
                           "--skip-training", "--jobs", "2", *more], capture_output=True, text=True, cwd=ROOT,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory, mnist_dir):
    """`mnist-hw grade --skip-training` on: alice (the stub's code, the reference's derivation in
    derivation-en.md), bob (a zip: the stub's code and the released notebook with question 6
    answered), carol (the student release's files untouched), dave (code only) and a name full of HTML."""
    root = tmp_path_factory.mktemp("derivation")
    subs = root / "subs"
    stub = ROOT / "release/student/network.py"
    for name in ("alice", "carol", "dave", HOSTILE):
        (subs / name).mkdir(parents=True)
        shutil.copyfile(stub, subs / name / "network.py")
    shutil.copyfile(SOLUTION_EN, subs / "alice" / "derivation-en.md")
    shutil.copyfile(SOLUTION_EN, subs / HOSTILE / "derivation-en.md")
    for name in ("derivation-en.md", "derivation-ru.md", "mnist.ipynb"):
        shutil.copyfile(ROOT / "release/student" / name, subs / "carol" / name)
    notebook = nbformat.read(str(ROOT / "release/student/mnist.ipynb"), as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "derivation-6":
            cell.source = "$$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$$ <script>alert(1)</script>"
    with zipfile.ZipFile(subs / "bob.zip", "w") as z:
        z.write(stub, "bob/network.py")
        z.writestr("bob/mnist.ipynb", nbformat.writes(notebook))
    paths = [subs / n for n in ("alice", "carol", "dave", HOSTILE)] + [subs / "bob.zip"]
    out = root / "out"
    done = grade(paths, out)
    assert "4 written derivation(s)" in done.stdout
    return out


HOSTILE = "<img src=x onerror=\"document.body.setAttribute('data-pwned','name')\">"


@pytest.mark.slow
def test_grade_writes_each_submission_s_suggestion_and_the_derivation_view(graded):
    for name in ("alice", "bob", "carol", HOSTILE):
        rec = json.loads((graded / name / "derivation.json").read_text())
        assert set(rec["questions"]) == {str(q) for q in check.KEY_FORMULAS} and rec["confirmed"] == {}
        for lang in ("derivation-feedback.md", "derivation-feedback.en.md"):
            assert (graded / name / lang).is_file()
    assert not (graded / "dave" / "derivation.json").exists()
    carol = json.loads((graded / "carol" / "derivation.json").read_text())
    assert {q["check"]["status"] for q in carol["questions"].values()} == {UNANSWERED}  # the stub: unanswered
    assert carol["sources"] == ["derivation-en.md", "derivation-ru.md", "mnist.ipynb"]
    bob = json.loads((graded / "bob" / "derivation.json").read_text())
    assert bob["sources"] == ["bob/mnist.ipynb"] and bob["questions"]["6"]["check"]["status"] == CHECKED
    alice = json.loads((graded / "alice" / "derivation.json").read_text())
    assert {q["check"]["status"] for q in alice["questions"].values()} == {CHECKED}
    assert 'href="derivation/index.html"' in (graded / "index.html").read_text()
    grades = json.loads((graded / "grades.json").read_text())
    assert all(g["score"] == 0 for g in grades.values())  # the suggestions are no part of any grade


@pytest.mark.slow
def test_the_view_in_a_browser_builds_the_confirmation_from_what_is_ticked(graded, tmp_path):
    from tests.test_batch_page import assert_untouched, dump_dom

    dom = dump_dom(graded / "derivation" / "index.html")
    assert_untouched(dom, scripts=2)
    assert json.loads(dom.find("pre", id="confirmation").content())["scores"] == []  # nothing ticked, nothing confirmed
    groups6 = [r for r in dom.find("table", id="groups-6").find("tbody").all("tr") if r.attrs.get("class") == "group"]
    outcomes = {n: AnswerCheck.from_dict(r["questions"]["6"]["check"]).outcome_key()
                for n, r in record.read_batch(graded).items()}
    members = [json.loads(r.attrs["data-members"]) for r in groups6]
    assert sorted(n for m in members for n in m) == sorted(outcomes)  # every answer to question 6, once
    assert all(len({outcomes[n] for n in m}) == 1 for m in members)  # a group: one outcome
    assert len(groups6) == len(set(outcomes.values()))  # and one group per outcome
    assert outcomes["carol"] != outcomes["bob"]  # the stub's is unanswered, bob's answered
    # a copy of the page with a script (beside page.js) that does what an instructor does: tick a group, type points
    clicks = graded / "assets" / "clicks.js"
    clicks.write_text("""document.addEventListener("DOMContentLoaded", function () {
  var row = document.querySelector("#groups-6 tr.group");
  row.querySelector("input.confirm").checked = true;
  row.querySelector("input.points.group").value = "0.5";
  var own = row.nextElementSibling.querySelector("input.points.member");
  own.value = "1";
  own.dispatchEvent(new Event("change"));
  var other = document.querySelectorAll("#groups-1 tr.group")[0];
  other.querySelector("input.confirm").checked = true;
  other.querySelector("input.confirm").dispatchEvent(new Event("change"));
});""")
    page = (graded / "derivation" / "index.html").read_text()
    (graded / "derivation" / "clicked.html").write_text(
        page.replace('<script src="../assets/page.js"></script>',
                     '<script src="../assets/page.js"></script><script src="../assets/clicks.js"></script>'))
    try:
        dom = dump_dom(graded / "derivation" / "clicked.html")
    finally:
        clicks.unlink()
        (graded / "derivation" / "clicked.html").unlink()
    confirmation = json.loads(dom.find("pre", id="confirmation").content())
    first6 = json.loads(groups6[0].attrs["data-members"])
    first1 = [r for r in dom.find("table", id="groups-1").find("tbody").all("tr") if r.attrs.get("class") == "group"][0]
    suggested1 = float(first1.attrs["data-suggested"])
    expected = ([{"submission": first6[0], "question": 6, "points": 1}]
                + [{"submission": n, "question": 6, "points": 0.5} for n in first6[1:]]
                + [{"submission": n, "question": 1, "points": suggested1} for n in json.loads(first1.attrs["data-members"])])
    key = lambda s: (s["question"], s["submission"])  # noqa: E731
    assert sorted(confirmation["scores"], key=key) == sorted(expected, key=key)
    assert confirmation["kind"] == record.KIND
    assert dom.find("span", id="confirmed-count").content() == str(len(expected))
    assert dom.find("a", id="save").attrs["href"].startswith("data:application/json")
    # the page's own file, saved and recorded
    (tmp_path / "derivation-confirmed.json").write_text(json.dumps(confirmation))
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(graded),
                           str(tmp_path / "derivation-confirmed.json")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"recorded {len(expected)} confirmed answer(s)" in done.stdout
    assert record.confirmations(graded)[first6[0]][6] == 1


@pytest.mark.slow
def test_an_invalid_entry_on_the_page_is_left_out_of_the_confirmation_and_a_comma_is_a_decimal_point(recorded):
    """Red team (issue 27): a member's "5" on a 3-point question said "(left out)" but the file gave
    that member the group's points; "1,5" was emptied by the number box into the group's points."""
    from tests.test_batch_page import dump_dom

    view.write_page(recorded, record.read_batch(recorded))
    (recorded / "assets" / "clicks.js").write_text("""document.addEventListener("DOMContentLoaded", function () {
  var rows = document.querySelectorAll("#groups-5 tr.group");
  function member(row, name) {
    return Array.prototype.filter.call(row.nextElementSibling.querySelectorAll("input.points.member"),
      function (m) { return JSON.parse(m.getAttribute("data-member")) === name; })[0];
  }
  rows[0].querySelector("input.confirm").checked = true;
  rows[0].querySelector("input.points.group").value = "2,5";
  member(rows[0], "alice").value = "5";
  rows[1].querySelector("input.confirm").checked = true;
  member(rows[1], "carol").value = "1,5";
  member(rows[1], "carol").dispatchEvent(new Event("change"));
});""")
    page = (recorded / "derivation" / "index.html").read_text()
    assert page.count('<script src="../assets/page.js"></script>') == 1
    (recorded / "derivation" / "clicked.html").write_text(
        page.replace('<script src="../assets/page.js"></script>',
                     '<script src="../assets/page.js"></script><script src="../assets/clicks.js"></script>'))
    dom = dump_dom(recorded / "derivation" / "clicked.html")
    scores = json.loads(dom.find("pre", id="confirmation").content())["scores"]
    assert sorted(scores, key=lambda s: s["submission"]) == [{"submission": "bob", "question": 5, "points": 2.5},
                                                           {"submission": "carol", "question": 5, "points": 1.5}]
    assert "alice, question 5" in dom.find("p", id="invalid").content()
    alice = [m for m in dom.all("input") if m.attrs.get("data-member") == '"alice"']
    assert [m.attrs["class"] for m in alice].count("points member invalid") == 1  # its box (question 5) marked


@pytest.mark.slow
def test_confirm_from_a_csv_fills_the_gradebook_and_the_student_s_feedback(graded, tmp_path):
    rows = "".join(f"carol,{q},{p}\n" for q, p in zip(range(1, 8), (0, 0, 0, 0, 0, 0, 0)))
    (tmp_path / "c.csv").write_text("submission,question,points\n" + rows + "bob,6,1\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(graded),
                           str(tmp_path / "c.csv")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    table = {r["submission"]: r for r in csv.DictReader(io.StringIO((graded / "gradebook.csv").read_text()))}
    assert table["carol"]["derivation"] == "0" and table["dave"]["derivation"] == ""
    assert "Вопрос 6: 1 из 1 балл(ов)" in (graded / "bob" / "derivation-feedback.md").read_text()
    assert "Question 6: 1 of 1 point(s)" in (graded / "bob" / "derivation-feedback.en.md").read_text()
    (tmp_path / "bad.csv").write_text("submission,question,points\ncarol,4,5\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(graded),
                           str(tmp_path / "bad.csv")], capture_output=True, text=True, cwd=ROOT,
                          env={**__import__("os").environ, "COLUMNS": "300"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "points '5' must be a number from 0 to 2" in done.stderr


@pytest.mark.slow
@pytest.mark.slow
def test_an_answer_changed_after_its_confirmation_is_not_counted_when_graded_again(tmp_path, mnist_dir):
    """Red team (issue 27): confirmed 10/10, the student resubmitted the stub and the batch was graded
    again: derivation.csv, the gradebook and the feedback still said 10."""
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    shutil.copyfile(ROOT / "release/student/network.py", tmp_path / "subs" / "alice" / "network.py")
    shutil.copyfile(SOLUTION_EN, tmp_path / "subs" / "alice" / "derivation-en.md")
    out = tmp_path / "out"
    grade([tmp_path / "subs" / "alice"], out)
    (tmp_path / "c.csv").write_text("submission,question,points\n" + "".join(
        f"alice,{q},{p}\n" for q, p in rubric.QUESTION_POINTS.items()))
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(out), str(tmp_path / "c.csv")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    book = lambda: {r["submission"]: r for r in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))}  # noqa: E731
    assert book()["alice"]["derivation"] == "10"
    grade([tmp_path / "subs" / "alice"], out)  # unchanged: kept
    assert book()["alice"]["derivation"] == "10"
    shutil.copyfile(STUB_EN, tmp_path / "subs" / "alice" / "derivation-en.md")
    grade([tmp_path / "subs" / "alice"], out)
    assert book()["alice"]["derivation"] == record.CHANGED
    table = list(csv.DictReader(io.StringIO((out / "derivation.csv").read_text())))
    assert [r["derivation"] for r in table] == [""] and table[0]["q5"] == record.CHANGED
    en = (out / "alice" / "derivation-feedback.en.md").read_text()
    assert "10 of 10" not in en and "Question 5: changed since confirmed" in en


def test_a_rubric_that_is_not_one_is_said_before_anything_is_graded(tmp_path):
    (tmp_path / "r.toml").write_text(rubric.default_text().replace("sgd = 1", "sgd = 2"))
    (tmp_path / "erin").mkdir()
    shutil.copyfile(ROOT / "release/student/network.py", tmp_path / "erin" / "network.py")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "erin"), "--out",
                           str(tmp_path / "out"), "--skip-training", "--rubric", str(tmp_path / "r.toml")],
                          capture_output=True, text=True, cwd=ROOT, env={**__import__("os").environ, "COLUMNS": "300"})
    assert done.returncode == 1 and "[question.6]: its points add up to 2, the question is worth 1" in done.stderr
    assert not (tmp_path / "out").exists()


# -- formgrader's path, with nbgrader's own commands ------------------------------------------------
def nbgrader(course: Path, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, capture_output=True,
                          text=True, env={**__import__("os").environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.mark.slow
def test_formgrader_shows_the_suggestion_as_a_comment_and_counts_only_the_instructor_s_score(tmp_path, mnist_dir):
    """A course made as tests/test_nbgrader.py makes it: generate_assignment, two students' notebooks
    (alice answers questions 2 and 6, bob leaves the stub), autograde (its execution left out: the
    notebook's code cells are test_nbgrader's), then `mnist-hw grade --nbgrader-db` on their folders:
    the suggestions are the derivation cells' comments, no score is set; the instructor's manual
    score (set as formgrader's API sets it, or by `mnist-hw derivation confirm --nbgrader-db`) counts."""
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    (course / "solution").mkdir(parents=True)
    shutil.copyfile(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solution/nbgrader", course / "solution/nbgrader")
    nbgrader(course, "generate_assignment", "mnist")
    released = course / "release/nbgrader/mnist/mnist.ipynb"
    answered = {2: "$$p_{ic} = \\frac{e^{z_{ic}}}{\\sum_k e^{z_{ik}}}$$ The maximum keeps exp from overflowing.",
                6: "$$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$$"}
    for student in ("alice", "bob"):
        folder = course / "grading/submitted" / student / "mnist"
        folder.mkdir(parents=True)
        notebook = nbformat.read(str(released), as_version=4)
        for cell in notebook.cells:
            match = re.fullmatch(r"derivation-(\d)", cell.metadata.get("nbgrader", {}).get("grade_id", ""))
            if student == "alice" and match and int(match.group(1)) in answered:
                cell.source = answered[int(match.group(1))]
        nbformat.write(notebook, str(folder / "mnist.ipynb"))
        shutil.copyfile(ROOT / "release/student/network.py", folder / "network.py")
    nbgrader(course, "autograde", "mnist", "--create", "--Execute.enabled=False")
    db = course / "grading/gradebook.db"

    subs = tmp_path / "subs"
    for student in ("alice", "bob"):
        shutil.copytree(course / "grading/submitted" / student / "mnist", subs / student)
    done = grade([subs / "alice", subs / "bob"], tmp_path / "out", "--nbgrader-db", str(db))
    assert "14 derivation suggestion(s) as comments in formgrader" in done.stdout

    with Gradebook(f"sqlite:///{db}") as gb:
        for student in ("alice", "bob"):
            for q in check.KEY_FORMULAS:
                grade_ = gb.find_grade(f"derivation-{q}", "mnist", "mnist", student)
                comment = gb.find_comment(f"derivation-{q}", "mnist", "mnist", student)
                assert grade_.manual_score is None, (student, q)  # nothing pre-filled as a score
                assert comment.manual_comment is None
                assert comment.auto_comment.startswith(f"mnist-hw: Question {q}: suggested ")
                assert f"Вопрос {q}: предложено" in comment.auto_comment and "not a grade" in comment.auto_comment
                answered_here = student == "alice" and q in answered
                assert grade_.needs_manual_grade == answered_here  # nbgrader's own verdict, untouched
                if not answered_here:
                    assert "not answered" in comment.auto_comment
        alice6 = gb.find_comment("derivation-6", "mnist", "mnist", "alice").auto_comment
        assert "`sgd`" in alice6
        before = gb.find_submission("mnist", "alice").score
        grade_ = gb.find_grade("derivation-6", "mnist", "mnist", "alice")  # formgrader's grade API, as it does it
        grade_.manual_score = 1.0
        grade_.needs_manual_grade = False
        gb.db.commit()
    (tmp_path / "c.csv").write_text("submission,question,points\nalice,2,0.5\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "derivation", "confirm", str(tmp_path / "out"),
                           str(tmp_path / "c.csv"), "--nbgrader-db", str(db)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    with Gradebook(f"sqlite:///{db}") as gb:
        assert gb.find_submission("mnist", "alice").score == before + 1.5  # the instructor's scores, all that counts
        two = gb.find_grade("derivation-2", "mnist", "mnist", "alice")
        assert two.manual_score == 0.5 and not two.needs_manual_grade
    nbgrader(course, "generate_feedback", "mnist")
    feedback = (course / "grading/feedback/alice/mnist/mnist.html").read_text()
    assert "mnist-hw: Question 6: suggested" in feedback  # the comment reaches the student's feedback


@pytest.mark.slow
def test_the_grader_bundle_alone_writes_the_suggestions(tmp_path, mnist_dir):
    """release/autograder (no authoring sources, no project installed) reads and suggests alike."""
    import os

    bundle = tmp_path / "bundle"
    shutil.copytree(ROOT / "release/autograder", bundle)
    (tmp_path / "alice").mkdir()
    shutil.copyfile(ROOT / "release/student/network.py", tmp_path / "alice" / "network.py")
    shutil.copyfile(SOLUTION_RU, tmp_path / "alice" / "derivation-ru.md")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "alice"), "--out",
                           str(tmp_path / "out"), "--skip-training", "--data-dir", str(mnist_dir)],
                          capture_output=True, text=True, cwd=bundle, env={**env, "PYTHONPATH": str(bundle)})
    assert done.returncode == 0, done.stderr[-3000:]
    rec = json.loads((tmp_path / "out" / "alice" / "derivation.json").read_text())
    assert rec["answers"]["1"].startswith("$$Z_1 = X W_1") and rec["sources"] == ["derivation-ru.md"]
    assert (tmp_path / "out" / "derivation" / "index.html").is_file()


@pytest.mark.parametrize("solution", [SOLUTION_EN, SOLUTION_RU], ids=["en", "ru"])
def test_the_reference_answers_are_suggested_every_point_but_the_person_s(solution):
    """With the real checker: the solution's answers, read as a submission's are, get each
    question's points but the part a person judges, and every key formula is found right."""
    read = answers.from_markdown(solution.read_text(encoding="utf-8"))
    assert sorted(read) == sorted(check.KEY_FORMULAS)
    for question, text in read.items():
        found = suggest.suggest(check.check_answer(question, text), rubric.default())
        assert [p.status for p in found.parts] == [RIGHT] * len(check.KEY_FORMULAS[question]), (question, found)
        assert found.points == pytest.approx(found.out_of - found.for_person), (question, found)
