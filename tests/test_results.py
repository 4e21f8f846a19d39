"""autograder/results.py: the results model and every form it is written in."""
import json
import re

from hypothesis import given, strategies as st

from autograder import scheme
from autograder.results import CheckResult, Grade

texts = st.text(max_size=30)
checks = st.builds(CheckResult, name=texts, area=st.sampled_from(scheme.AUTOGRADED_KEYS),
                   max_score=st.integers(0, 25).map(float), score=st.integers(0, 25).map(float),
                   status=st.sampled_from(["passed", "failed"]), visibility=st.sampled_from(["visible", "hidden"]),
                   en=texts, ru=texts, name_ru=texts,
                   metrics=st.none() | st.fixed_dictionaries({"test_accuracy": st.floats(0, 1)}))
grades = st.builds(Grade, score=st.integers(0, 90).map(float), max_score=st.sampled_from([70.0, 90.0]),
                   checks=st.lists(checks, max_size=4), import_error=texts, import_error_ru=texts,
                   protections=st.dictionaries(st.sampled_from(["network", "filesystem"]), st.booleans()),
                   output=texts, execution_time=st.floats(0, 100),
                   identity=st.dictionaries(st.sampled_from(["id", "name"]), texts))

HISTORY = {"accuracy": [0.9, 0.95], "val_accuracy": [0.91, 0.96], "loss": [0.3, 0.1], "val_loss": [0.3, 0.2]}


def check(name="forward shape", area="forward", score=15.0, max_score=15.0, status="passed", **kw):
    return CheckResult(name, area, max_score, score, status, kw.pop("visibility", "visible"), **kw)


def sample():
    return Grade.of_checks([
        check(),
        check("softmax stable", "softmax_loss", 0.0, 8.0, "failed", en="overflow at N = 3", ru="переполнение при N = 3",
              name_ru="softmax устойчив", visibility="hidden"),
        check("training", "training", 19.0, 20.0, metrics={"history": HISTORY, "test_accuracy": 0.9804}),
    ], 90.0, output="hello\n", protections={"network": True, "filesystem": False})


@given(grades)
def test_a_grade_survives_its_dict_and_json(grade):
    assert Grade.from_dict(json.loads(json.dumps(grade.to_dict()))) == grade


def test_write_and_read(tmp_path):
    grade = sample()
    grade.write(tmp_path / "grade.json")
    assert Grade.read(tmp_path / "grade.json") == grade
    assert json.loads((tmp_path / "grade.json").read_text())["score"] == 34.0


def test_of_checks_sums_and_zero_says_why():
    assert sample().score == 15.0 + 0.0 + 19.0
    assert Grade.of_checks([check(score=0.1), check(score=0.2)], 90).score == 0.3  # rounded, not 0.30000000000000004
    zero = Grade.zero("no network.py", skip_training=True, message_ru="нет network.py")
    assert (zero.score, zero.max_score, zero.checks) == (0.0, 70, [])
    assert (zero.import_error, zero.import_error_ru) == ("no network.py", "нет network.py")
    assert Grade.zero("x", skip_training=False).max_score == 90
    assert Grade.zero("same", message_ru="same").import_error_ru == ""  # only where it differs


def test_history_and_test_accuracy_come_from_the_training_checks_metrics():
    assert sample().history == HISTORY
    assert sample().test_accuracy == 0.9804
    without = Grade.of_checks([check()], 70)
    assert (without.history, without.test_accuracy) == (None, None)


def test_gradescope_results_json():
    results = sample().gradescope()
    assert (results["score"], results["max_score"]) == (34.0, 90.0)
    assert results["output_format"] == results["test_output_format"] == results["test_name_format"] == "text"
    assert results["output"] == "Sandbox protections missing: filesystem"
    assert results["extra_data"]["test_accuracy"] == 0.9804
    assert results["extra_data"]["areas"]["training"] == 19.0
    tests = results["tests"]
    assert [t["visibility"] for t in tests] == ["visible", "after_published", "visible"]
    assert [t["number"] for t in tests] == ["1", "2", "3"]
    assert tests[1]["name"] == "softmax устойчив / softmax stable"
    assert tests[1]["output"] == "переполнение при N = 3\n\noverflow at N = 3"
    assert tests[0]["output"] == ""  # a passed check says nothing
    for test in tests:
        assert {"score", "max_score", "name", "status", "output", "visibility"} <= set(test)
        assert (test["output_format"], test["name_format"]) == ("text", "text")
    json.dumps(results, allow_nan=False)


def test_gradescope_names_an_import_error_in_both_languages():
    tests = Grade.zero("SyntaxError: line 3", message_ru="SyntaxError: строка 3").gradescope()["tests"]
    assert len(tests) == 1
    assert tests[0]["status"] == "failed"
    assert tests[0]["output"] == "SyntaxError: line 3\n\nnetwork.py не импортируется: SyntaxError: строка 3"


def test_markdown_in_both_languages():
    en, ru = sample().markdown("alice", "en"), sample().markdown("alice", "ru")
    assert en.startswith("# Grading results: alice\n") and ru.startswith("# Результаты проверки: alice\n")
    assert "**Total: 34 / 90**" in en and "**Итого: 34 / 90**" in ru
    assert "| Softmax and cross-entropy | 0 / 15 |" in en and "| Softmax и перекрёстная энтропия | 0 / 15 |" in ru
    assert "- **softmax stable** (0 / 8): overflow at N = 3" in en
    assert "- **softmax устойчив** (0 / 8): переполнение при N = 3" in ru
    assert "Test accuracy: 98.04%" in en and "Точность на тесте: 98.04%" in ru
    assert "hello" in en and "## What your code printed" in en
    assert en.rstrip().endswith("Sandbox protections missing during grading: filesystem isolation (bubblewrap or Landlock)")
    assert not re.search(r"[А-Яа-яЁё]", en)
    assert "Updates" not in en  # an area with no check is not listed


def test_markdown_when_every_check_passed_and_when_nothing_imported():
    assert "Every check passed." in Grade.of_checks([check()], 70).markdown("bob", "en")
    broken = Grade.zero("boom", message_ru="бум").markdown("bob", "ru")
    assert "network.py не удалось импортировать" in broken and "бум" in broken and "boom" not in broken
