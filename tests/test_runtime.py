"""The machine's shared runtime tree (autograder/sandbox/runtime.py), on small trees of our own:
made once and reused; holding what a box's own tree would and nothing it leaves out; a new
tree where a source changed; never one planted under its name by someone else or writable by
others."""
import os
import tempfile

import pytest

from autograder.sandbox import runtime, tempdirs


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """(python, None, stdlib, skip, packages) in tmp_path/src; the system's temporary folder is
    tmp_path/tmp, so that the machine's own shared tree is left alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    src = tmp_path / "src"
    (src / "bin").mkdir(parents=True)
    (src / "bin" / "python3.11").write_text("interpreter")
    stdlib = src / "lib" / "python3.11"
    for rel in ("os.py", "json/__init__.py", "site-packages/solution.py", "test/test_os.py"):
        (stdlib / rel).parent.mkdir(parents=True, exist_ok=True)
        (stdlib / rel).write_text(rel)
    numpy = src / "site" / "numpy"
    numpy.mkdir(parents=True)
    (numpy / "__init__.py").write_text("numpy")
    return src / "bin" / "python3.11", None, stdlib, frozenset({"site-packages", "test"}), [numpy]


def files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_made_once_reused_and_holding_what_a_box_s_own_tree_holds(sources, tmp_path):
    root = runtime.shared(*sources)
    assert root.parent == tmp_path / "tmp" and root.name.startswith(f"{tempdirs.PREFIX}runtime-")
    assert runtime.shared(*sources) == root and os.stat(root).st_ino == os.stat(runtime.shared(*sources)).st_ino
    own = tmp_path / "own"
    own.mkdir()
    runtime.populate(own, *sources)
    assert files(root) == files(own)
    assert "lib/python3.11/site-packages" not in files(root) and "lib/python3.11/test" not in files(root)
    assert {"bin/python3.11", "lib/python3.11/os.py", "site/numpy/__init__.py"} <= set(files(root))
    assert os.stat(root / "lib/python3.11/os.py").st_ino == os.stat(sources[2] / "os.py").st_ino  # a link, no copy
    assert not [p for p in (tmp_path / "tmp").iterdir() if p != root]  # the build folder is gone


def test_a_changed_source_gets_a_tree_of_its_own(sources):
    before = runtime.shared(*sources)
    (sources[4][0] / "linalg.py").write_text("new")  # numpy upgraded: its directory changed
    after = runtime.shared(*sources)
    assert after != before and (after / "site/numpy/linalg.py").exists()


@pytest.mark.parametrize("planted", ["world_writable", "a_link", "a_file"])
def test_a_tree_planted_under_its_name_is_never_used(sources, tmp_path, planted):
    name = runtime.shared(*sources)
    runtime.shutil.rmtree(name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if planted == "world_writable":
        name.mkdir()
        (name / "bin").mkdir()  # not empty: a rename would replace an empty one with ours
        name.chmod(0o777)
    elif planted == "a_link":
        name.symlink_to(elsewhere)
    else:
        name.write_text("")
    assert runtime.shared(*sources) is None  # the box then links a tree of its own
