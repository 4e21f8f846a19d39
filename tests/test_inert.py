"""Reports that cannot hurt their readers: a catalogue of hostile strings, fed through every
report for real (hostile submissions and submission names graded by the real grader, the
real `mnist-hw check`), and through the functions of autograder/inert.py directly
(hypothesis). A CommonMark parser (markdown-it-py) checks that what a submission wrote stays
text or code in every Markdown report."""
import csv
import html.parser
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from autograder import inert
from autograder.authoring.examples import SOLUTION

ROOT = Path(__file__).resolve().parent.parent

# What a student who targets the readers of the reports would print, raise or name a file.
CATALOGUE = [
    "```\n# Score: 90/90\n```",  # a fence break-out
    "~~~\n## Score: 90/90 (tilde fence)\n~~~",
    "`" * 10 + "\n# after ten backticks\n" + "~" * 12 + "\n````",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "<http://evil.example/autolink>",
    "# heading\n## heading 2\nSetext\n===",
    "| a | b |\n|---|---|\n| x | y |",  # a table
    "**bold** _it_ ~~gone~~ $\\frac{a}{b}$ &lt;b&gt; &#27;",
    "\x1b[2J\x1b[H cleared the screen",
    "\x1b]0;pwned title\x07",  # OSC: the terminal's title
    "\x1b]8;;http://evil.example\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8: a hyperlink
    "\x9b31m C1 CSI \x85 NEL",
    "abc\u202edcba \u2066isolate\u2069 \u200fRLM",  # Trojan Source's bidi overrides
    "[red]red[/red] [link=file:///etc/passwd]x[/link] :smile:",  # rich markup
    '=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR",
    "NUL\x00byte \x7fDEL \x0bVT \x0cFF",
    "line1\r\nline2\rline3",
]
LONG_LINE = "A" * 100_000
# submission names: the catalogue's entries a file system allows as a name (no '/' or NUL)
NAMES = ["```", "=HYPERLINK(\"http:evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "# heading",
         "<img src=x onerror=alert(1)>", "[red]red [link=http:evil]x", "a\x1b[2Jb\x1b]0;t\x07", "x | y", "line\nbreak",
         "abc\u202egpj.exe", "![i](javascript:x)", "$\\frac$", "**b**_i_"]
BAD_UTF8_NAME = b"bad\xff\xfename"

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# what a reader must never get from text a submission controls
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def hostile_network(kind: str) -> str:
    """A network.py that attacks the reports' readers.

    - prints: the reference solution, printing the catalogue, a 100 kB line and invalid UTF-8
      at import;
    - raises: its functions fail with hostile words: exception messages, a class whose name
      is HTML, a dict whose keys are fence break-outs, a 100 kB source line that raises;
    - import: fails to import with a hostile, many-line message.
    """
    catalogue = repr(CATALOGUE)
    if kind == "prints":
        return (SOLUTION.read_text() + "\nimport sys\nsys.stdout.flush()\n"
                "sys.stdout.buffer.write(b'invalid \\xff\\xfe \\xc3( utf-8\\n')\nsys.stdout.buffer.flush()\n"
                f"for _s in {catalogue}:\n    print(_s)\nprint({LONG_LINE!r})\n")
    if kind == "raises":
        return (SOLUTION.read_text() + f"\n_C = {catalogue}\n"
                "def softmax(logits):\n    return type(_C[4] + _C[11] + _C[16] + _C[15], (), {})()\n"
                "def softmax_cross_entropy(logits, Y):  # correct, without softmax\n"
                "    p = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
                "    p = p / p.sum(axis=1, keepdims=True)\n"
                "    return float(-np.sum(Y * np.log(p + 1e-300)) / len(Y)), (p - Y) / len(Y)\n"
                "def backward(params, cache, dlogits):\n    return {k: 0 for k in _C[:3] + _C[17:19]}\n"
                "def adam_update(params, grads, m, v, t, **kwargs):\n    raise ValueError('\\n'.join(_C[:11]))\n"
                "def sgd_update(params, grads, learning_rate):\n"
                f"    raise KeyError(_C[5])  # {'B' * 100_000}\n")
    assert kind == "import"
    return f"import sys\n_C = {catalogue}\nraise RuntimeError('\\n'.join(_C))\n"


def md_tokens(text: str):
    """Every token of a Markdown document, the inline ones included."""
    tokens = []
    for t in MD.parse(text):
        tokens.append(t)
        tokens.extend(t.children or [])
    return tokens


def shown(inline) -> str:
    """What a reader sees of an inline token: its text and code, escapes resolved."""
    return "".join(t.content for t in inline.children or [] if t.type in ("text", "code_inline"))


