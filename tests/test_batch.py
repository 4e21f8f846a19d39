"""Grading at scale: a batch that survives a kill and resumes, content hashes, bad input to the
grader, and a real Dask cluster on loopback (a scheduler and two workers started here)."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

import leftovers
from autograder.authoring.examples import buggy
from autograder.batch import journal, submissions
from autograder.batch import run as batch
from autograder.sandbox import tempdirs
from autograder.scheme import AUTOGRADED

ROOT = Path(__file__).resolve().parent.parent
NO_TRAINING = AUTOGRADED - 20


def grade_command(paths, out, *extra):
    return [sys.executable, "-m", "autograder", "grade", *map(str, paths), "--out", str(out), "--skip-training",
            *extra]


def journal_lines(out: Path) -> list[dict]:
    log = out / "journal.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def wait_for(condition, what="it"):
    leftovers.wait_for(condition, what)  # as long as a loaded machine may need


@pytest.fixture(scope="module")
def examples(examples_graded):
    return examples_graded.paths


@pytest.fixture(scope="module")
def uninterrupted(examples_graded):
    """The OUT of one uninterrupted local run of the examples (`grade_command(examples, out, "--jobs",
    "2")`, graded once per test run in conftest.py): what every other way must give."""
    return examples_graded.out


def test_killed_batch_resumes_and_gives_the_same_gradebook(examples, uninterrupted, tmp_path):
    out = tmp_path / "out"
    command = grade_command(examples, out, "--jobs", "1")
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def own_boxes() -> set[Path]:
        """The boxes made by this batch's own processes (its process group): the other xdist
        worker's gradings make boxes in the same folder at the same time."""
        found = set()
        for box in Path(tempfile.gettempdir()).glob("mnist-hw-box-*"):
            try:
                if os.getpgid(int(box.name.split("-")[3])) == run.pid:
                    found.add(box)
            except (ProcessLookupError, ValueError, IndexError):
                pass
        return found

    wait_for(lambda: len(journal_lines(out)) >= 3, what="three gradings")
    wait_for(own_boxes, what="the next grading's sandbox")  # a finished one removes its box
    stale_before = set(tempdirs.stale(older_than=0))
    os.killpg(run.pid, signal.SIGKILL)  # as a power cut would: no cleanup at all
    run.wait()
    before = journal_lines(out)
    assert 3 <= len(before) < len(examples) and not (out / "gradebook.csv").exists()
    for results in out.glob("*/results.json"):  # whatever was written is whole
        json.loads(results.read_text())
    left = lambda: [p for p in tempdirs.stale(older_than=0) if p not in stale_before]  # noqa: E731
    wait_for(lambda: any(p.name.startswith("mnist-hw-box-") for p in left()), what="the killed grading's box")
    left = left()
    an_hour_ago = time.time() - tempdirs.STALE_AFTER_SECONDS - 60
    for path in left:
        os.utime(path, (an_hour_ago, an_hour_ago))
    subprocess.run(command, check=True, capture_output=True)
    assert not [p for p in left if p.exists()]  # swept by the next grading
    after = journal_lines(out)
    graded = [line["submission"] for line in after]
    assert sorted(graded) == sorted(p.name for p in examples)  # each graded once: nothing twice, nothing lost
    assert after[: len(before)] == before
    assert (out / "gradebook.csv").read_bytes() == (uninterrupted / "gradebook.csv").read_bytes()
    assert (out / "summary.md").read_bytes() == (uninterrupted / "summary.md").read_bytes()


def test_only_old_directories_of_dead_processes_are_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # /dev/shm too is swept: the machine's own (another run's killed gradings) must not count here
    monkeypatch.setattr(tempdirs, "MEMORY", tmp_path / "shm")
    gone = subprocess.Popen(["true"])
    gone.wait()
    old = time.time() - tempdirs.STALE_AFTER_SECONDS - 60
    dirs = {}
    for name, pid, age in (("dead_old", gone.pid, old), ("dead_new", gone.pid, None), ("alive_old", os.getpid(), old)):
        dirs[name] = tmp_path / f"mnist-hw-box-{pid}-{name}"
        dirs[name].mkdir()
        if age:
            os.utime(dirs[name], (age, age))
    (tmp_path / "mnist-hw-box-notapid").mkdir()
    assert tempdirs.sweep() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [dirs["dead_new"].name, dirs["alive_old"].name, "mnist-hw-box-notapid"])


def test_a_torn_journal_entry_is_graded_again(examples, tmp_path):
    """The reference's stored result torn in half: the reference alone is graded again, and its
    entry holds the reference's whole result once more (NO_TRAINING points: the stub, the one
    reused, keeps its 0), everything but the time it took."""
    out = tmp_path / "out"
    stub, reference = examples[:2]
    assert (stub.name, reference.name) == ("stub", "reference")
    batch.grade_batch([stub, reference], out, skip_training=True)
    key = {line["submission"]: line["key"] for line in journal_lines(out)}["reference"]
    victim = out / ".graded" / f"{key}.json"
    whole = json.loads(victim.read_text())
    victim.write_bytes(victim.read_bytes()[:50])  # half a result, as a full disk might leave
    seen = {}
    batch.grade_batch([stub, reference], out, skip_training=True,
                      on_done=lambda n, g, reused: seen.update({n: reused}))
    assert seen == {"stub": True, "reference": False}
    assert json.loads(victim.read_text())["score"] == NO_TRAINING
    untimed = lambda grade: {k: v for k, v in grade.items() if k != "execution_time"}  # noqa: E731
    assert untimed(json.loads(victim.read_text())) == untimed(whole)


