"""The batch page (OUT/index.html) and the similarity pages, loaded in a real browser.

Debian's Chromium (installed by .ci/run) loads each page headless from the folder
(file://, no server) and dumps the DOM it built after the page's own script ran; the tests
assert on that DOM: tables, links and images (the images as the browser decoded them), the
order after sorting, the filter, and that nothing a submission printed, raised or named
runs as script or adds an element.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from autograder.authoring.examples import SOLUTION, write_examples
from autograder.batch import page as batch_page
from autograder.batch import reports
from autograder.grading.grade import Grade
from autograder.grading.plugin import CheckResult

pytestmark = pytest.mark.slow  # end to end (grading with training, nbgrader, Chromium, Keras, the corpus): `-m "not slow"` leaves it out

ROOT = Path(__file__).resolve().parent.parent
# each payload, if it ever ran, would mark <body> with data-pwned
PWN = "document.body.setAttribute('data-pwned','{}')"
PRINTED = [f"<script>{PWN.format('printed-script')}</script>",
           f"<img src=x onerror=\"{PWN.format('printed-img')}\">",
           f"</code></pre><svg onload=\"{PWN.format('printed-svg')}\"></svg>",
           "<!-- an unclosed comment", "<style>body{display:none}</style>"]
HOSTILE_NAMES = [f"<img src=x onerror=\"{PWN.format('name-img')}\">",
                 f"\"><svg onload=\"{PWN.format('name-svg')}\">", "javascript:alert(1)"]


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], ""

    def all(self, tag=None, **attrs):
        """Every descendant with this tag (any, if None) and these attribute values."""
        for child in self.children:
            if (tag is None or child.tag == tag) and all(child.attrs.get(k) == v for k, v in attrs.items()):
                yield child
            yield from child.all(tag, **attrs)

    def find(self, tag=None, **attrs):
        found = list(self.all(tag, **attrs))
        assert found, f"no <{tag} {attrs}> in the DOM"
        return found[0]

    def content(self) -> str:
        """The text content, as textContent gives it."""
        return self.text + "".join(c.content() for c in self.children)


class Dom(HTMLParser):
    """The DOM Chromium dumped, as a tree (void elements have no children)."""
    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "col", "area", "base", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.at = Node("#document", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.at)
        self.at.children.append(node)
        if tag not in self.VOID:
            self.at = node

    def handle_endtag(self, tag):
        node = self.at
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.at = node.parent

    def handle_data(self, data):
        if self.at.children:  # text after a child: keep it in order for content()
            tail = Node("#text", {}, self.at)
            tail.text = data
            self.at.children.append(tail)
        else:
            self.at.text += data


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "these tests need Debian's chromium (apt-get install chromium; .ci/run installs it)"
    return found


def dump_dom(path: Path, fragment: str = "") -> Node:
    """The DOM Chromium built for the page at `path` (file://), after its scripts and images loaded."""
    done = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--virtual-time-budget=5000", f"--user-data-dir={path.parent / '.chromium'}",
                           "--dump-dom", path.resolve().as_uri() + fragment],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<body" in done.stdout, done.stderr[-2000:]
    return Dom(done.stdout).root


def assert_untouched(dom: Node, scripts: int = 1):  # scripts: 1 + folders below assets/../
    """The page as it was written: its own script ran, nothing of a submission's did."""
    body = dom.find("body")
    assert body.attrs.get("data-ready") == "1", "the page's own script did not run"
    assert "data-pwned" not in body.attrs, f"a submission's script ran: {body.attrs['data-pwned']}"
    assert [s.attrs.get("src") for s in dom.all("script")] == ["../" * (scripts - 1) + "assets/page.js"]
    for node in dom.all():
        handlers = [a for a in node.attrs if a.startswith("on")]
        assert not handlers, f"<{node.tag}> has an event handler: {handlers}"
    assert not list(dom.all("svg")) and not list(dom.all("style")), "a submission added an element"


