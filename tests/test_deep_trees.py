"""Trees nested thousands deep, as a submission may make them in its scratch folder: measured
(the depth cap's input) and removed (a box, a stale box swept) whatever their depth, and a grading
of such a submission is the submission's result, its box gone, the next grading whole."""
import os
import sys

from autograder.sandbox import box, tempdirs

DEEP = 3000  # past PATH_MAX in path length (2 characters a level), and past Python's recursion limit


def nest(root, depth=DEEP):
    here = os.getcwd()
    os.chdir(root)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        open("file", "w").close()
    finally:
        os.chdir(here)


def test_a_deep_tree_is_measured_without_error(tmp_path):
    (tmp_path / "tree").mkdir()
    nest(tmp_path / "tree")
    try:
        used, entries, depth = box.disk_usage(tmp_path / "tree")
        assert box.Limits().disk_depth < depth <= DEEP and entries >= 2000 and used > 0  # read down to PATH_MAX
    finally:  # pytest's own removal of old test folders recurses too (before Python 3.12)
        tempdirs.remove(tmp_path / "tree")


def test_a_deep_tree_is_removed(tmp_path):
    assert DEEP > sys.getrecursionlimit()
    (tmp_path / "tree").mkdir()
    nest(tmp_path / "tree")
    tempdirs.remove(tmp_path / "tree")
    assert not (tmp_path / "tree").exists()
    tempdirs.remove(tmp_path / "tree")  # gone already: nothing to do, nothing raised


def test_a_stale_deep_box_is_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempdirs.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(tempdirs, "MEMORY", tmp_path / "no-shm")
    stale = tmp_path / f"{tempdirs.PREFIX}box-999999-deep"  # a PID that is not running
    (stale / "scratch").mkdir(parents=True)
    nest(stale / "scratch")
    os.utime(stale, (0, 0))
    assert tempdirs.sweep() == 1 and not stale.exists()