@pytest.mark.slow
def test_content_hash_decides_what_is_graded_again(tmp_path):
    alice = tmp_path / "alice"
    alice.mkdir()
    (alice / "network.py").write_text((ROOT / "solution/network.py").read_text())
    out = tmp_path / "out"

    def run(**kwargs):
        seen = {}
        grades = batch.grade_batch([alice], out, skip_training=True,
                                   on_done=lambda n, g, reused: seen.update({n: reused}), **kwargs)
        return grades["alice"].score, seen["alice"], len(journal_lines(out))

    assert run() == (NO_TRAINING, False, 1)
    assert run() == (NO_TRAINING, True, 1)  # unchanged: taken from the journal
    (alice / "network.py").write_text(buggy("sign_flipped"))
    assert run() == (NO_TRAINING - 25, False, 2)  # changed: graded
    assert run(force=True) == (NO_TRAINING - 25, False, 3)  # --force: graded again
    content = submissions.read_submission(alice).content  # other options, another grading
    assert journal.grading_key(content, '{"skip_training": true}') != journal.grading_key(
        content, '{"skip_training": false}')


def test_bad_input_gets_a_clear_message_and_loses_nothing(tmp_path, mnist_dir):
    good = tmp_path / "good.py"
    good.write_text((ROOT / "solution/network.py").read_text())
    out = tmp_path / "out"
    batch.grade_batch([good], out, skip_training=True)
    kept = (out / "good" / "results.json").read_bytes()

    for paths, message in (([good, tmp_path / "nope"], "no such file or directory"),
                           ([good, tmp_path / "empty"], "empty directory"),
                           ([good, tmp_path / "x" / "good.py"], "two submissions are named good"),
                           ([], "no submissions")):
        (tmp_path / "empty").mkdir(exist_ok=True)
        (tmp_path / "x").mkdir(exist_ok=True)
        (tmp_path / "x" / "good.py").write_text("")
        with pytest.raises(submissions.SubmissionError, match=message):
            batch.grade_batch(paths, out, skip_training=True)
        assert (out / "good" / "results.json").read_bytes() == kept  # nothing already done is lost

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("network.py", b"#" * (200 << 20))  # 200 MB of comment, a few hundred kB zipped
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(submissions.MAX_ZIP_MEMBERS + 1):
            z.writestr(f"f{i}", b"")
    escape = tmp_path / "escape.zip"
    with zipfile.ZipFile(escape, "w") as z:
        z.writestr("../../outside/network.py", good.read_bytes())
    latin = tmp_path / "latin.py"
    latin.write_bytes("# комментарий\n".encode("cp1251") + good.read_bytes())
    huge = tmp_path / "huge.py"
    with open(huge, "wb") as f:
        f.truncate(3 << 30)  # 3 GB, sparse: never read
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    (nothing / "readme.txt").write_text("I forgot network.py")

    grades = batch.grade_batch([good, bomb, many, escape, latin, huge, corrupt, nothing], out, skip_training=True)
    assert grades["good"].score == NO_TRAINING
    errors = {name: g.import_error for name, g in grades.items() if name != "good"}
    assert all(grades[name].score == 0 for name in errors)
    assert "over 1 MiB is refused" in errors["bomb"]
    assert "holds 10,001 files" in errors["many"]
    assert "leave its folder (../../outside/network.py)" in errors["escape"]
    assert not (tmp_path.parent / "outside").exists()
    assert "not UTF-8 text (byte 0xea on line 1)" in errors["latin"] and "UTF-8" in errors["latin"]
    assert "3,221,225,472 bytes" in errors["huge"]
    assert "not a zip file that can be read" in errors["corrupt"]
    assert "holds no network.py" in errors["nothing"]
    feedback = json.loads((out / "latin" / "results.json").read_text())
    assert "UTF-8" in feedback["tests"][0]["output"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def dask_cluster(tmp_path, mnist_dir):
    """A Dask scheduler and two single-threaded workers, on loopback, as `dask scheduler` and
    `dask worker` start them."""
    pytest.importorskip("distributed", reason="the cluster extra (mnist-hw[cluster]) is part of the test extra")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "MNIST_HW_DATA_DIR": str(mnist_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    dask = [sys.executable, "-m", "dask"]  # the `dask` command

    def start(*args):
        return subprocess.Popen([*dask, *args], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    processes = [start("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard")]
    processes += [start("worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1")
                  for _ in range(2)]
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    yield address, processes
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def test_dask_cluster_grades_like_the_local_pool_and_survives_a_dead_worker(dask_cluster, examples, uninterrupted,
                                                                             tmp_path):
    address, processes = dask_cluster
    out = tmp_path / "out"
    run = subprocess.Popen(grade_command(examples, out, "--cluster", address), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    wait_for(lambda: len(journal_lines(out)) >= 1, what="the first grading through Dask")
    os.killpg(processes[1].pid, signal.SIGKILL)  # a worker dies mid-batch, its gradings with it
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr[-3000:]
    assert sorted(line["submission"] for line in journal_lines(out)) == sorted(p.name for p in examples)
    assert (out / "gradebook.csv").read_bytes() == (uninterrupted / "gradebook.csv").read_bytes()
    for example in examples:
        assert (out / example.name / "feedback.md").read_bytes() == (
            uninterrupted / example.name / "feedback.md").read_bytes()


@pytest.mark.slow
def test_an_unreachable_cluster_is_said_plainly(tmp_path):
    done = subprocess.run(grade_command([ROOT / "solution/network.py"], tmp_path / "out", "--cluster",
                                        f"tcp://127.0.0.1:{free_port()}"), capture_output=True, text=True)
    assert done.returncode == 1 and "cannot reach the Dask scheduler" in done.stderr
    assert "Connection refused" in " ".join(done.stderr.split())  # said at once (executors._knock), with its cause
