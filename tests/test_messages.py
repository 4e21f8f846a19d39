"""Every message of autograder/messages.py, found by enumerating the module (a new message is
tested without a new test): both languages present, each in its own script, and the same
numbers, backticked names and function names in both."""
import inspect
import re

import pytest

from autograder import messages

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Sample arguments by parameter name; a new parameter name fails test_every_function_is_called.
SAMPLES = {"module": "scipy", "path": "network.py", "seconds": 2.5, "fn": "backward", "error": "ValueError: 7",
           "where": " (line 12)", "why": ("killed", "убит"), "code": 3, "mib_used": 300.0, "files": 1234,
           "mib_limit": 256.0, "files_limit": 10000, "text": "42 != 43", "t": 17, "done": 120, "n_steps": 2400,
           "elapsed": 61.0, "budget": 600.0, "step_seconds": 4.0, "projected": 1800.0}
MORE_CALLS = [("worker_death", (-9,)), ("worker_death", (-24,)), ("worker_death", (-11,)), ("worker_death", (None,)),
              ("duration", (30.0,)), ("duration", (900.0,)), ("duration", (9000.0,)),
              ("training_too_slow", (3, 2400, 60.0, 600.0, 20.0, None))]


def public(kind):
    return {n: v for n, v in vars(messages).items()
            if not n.startswith("_") and kind(v) and getattr(v, "__module__", messages.__name__) == messages.__name__}


def functions():
    return {n: f for n, f in public(inspect.isfunction).items() if n != "say"}


def pairs():
    """(where, (en, ru)) for every constant, every dict's value and every function called."""
    found = []
    for name, value in vars(messages).items():
        if name.startswith("_") or name == "Pair":
            continue
        if isinstance(value, tuple) and len(value) == 2:
            found.append((name, value))
        elif isinstance(value, dict):
            found += [(f"{name}[{k!r}]", v) for k, v in value.items()]
    for name, fn in functions().items():
        args = [SAMPLES[p] for p in inspect.signature(fn).parameters]
        found.append((f"{name}{tuple(args)}", fn(*args)))
    found += [(f"{n}{a}", getattr(messages, n)(*a)) for n, a in MORE_CALLS]
    return found


def test_every_function_is_called_with_samples():
    missing = {p for f in functions().values() for p in inspect.signature(f).parameters} - set(SAMPLES)
    assert missing == set(), "add a sample argument for these parameters"
    assert len(pairs()) > 40


def tokens(text):
    """What must read the same in both languages: numbers, `backticked` names, function names."""
    names = set(re.findall(r"\b(?:\w+\.py|[a-z]+_[a-z_]+|forward|backward|exit|numpy|matplotlib)\b", text))
    return sorted(re.findall(r"\d+(?:[.,]\d+)*", text)), sorted(re.findall(r"`[^`]*`", text)), sorted(names)


# Found by this test, left for the owner of messages.py (this branch changes no autograder code):
# the Russian of no_recorded_answer drops the English's `mnist-hw grade` ("при оценке").
KNOWN = {"no_recorded_answer": "the Russian lacks `mnist-hw grade` (autograder/messages.py, no_recorded_answer)"}


def marked(where, pair):
    known = KNOWN.get(where.split("(")[0])
    return pytest.param(where, pair, marks=pytest.mark.xfail(strict=True, reason=known) if known else ())


@pytest.mark.parametrize("where, pair", [marked(w, p) for w, p in pairs()], ids=lambda v: v if isinstance(v, str) else "")
def test_each_pair(where, pair):
    en, ru = pair
    assert isinstance(en, str) and en.strip(), where
    assert isinstance(ru, str) and ru.strip(), where
    assert CYRILLIC.search(ru), f"{where}: the Russian has no Cyrillic: {ru!r}"
    assert not CYRILLIC.search(en), f"{where}: the English has Cyrillic: {en!r}"
    assert tokens(en) == tokens(ru), where


def test_say_picks_the_language():
    assert messages.say(("a", "б"), "ru") == "б"
    assert messages.say(("a", "б"), "en") == "a"