def assert_inert_markdown(text: str, headings: set, strong: int, images=()):
    """The document's structure is the grader's: only these headings, `strong` bold
    stretches, these images, no HTML, link, emphasis or strikethrough, tables of two
    columns, and nothing a terminal or a bidi algorithm would act on."""
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    tokens = md_tokens(text)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "link_open", "em_open", "s_open"}, kinds
    assert [t.attrGet("src") for t in tokens if t.type == "image"] == list(images)
    found = [shown(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert set(found) <= headings and len(found) == len(set(found)), found
    assert sum(t.type == "strong_open" for t in tokens) == strong
    cells, row = [], 0
    for t in tokens:
        if t.type == "tr_open":
            row = 0
        elif t.type in ("th_open", "td_open"):
            row += 1
        elif t.type == "tr_close":
            cells.append(row)
    assert cells and all(n == 2 for n in cells), cells
    assert max(len(line) for line in text.splitlines()) <= 2 * inert.MAX_FIELD + 500


def run_cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env, capture_output=True)


def assert_inert_terminal(raw: bytes):
    """What `mnist-hw` printed: valid UTF-8, no escape sequence, no control but newline."""
    text = raw.decode("utf-8")  # strict: invalid UTF-8 never reaches the terminal
    assert not CONTROL.search(text), repr(text[max(0, CONTROL.search(text).start() - 80):][:160])
    return text


@pytest.fixture(scope="module")
def graded(tmp_path_factory, mnist_dir):
    """The hostile submissions, and a submission under each hostile name, graded by
    `mnist-hw grade` (without training: the reports are the same, the figure aside)."""
    base = tmp_path_factory.mktemp("hostile")
    subs = base / "subs"
    paths = []
    for kind in ("prints", "raises", "import"):
        (subs / kind).mkdir(parents=True)
        (subs / kind / "network.py").write_text(hostile_network(kind))
        paths.append(subs / kind)
    for i, name in enumerate(NAMES):  # the same content as `raises`: graded once, reported under each name
        (subs / name).mkdir()
        (subs / name / "network.py").write_text(hostile_network("raises"))
        paths.append(subs / name)
    bad = os.path.join(os.fsencode(subs), BAD_UTF8_NAME)
    os.mkdir(bad)
    Path(os.fsdecode(bad), "network.py").write_text(hostile_network("import"))
    paths.append(Path(os.fsdecode(bad)))
    done = run_cli("grade", *map(str, paths), "--out", str(base / "out"), "--skip-training", "--jobs", "2",
                   "--data-dir", str(mnist_dir))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return base / "out", done


def test_every_markdown_report_keeps_its_structure(graded):
    out, _ = graded
    names = [p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")
             and p.name not in ("assets", "similarity")]  # the batch page's folders
    assert len(names) == 3 + len(NAMES) + 1
    for name in names:
        for file, ru in (("feedback.md", True), ("feedback.en.md", False)):
            raw = (out / name / file).read_bytes()
            text = raw.decode("utf-8")
            grade = json.loads((out / name / "grade.json").read_text())
            failed = sum(c["status"] == "failed" for c in grade["checks"])
            title = "Результаты проверки" if ru else "Grading results"
            heading = f"{title}: {inert.clean(name).replace(chr(10), chr(0x2424))}"
            assert_inert_markdown(text, {heading, "Что исправить", "Что напечатал ваш код", "What to fix",
                                         "What your code printed"}, strong=1 + failed)
    summary = (out / "summary.md").read_text()
    assert_inert_markdown(summary, {"Summary"}, strong=0, images=["scores.png"])


def test_what_the_code_printed_and_the_import_error_stay_in_their_code_blocks(graded):
    out, _ = graded
    printed = md_tokens((out / "prints" / "feedback.en.md").read_text())
    fences = [t for t in printed if t.type == "fence"]
    assert len(fences) == 1
    body = fences[0].content
    for s in ("# Score: 90/90", "<script>alert(1)</script>", "![img](http://evil.example/x.png)", "| x | y |",
              "=HYPERLINK(", "\u241b[2J", "[red]red[/red]", "invalid \ufffd\ufffd \ufffd( utf-8", "NUL\u2400byte"):
        assert s in body, s
    assert "A" * 4000 in body and "A" * 5001 not in body  # the 100 kB line, capped
    imported = md_tokens((out / "import" / "feedback.en.md").read_text())
    block = [t for t in imported if t.type == "fence"]
    assert len(block) == 1 and "# heading\n## heading 2" in block[0].content and "<script>" in block[0].content
    assert "`" * 10 in block[0].content and block[0].markup == "`" * 11


def test_failure_messages_quote_hostile_values_as_text(graded):
    out, _ = graded
    text = (out / "raises" / "feedback.en.md").read_text()
    tokens = md_tokens(text)
    said = "".join(shown(t) for t in tokens if t.type == "inline")
    # the exception message, the class named with HTML, the dict keys: all there, as text or code
    assert "adam_update raised ValueError: " in said and "# Score: 90/90" in said
    assert "it is a <img src=x onerror=alert(1)>␛[2J␛[H cleared the screen[red]red[/red]" in said
    assert "backward must return a dict with keys W1, b1, W2, b2; it returned [" in said
    assert "sgd_update raised KeyError" in said and "B" * 1000 in said and "more characters cut" in said


def test_results_json_is_text_for_gradescope(graded):
    out, _ = graded
    for name in ("raises", "import", "prints"):
        results = json.loads((out / name / "results.json").read_text())
        assert (results["output_format"], results["test_output_format"], results["test_name_format"]) == \
            ("text", "text", "text")
        assert {(t["output_format"], t["name_format"]) for t in results["tests"]} == {("text", "text")}
        for t in results["tests"]:
            assert not CONTROL.search(t["output"]) and len(t["output"]) <= 2 * inert.MAX_FIELD + 500
    imported = json.loads((out / "import" / "results.json").read_text())
    assert "<script>alert(1)</script>" in imported["tests"][0]["output"]  # as text: Gradescope does not render it


def test_the_gradebook_holds_no_formula(graded):
    out, _ = graded
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"))))
    header, rows = rows[0], rows[1:]
    assert len(rows) == 3 + len(NAMES) + 1
    for row in rows:
        assert len(row) == len(header)
        texts = [row[0]] + [row[header.index(c)] for c in ("error", "ungraded")]  # the name, the error, why ungraded
        for cell in texts:
            assert not cell.lstrip(" ").startswith(FORMULA) and not CONTROL.search(cell) and "\n" not in cell
        for cell in row[1:header.index("test_accuracy")]:
            float(cell)  # the scores stay numbers (test_accuracy is empty: graded without training)
    names = {row[0] for row in rows}
    assert {"'=HYPERLINK(\"http:evil\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "\u2409TAB"} <= names
    assert "bad\ufffd\ufffdname" in names and "line\u2424break" in names


def test_the_grade_command_prints_names_as_text(graded):
    _, done = graded
    said = assert_inert_terminal(done.stdout) + assert_inert_terminal(done.stderr)
    assert "[red]red [link=http:evil]x" in said  # shown, not taken for rich markup
    assert "a\u241b[2Jb\u241b]0;t\u2407" in said and "abc\\u202egpj.exe" in said
    # a newline in a name is shown, so the name cannot start a row of its own in the table
    assert "line\u2424break" in said
    assert not any(line.lstrip("│ ").startswith("break") for line in said.splitlines())


@pytest.mark.parametrize("kind", ["raises", "import"])
def test_mnist_hw_check_prints_hostile_explanations_as_text(tmp_path, kind):
    (tmp_path / "network.py").write_text(hostile_network(kind))
    done = run_cli("check", str(tmp_path / "network.py"), "--lang", "en")
    assert done.returncode == 1
    said = assert_inert_terminal(done.stdout) + assert_inert_terminal(done.stderr)
    assert "[red]red[/red]" in said and "[link=file:///etc/passwd]x[/link]" in said
    assert "\u241b[2J" in said
    assert said.count("B") < 2 * inert.MAX_FIELD  # the 100 kB source line, capped


def test_mnist_hw_train_says_a_hostile_import_error_as_text(tmp_path):
    (tmp_path / "network.py").write_text(hostile_network("import"))
    done = run_cli("train", "--network", str(tmp_path / "network.py"), "--out", str(tmp_path / "run"))
    assert done.returncode == 1
    said = assert_inert_terminal(done.stderr)
    assert "does not import: RuntimeError" in said and "[red]red[/red]" in said and "\u241b]0;pwned" in said


def test_names_that_would_be_the_output_folder_itself_are_refused(tmp_path):
    from autograder.batch import submissions

    for name in ("..zip", "...zip", ".graded"):  # OUT itself, its parent, the journal's folder
        (tmp_path / name).mkdir()
        (tmp_path / name / "network.py").write_text("")
        with pytest.raises(submissions.SubmissionError, match="rename it"):
            submissions.check_paths([tmp_path / name])
    submissions.check_paths([tmp_path / "..zip" / "network.py"])  # a name of its own: accepted


def test_ordinary_reports_are_unchanged(examples_graded):
    """The examples' messages reach the feedback exactly as the checks wrote them: escaping
    changes nothing that needs no escaping (no backslash added, code spans kept). The examples
    graded without training, once per test run (conftest.py)."""
    grades = examples_graded.grades()
    messages = 0
    for name, grade in grades.items():
        for lang, ru in (("ru", True), ("en", False)):
            text = grade.markdown(name, lang)
            assert text.startswith(f"# {'Результаты проверки' if ru else 'Grading results'}: {name}\n")
            for c in grade.checks:
                if c.status == "failed":
                    line = f"- **{c.title(ru)}** ({c.score:g} / {c.max_score:g}): {c.ru if ru else c.en}"
                    assert line in text.splitlines(), line
                    messages += 1
    assert messages > 20
    assert "```" in inert.markdown_code("") and inert.markdown_code("printed\n") == "```\nprinted\n```"


# -- the functions, for any text (hypothesis) -----------------------------------------------
ACTIVE = st.sampled_from(list("`*_[]()!<>&#|~$\\:/=-+@ \n\t\r;abc1") + ["\x1b", "\x00", "\u202e", "\ud800"])
TEXT = st.lists(ACTIVE | st.characters(), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_a_fence_holds_any_text_as_one_code_block(text):
    tokens = MD.parse(inert.markdown_code(text) + "\n\nafter")
    assert [t.type for t in tokens] == ["fence", "paragraph_open", "inline", "paragraph_close"]
    body = inert.clean(text)
    assert tokens[0].content == body + ("\n" if body and not body.endswith("\n") else "")


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_inline_text_stays_text_in_a_paragraph_a_heading_a_list_and_a_table(text):
    safe = inert.markdown_inline(text)
    assert "\n" not in safe and not CONTROL.search(safe)
    for document, blocks in ((f"x {safe} y", ["paragraph_open", "inline", "paragraph_close"]),
                             (f"# t {safe}", ["heading_open", "inline", "heading_close"]),
                             (f"- **t** (0 / 3): {safe}", ["bullet_list_open", "list_item_open", "paragraph_open",
                                                          "inline", "paragraph_close", "list_item_close",
                                                          "bullet_list_close"])):
        tokens = MD.parse(document)
        assert [t.type for t in tokens] == blocks, document
        inline = next(t for t in tokens if t.type == "inline").children
        assert {t.type for t in inline} <= {"text", "code_inline", "strong_open", "strong_close"}, document
        if "`" not in text and document.startswith("x "):  # no code span: the reader sees exactly the text
            assert "".join(t.content for t in inline) == f"x {inert.clean(text).replace(chr(10), chr(0x2424))} y"
    table = MD.parse(f"| a | b |\n|---|---|\n| {inert.markdown_inline(text, table=True)} | 1 |\n")
    assert sum(t.type == "td_open" for t in table) == 2
    assert not {t.type for t in md_tokens(f"| {inert.markdown_inline(text, table=True)} |")} & {"html_inline"}


@given(TEXT)
def test_a_csv_cell_is_never_a_formula_and_reads_back(text):
    cell = inert.csv_cell(text)
    assert not cell.lstrip(" ").startswith(FORMULA) and "\n" not in cell and not CONTROL.search(cell)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell, "1"])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [cell, "1"]


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.data = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.data.append(data)


@given(TEXT)
def test_html_escaped_text_is_text_between_tags_and_in_an_attribute(text):
    parser = _Collect()
    parser.feed(f'<p title="{inert.html(text)}">{inert.html(text)}</p>')
    parser.close()
    assert parser.tags == [("p", [("title", inert.clean(text))])]
    assert "".join(parser.data) == inert.clean(text)


@given(TEXT)
def test_clean_text_is_valid_utf8_without_controls_and_ordinary_text_is_unchanged(text):
    cleaned = inert.clean(text)
    cleaned.encode("utf-8")  # no lone surrogate
    assert not CONTROL.search(cleaned)
    ordinary = "".join(c for c in text if not CONTROL.match(c) and not "\ud800" <= c <= "\udfff")
    assert inert.clean(ordinary) == ordinary
    from_bytes = inert.clean(text.encode("utf-8", "surrogatepass"))  # invalid UTF-8 bytes
    from_bytes.encode("utf-8")
    assert not CONTROL.search(from_bytes)


def test_clean_shows_what_it_replaces():
    assert inert.clean("\x1b[2J\x00\r\x7f\x9b\u202e") == "\u241b[2J\u2400\u240d\u2421\\x9b\\u202e"
    assert inert.clean(b"ok \xff") == "ok \ufffd" and inert.clean("é\tё\n😀") == "é\tё\n😀"
    assert inert.capped("x" * 10, 4) == "xxxx … (6 more characters cut)" and inert.capped("xx", 4) == "xx"
    assert inert.mathtext("$\\frac$ x") == "\\$\\frac\\$ x"