@pytest.fixture(scope="module")
def batch(tmp_path_factory, mnist_dir):
    """A batch graded by `mnist-hw grade --skip-training`: three examples, a submission that
    prints markup, and the reference under names full of HTML."""
    root = tmp_path_factory.mktemp("page")
    subs = root / "subs"
    paths = [p for p in write_examples(subs) if p.name in ("reference", "stub", "sign_flipped")]
    (subs / "prints_markup").mkdir()
    (subs / "prints_markup" / "network.py").write_text(
        SOLUTION.read_text() + "\n" + "".join(f"print({p!r})\n" for p in PRINTED))
    paths.append(subs / "prints_markup")
    for name in HOSTILE_NAMES:
        (subs / name).mkdir()
        shutil.copy(SOLUTION, subs / name / "network.py")
        paths.append(subs / name)
    out = root / "out"
    done = subprocess.run(["mnist-hw", "grade", *map(str, paths), "--out", str(out), "--skip-training",
                           "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (root / "paths.json").write_text(json.dumps([str(p) for p in paths]))
    return out


def rows(dom: Node, table: str) -> list[Node]:
    return [r for r in dom.find("table", id=table).find("tbody").all("tr")]


def test_the_batch_page_has_every_part(batch):
    dom = dump_dom(batch / "index.html")
    assert_untouched(dom)
    names = {r.find("td").content().strip(): r for r in rows(dom, "submissions")}
    assert set(names) == {"reference", "stub", "sign_flipped", "prints_markup", *HOSTILE_NAMES}
    gradebook = {line.split(",")[0] for line in (batch / "gradebook.csv").read_text().splitlines()[1:]}
    assert len(gradebook) == len(names)
    headers = [th.attrs["data-key"] for th in dom.find("table", id="submissions").find("thead").all("th")]
    assert headers == ["submission", "forward", "softmax_loss", "gradients", "updates", "training", "total",
                       "accuracy", "failure"]
    total = {n: float(list(r.all("td"))[6].attrs["data-v"]) for n, r in names.items()}
    assert {n: total[n] for n in ("reference", "stub", "sign_flipped")} == {"reference": 70, "stub": 0,
                                                                             "sign_flipped": 45}
    assert "not implemented" in list(names["stub"].all("td"))[8].content()
    for name, row in names.items():  # each name links to its own page, which exists
        link = row.find("a").attrs["href"]
        assert batch / unquote(link) == batch / name / "feedback.html", (name, link)  # a URL: percent-encoded
    histogram = dom.find("img", id="histogram")
    assert histogram.attrs.get("data-loaded") == "1", "the browser did not decode scores.png"
    checks = rows(dom, "checks")
    assert len(checks) == 12
    assert [list(r.all("td"))[2].content().split("/")[1] for r in checks] == ["7"] * 12  # a row per check, each passed by some of the 7 submissions
    assert dom.find("section", id="similarity")
    pairs = rows(dom, "pairs")
    assert len(pairs) == 21  # 7 submissions: every pair
    link = pairs[0].find("a").attrs["href"]
    assert (batch / link).is_file()


def test_sorting_and_filtering_in_the_browser(batch):
    for fragment, key, reverse in [("#sort=total-desc", 6, True), ("#sort=total-asc", 6, False),
                                   ("#sort=gradients-desc", 3, True)]:
        dom = dump_dom(batch / "index.html", fragment)
        values = [float(list(r.all("td"))[key].attrs["data-v"]) for r in rows(dom, "submissions")]
        assert len(set(values)) > 1
        assert values == sorted(values, reverse=reverse), (fragment, values)
        th = list(dom.find("table", id="submissions").find("thead").all("th"))[key]
        assert th.attrs.get("aria-sort") == ("descending" if reverse else "ascending")
    dom = dump_dom(batch / "index.html", "#sort=submission-asc")
    names = [r.find("td").content().strip() for r in rows(dom, "submissions")]
    assert names == sorted(names, key=str.lower)
    dom = dump_dom(batch / "index.html", "#filter=sign")
    shown = [r.find("td").content().strip() for r in rows(dom, "submissions") if "hidden" not in r.attrs]
    assert shown == ["sign_flipped"]
    assert dom.find("span", id="shown").content() == "1"


def test_a_submission_page_shows_its_feedback_in_both_languages(batch):
    shutil.rmtree(batch / "sign_flipped" / ".chromium", ignore_errors=True)  # no remembered choice
    assert dump_dom(batch / "sign_flipped" / "feedback.html").find("html").attrs["data-lang"] == "ru"  # default
    dom = dump_dom(batch / "sign_flipped" / "feedback.html", "#lang=en")
    assert_untouched(dom, scripts=2)
    assert dom.find("html").attrs["data-lang"] == "en"
    ru, en = dom.find("div", **{"class": "feedback ru"}), dom.find("div", **{"class": "feedback en"})
    assert "Результаты проверки" in ru.content()
    assert "Grading results" in en.content()
    assert "sign" in en.content().lower()  # the diagnosis: dW2 with its sign flipped
    for language in (ru, en):  # the same content as feedback.md: its heading, its table of areas
        assert language.find("h1")
        assert len(list(language.find("table").all("tr"))) == 5
    page = batch / "sign_flipped" / "feedback.html"
    assert dump_dom(page).find("html").attrs["data-lang"] == "en"  # the reader's choice is remembered
    assert dump_dom(page, "#lang=ru").find("html").attrs["data-lang"] == "ru"
    assert dump_dom(page).find("html").attrs["data-lang"] == "ru"


def test_what_a_submission_printed_or_is_named_stays_text_on_every_page(batch):
    dom = dump_dom(batch / "prints_markup" / "feedback.html")
    assert_untouched(dom, scripts=2)
    printed = " ".join(code.content() for code in dom.all("code"))
    for payload in PRINTED:  # shown as text, character for character
        assert payload in printed, payload
    for name in HOSTILE_NAMES:
        page = batch / name / "feedback.html"
        assert page.is_file()
        dom = dump_dom(page)
        assert_untouched(dom, scripts=2)
        assert dom.find("title").content().startswith(name)
        assert name in dom.find("h1").content()
    index = dump_dom(batch / "index.html")
    assert_untouched(index)
    shown = set()
    for number in range(21):  # every pair page, hostile names in their headings
        pair = dump_dom(batch / "similarity" / "pairs" / f"{number}.html")
        assert_untouched(pair, scripts=2)
        shown.update(h.content() for h in pair.all("h2"))
    assert set(HOSTILE_NAMES) <= shown  # the names are there, as text


def test_the_page_is_rebuilt_the_same_from_the_journal(batch, tmp_path):
    """A second run takes every grade from the journal and writes the same pages."""
    before = {p: p.read_bytes() for p in [batch / "index.html", batch / "similarity" / "similarity.json",
                                          batch / "reference" / "feedback.html"]}
    paths = json.loads((batch.parent / "paths.json").read_text())
    done = subprocess.run(["mnist-hw", "grade", *paths, "--out", str(batch),
                           "--skip-training"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "7 of 7 unchanged" in done.stdout + done.stderr
    assert {p: p.read_bytes() for p in before} == before


def test_learning_curves_on_a_submission_page(tmp_path):
    """A Grade with a history (as training leaves it), through the same writers as a batch."""
    history = {k: [0.9, 0.95, 0.97] for k in ("accuracy", "val_accuracy")}
    history.update({k: [0.3, 0.15, 0.1] for k in ("loss", "val_loss")})
    check = CheckResult(name="training: test accuracy", area="training", score=20, max_score=20, status="passed",
                        visibility="visible", metrics={"history": history, "test_accuracy": 0.981})
    grade = Grade(20.0, 90.0, [check], output="epoch 1\n<b>done</b>\n")
    grades = {"trained": grade}
    reports.write_submission_reports(tmp_path / "trained", "trained", grade)
    reports.write_summary(tmp_path, grades)
    batch_page.write_batch_page(tmp_path, grades)
    dom = dump_dom(tmp_path / "trained" / "feedback.html")
    assert_untouched(dom, scripts=2)
    curves = [img for img in dom.all("img") if img.attrs.get("src") == "history.png"]
    assert len(curves) == 2  # ru and en
    assert [img.attrs.get("data-loaded") for img in curves] == ["1", "1"]  # decoded by the browser
    assert "<b>done</b>" in " ".join(c.content() for c in dom.all("code"))
    assert "98.10%" in dom.find("div", **{"class": "feedback en"}).content()
    index = dump_dom(tmp_path / "index.html")
    assert [list(r.all("td"))[7].content() for r in rows(index, "submissions")] == ["98.10%"]
    assert not (tmp_path / "similarity").exists()  # no code given: no similarity report



def test_a_submission_cannot_take_the_page_s_folders(tmp_path):
    """OUT/assets/ and OUT/similarity/ are the page's: a submission named so is refused before grading."""
    from autograder.batch import submissions

    for name in ("assets", "similarity.zip", "similarity.py"):
        path = tmp_path / name
        if "." in name:
            path.write_text("")
        else:
            path.mkdir()
            (path / "network.py").write_text("")
        with pytest.raises(submissions.SubmissionError, match="a folder of the batch page"):
            submissions.check_paths([path])
    (tmp_path / "assets2").mkdir()
    (tmp_path / "assets2" / "network.py").write_text("")
    submissions.check_paths([tmp_path / "assets2"])  # a name of its own: accepted
