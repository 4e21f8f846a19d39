"""The assignment text and the derivation: formulas that parse, languages that agree, points
that match the autograder's scheme, and code that runs."""
import contextlib
import io
import re
import sys
from pathlib import Path

import pytest
from matplotlib.mathtext import MathTextParser

import assignment
import solution
from autograder.scheme import AREAS, TOTAL
from solution import network

TEXT = Path(assignment.__file__).parent / "text"
DERIVATION = {lang: Path(solution.__file__).parent / f"derivation-{lang}.md" for lang in ("ru", "en")}
ASSIGNMENT = {lang: TEXT / f"assignment-{lang}.md" for lang in ("ru", "en")}
ALL = [*DERIVATION.values(), *ASSIGNMENT.values()]


def formulas(markdown: str) -> list[str]:
    """Every $$display$$ and $inline$ formula, outside code blocks and code spans."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    display = re.findall(r"\$\$(.+?)\$\$", text, flags=re.S)
    text = re.sub(r"\$\$(.+?)\$\$", "", text, flags=re.S)
    inline = re.findall(r"\$([^$\n]+?)\$", text)
    return [f.strip() for f in display + inline]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_formula_parses_as_latex(path):
    found = formulas(path.read_text())
    assert len(found) >= 5
    parser = MathTextParser("path")
    for formula in found:
        try:
            parser.parse(f"${formula}$")
        except ValueError as exc:
            pytest.fail(f"{path.name}: {formula!r} does not parse: {str(exc).splitlines()[-1]}")


def test_a_broken_formula_is_caught():
    with pytest.raises(ValueError):
        MathTextParser("path").parse(r"$\frac{1}{N$")
    assert formulas("a `$not$` b $x$ and $$y$$\n```\n$z$\n```") == ["y", "x"]


def questions(path):
    """[(title, points, has exactly one solution region)] for each '## ...' question."""
    sections = re.split(r"^## ", path.read_text(), flags=re.M)[1:]
    result = []
    for section in sections:
        title = section.splitlines()[0]
        points = int(re.search(r"\((\d+) (?:балл|point)", title).group(1))
        begins = section.count("### BEGIN SOLUTION")
        ends = section.count("### END SOLUTION")
        result.append((title, points, begins == ends == 1))
    return result


def test_derivation_questions_agree_across_languages_and_with_the_scheme():
    ru, en = questions(DERIVATION["ru"]), questions(DERIVATION["en"])
    assert len(ru) == len(en) == 7
    assert [p for _, p, _ in ru] == [p for _, p, _ in en]
    assert all(ok for _, _, ok in ru + en), "each question needs exactly one solution region"
    derivation_points = next(a.points for a in AREAS if a.key == "derivation")
    assert sum(p for _, p, _ in ru) == derivation_points


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_points_table_matches_the_autograders_scheme(lang):
    text = ASSIGNMENT[lang].read_text()
    for area in AREAS:
        title = area.title_ru if lang == "ru" else area.title_en
        row = next((line for line in text.splitlines() if line.startswith(f"| {title}")), None)
        assert row is not None, f"no points row for {title!r}"
        assert row.split("|")[2].strip() == str(area.points), row
    assert f"**{TOTAL}**" in text


def test_both_languages_have_the_same_sections_and_code():
    ru, en = (ASSIGNMENT[lang].read_text() for lang in ("ru", "en"))
    heading = re.compile(r"^(#+) (\d[\d.]*)?", re.M)
    assert [h for h in heading.findall(ru)] == [h for h in heading.findall(en)]
    code = re.compile(r"```(?:python|bash)\n(.*?)```", re.S)
    strip_comments = lambda s: [re.sub(r"#.*|print\(f\".*", "", line).rstrip() for line in s.splitlines()]
    assert [strip_comments(c) for c in code.findall(ru)] == [strip_comments(c) for c in code.findall(en)]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_gradient_check_snippet_runs_on_the_reference(lang, monkeypatch):
    text = ASSIGNMENT[lang].read_text()
    snippet = next(c for c in re.findall(r"```python\n(.*?)```", text, re.S) if "rel_error" in c)
    monkeypatch.setitem(sys.modules, "network", network)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(snippet, f"assignment-{lang}.md", "exec"), {})
    lines = printed.getvalue().split("\n")[:4]
    assert [line.split()[0] for line in lines] == ["W1", "b1", "W2", "b2"]
    assert all(float(line.split()[1]) < 1e-6 for line in lines), lines
