"""The student's local checks: `mnist-hw check [PATH] [--area A]`.

The same check files as grading (autograder/checks), run on the student's network.py in
this process, with two differences that keep the solution out of the student release:
- only the public checks (the hidden ones are cut out of the release's copies);
- only their fixed cases (problems.EXAMPLES), whose reference answers the release
  carries in checks/answers.json, recorded from the solution by `mnist-hw release`.
So a student sees, before submitting, exactly the explanations the grader will give for
these checks. Locally the training check measures test accuracy with the student's own
forward; when grading, the reference's forward does.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import signal
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import imports, inert, protocol, scheme
from autograder.feedback import Feedback
from autograder.plugin import CHECKS, CheckResult, explain, explain_import, run_checks

ANSWERS = CHECKS / "answers.json"
FAST_AREAS = tuple(a.key for a in scheme.AREAS if a.graded_by == "autograder" and a.key != "training")


class TimeUp(BaseException):
    """Raised inside the student's code when its time is up: a BaseException, so that an
    `except Exception` in that code does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the code run inside after `seconds` of wall time, with TimeUp.

    The local checks run the student's code in this process (there is no sandbox on a
    student's laptop), so an endless loop would hang `mnist-hw check` for good; a timer
    signal stops it between two Python steps. Where there is no such signal (Windows) or
    this is not the main thread, there is no limit.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def time_up(signum, frame):
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Kept(io.RawIOBase):
    """A byte sink that keeps the first `limit` bytes and counts the rest."""

    def __init__(self, limit: int):
        self.data, self.cut, self.limit = bytearray(), 0, limit

    def writable(self):
        return True

    def write(self, b):
        room = max(0, self.limit - len(self.data))
        self.data += bytes(b[:room])
        self.cut += max(0, len(b) - room)
        return len(b)


class Printed:
    """What the student's code prints during the local checks: kept (up to the grader's limit)
    instead of reaching the terminal, where it would bury the report and break `--json`.

    stdout and stderr become real text streams over one byte buffer, as in the worker, so a
    network.py that calls sys.stdout.reconfigure(...) or writes to sys.stdout.buffer runs as
    it runs when graded."""

    def __init__(self, limit: int = protocol.OUTPUT_CHARS):
        self._kept = _Kept(limit)
        self._stream = io.TextIOWrapper(io.BufferedWriter(self._kept), encoding="utf-8", errors="backslashreplace",
                                        line_buffering=True, write_through=True)

    def text(self) -> str:
        try:
            self._stream.flush()
        except (OSError, ValueError):  # the student's code closed or detached it
            pass
        kept = self._kept
        return kept.data.decode("utf-8", "replace") + (f"\n… ({kept.cut:,} more bytes cut)" if kept.cut else "")

    @contextlib.contextmanager
    def capturing(self):
        stream = self._stream
        if stream.closed:  # closed by the student's code: a fresh one over the same buffer
            stream = self._stream = io.TextIOWrapper(io.BufferedWriter(self._kept), encoding="utf-8",
                                                     errors="backslashreplace", line_buffering=True,
                                                     write_through=True)
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            yield


class LocalStudent:
    """The student's module, called as the checks expect the sandboxed worker to answer,
    through the same path: the arguments cross the wire format to the call, the call goes
    through protocol.call (as in the worker), and its answer crosses the wire format back.
    So the checks see exactly the values the grader's checks see — a numpy scalar stays
    one, a tuple a tuple — and a difference of that kind cannot come back."""

    def __init__(self, module, data_dir=None, printed: Printed | None = None):
        self.module, self.data_dir = module, data_dir
        self.printed = printed or Printed()
        self.mutated: list[str] = []
        self.hung: dict = {}

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def call(*args, **kwargs):
            request = protocol.roundtrip({"args": list(args), "kwargs": kwargs}, 1 << 62)
            answer = self._run(fn, lambda: protocol.call(self.module, fn, request["args"], request["kwargs"]))
            try:  # as the worker encodes it, and the grader reads it
                frame = protocol.encode(answer)
            except protocol.ProtocolError as exc:
                answer = protocol.unreturnable(exc)
                frame = protocol.encode(answer)
            try:
                answer = protocol.read_message(io.BytesIO(frame), protocol.MAX_ANSWER)
            except protocol.ProtocolError as exc:
                raise Feedback(*explain(fn, protocol.not_an_answer(exc), self.hung)) from None
            if not answer["ok"]:
                raise Feedback(*explain(fn, protocol.WorkerError("raised", answer["error"]), self.hung))
            self.mutated = [str(m) for m in answer["mutated"]]
            return answer["value"]

        return call

    def train(self, timeout, reference, **kwargs):
        """The grader's training driver (autograder/training_driver.py), with the steps done in
        this process; each step has the driver's time limit."""
        from assignment.data import load_split
        from autograder.training_driver import InProcess, drive

        if "training" in self.hung:
            raise Feedback(*self.hung["training"])
        x, y = load_split(self.data_dir, "train")
        try:
            return protocol.plain(drive(InProcess(self.module, x, y, self._call), reference, x, y, budget=timeout,
                                        **kwargs))
        except protocol.WorkerError as exc:
            raise Feedback(*explain("training", exc, self.hung)) from None

    def _run(self, fn, action, seconds: float = protocol.CALL_SECONDS):
        if fn in self.hung:  # as the grader: a function that hung once is not called again
            raise Feedback(*self.hung[fn])
        try:
            return self._call(action, seconds)
        except protocol.WorkerError as exc:
            raise Feedback(*explain(fn, exc, self.hung)) from None

    def _call(self, action, seconds: float):
        """action() under the time limit and the import rule, its prints kept; what the
        student's code does wrong, as the worker reports it (a WorkerError)."""
        try:
            with warnings.catch_warnings(), time_limit(seconds), imports.enforced(), self.printed.capturing():
                warnings.simplefilter("ignore")  # an overflow warning is the check's to explain
                return action()
        except TimeUp:
            raise protocol.timed_out(seconds) from None
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the student's code may raise anything, exit() too
            info = protocol.describe(exc)
            raise protocol.WorkerError("raised", info["error"], info["where"]) from None


# -- recorded reference answers -----------------------------------------------------------
def call_key(fn: str, args, kwargs=None) -> str:
    """A digest of a call: the function's name and its arguments' exact values."""
    digest = hashlib.sha256(fn.encode())

    def feed(value):
        if isinstance(value, np.ndarray):
            array = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
            digest.update(f"a{array.dtype.str}{array.shape}".encode() + array.tobytes())
        elif isinstance(value, dict):
            digest.update(b"d")
            for k in sorted(value):
                digest.update(repr(k).encode())
                feed(value[k])
        elif isinstance(value, (list, tuple)):
            digest.update(f"l{len(value)}".encode())
            for v in value:
                feed(v)
        else:
            digest.update(repr(value).encode())

    feed([list(args), kwargs or {}])
    return digest.hexdigest()[:32]


def to_json(value):
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        return {"dtype": array.dtype.str, "shape": list(array.shape), "data": array.ravel().tolist()}
    if isinstance(value, dict):
        return {"dict": {k: to_json(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"list": [to_json(v) for v in value]}
    return {"value": value}


def from_json(tree):
    if "data" in tree:
        return np.array(tree["data"], dtype=np.dtype(tree["dtype"])).reshape(tree["shape"])
    if "dict" in tree:
        return {k: from_json(v) for k, v in tree["dict"].items()}
    if "list" in tree:
        return tuple(from_json(v) for v in tree["list"])
    return tree["value"]


class Recorder:
    """Wraps the live reference and keeps every answer it gives, by call_key."""

    def __init__(self, reference):
        self.reference, self.calls = reference, {}
        self.keras_test_accuracy, self.network = reference.keras_test_accuracy, reference.network

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def call(*args, **kwargs):
            value = getattr(self.reference, fn)(*args, **kwargs)
            self.calls[call_key(fn, args, kwargs)] = to_json(value)
            return value

        return call


class Recorded:
    """The reference as the student release knows it: the recorded answers, replayed."""

    def __init__(self, answers: dict, network):
        self.calls, self.keras_test_accuracy = answers["calls"], answers["keras_test_accuracy"]
        self.network = network  # the training check's accuracy, measured locally with the student's forward

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def call(*args, **kwargs):
            key = call_key(fn, args, kwargs)
            if key not in self.calls:
                raise Feedback(
                    f"no recorded reference answer for this case of {fn}: the check's inputs differ from those "
                    f"the release was made with (a different numpy?). Your code is not at fault; "
                    f"`mnist-hw grade` will check it.",
                    f"для этого случая {fn} нет записанного эталонного ответа: входные данные проверки отличаются "
                    f"от тех, с которыми собран выпуск (другая версия numpy?). Ваш код тут ни при чём; "
                    f"при оценке его проверят.")
            return from_json(self.calls[key])

        return call


def record_answers(areas=FAST_AREAS + ("training",)) -> dict:
    """Run the public checks on the solution and keep the reference's answers: what the
    student release carries instead of the solution."""
    from autograder.reference import live_reference
    from solution import network

    recorder = Recorder(live_reference())
    plugin = run_checks(LocalStudent(network), recorder, None, [a for a in areas if a != "training"],
                        profile="student", public_only=True)
    failed = [r.name for r in plugin.results if r.status != "passed"]
    if failed:
        raise RuntimeError(f"the solution fails its own public checks: {failed}")
    return {"keras_test_accuracy": recorder.keras_test_accuracy,
            "calls": {k: recorder.calls[k] for k in sorted(recorder.calls)}}


def local_reference(module):
    """Recorded answers where they ship (the student release), else the live solution."""
    if ANSWERS.is_file():
        return Recorded(json.loads(ANSWERS.read_text()), module)
    from autograder.reference import live_reference

    return live_reference()


class NotImported(Exception):
    """network.py cannot be imported: the checks do not run, and it scores 0, as when grading."""

    def __init__(self, en: str, ru: str):
        self.en, self.ru = en, ru
        super().__init__(en)


def load_student(network_py, printed: Printed):
    """Import network.py as the worker does: under the import rule, within the call time limit,
    what it prints kept in `printed`. Missing functions are not an error here: each check says
    which it missed, as the grader."""
    from assignment.contract import ContractError, load_network

    try:
        with time_limit(protocol.CALL_SECONDS), imports.enforced(), printed.capturing():
            return load_network(network_py, complete=False)
    except TimeUp:
        en = (f"{network_py} did not finish importing within {protocol.CALL_SECONDS:g} s: is there an endless loop "
              "outside the functions?")
        ru = (f"{network_py} не импортировался за {protocol.CALL_SECONDS:g} с: нет ли бесконечного цикла вне "
              "функций?")
        raise NotImported(en, ru) from None
    except ContractError as exc:
        if exc.__cause__ is None:  # no file, or exit() at import: the kit's message says it
            raise NotImported(str(exc), str(exc)) from None
        info = protocol.describe(exc.__cause__)
        raise NotImported(*explain_import(info["error"], info["where"])) from None


class Unimportable:
    """Stands for a network.py that does not import: every call fails with why, so every
    check scores 0 with that message, as the grader gives 0 to such a submission."""

    mutated: list = []

    def __init__(self, why: NotImported):
        self.why = why

    def __getattr__(self, fn):
        if fn.startswith("_"):
            raise AttributeError(fn)

        def call(*args, **kwargs):
            raise Feedback(self.why.en, self.why.ru)

        return call

    def train(self, timeout, **kwargs):
        raise Feedback(self.why.en, self.why.ru)


@dataclass
class LocalRun:
    """The local checks' outcome: the results, why network.py did not import (or None), and
    what it printed."""

    results: list[CheckResult]
    why: NotImported | None
    output: str


def run_local(network_py, areas=FAST_AREAS, data_dir=None) -> LocalRun:
    """The public checks of `areas` on network_py, in this process. A network.py that does
    not import fails every check, with why."""
    printed = Printed()
    try:
        module, why = load_student(network_py, printed), None
        student, reference = LocalStudent(module, data_dir, printed), local_reference(module)
    except NotImported as exc:
        why = exc
        student, reference = Unimportable(exc), local_reference(None)
    plugin = run_checks(student, reference, data_dir, list(areas), profile="student", public_only=True)
    return LocalRun(plugin.results, why, printed.text())


def check_area(area: str, network="network.py", lang: str = "ru", data_dir=None) -> float:
    """The notebook's check cells: the public checks of one area, reported; the points they
    give. Nothing reaches stderr, which nbgrader would take for a failed cell."""
    with contextlib.redirect_stderr(io.StringIO()):
        run = run_local(network, [area], data_dir)
    if run.why:
        out.print(inert.terminal_text(run.why.ru if lang == "ru" else run.why.en))
    points, _ = report(run.results, [area], lang, details=run.why is None)
    return points


# -- the command ----------------------------------------------------------------------------
import typer  # noqa: E402 - the command below is this module's second half

from rich.text import Text  # noqa: E402

from assignment.cli import DataDir, app, console, fail, main, out  # noqa: E402,F401 - main: the student console script


def report(results: list[CheckResult], areas, lang: str = "ru", details: bool = True) -> tuple[float, float]:
    """Print, per area, the public points and (with `details`) each failure's explanation;
    return (points, of)."""
    from rich.table import Table

    ru = lang == "ru"
    table = Table(title="Открытые проверки" if ru else "Public checks")
    for column in (("раздел", "area"), ("баллы", "points"), ("итог", "result")):
        table.add_column(column[0] if ru else column[1])
    for area in scheme.AREAS:
        if area.key not in areas:
            continue
        mine = [r for r in results if r.area == area.key]
        got, of = sum(r.score for r in mine), sum(r.max_score for r in mine)
        ok = all(r.status == "passed" for r in mine)
        verdict = ("[green]пройдено[/]" if ru else "[green]passed[/]") if ok else (
            "[red]есть ошибки[/]" if ru else "[red]failed[/]")
        table.add_row(area.title_ru if ru else area.title_en, f"{got:g} / {of:g}", verdict)
    out.print(table)
    for r in results if details else ():
        if r.status != "passed":  # the explanation may quote the student's exception: printed as text, cleaned
            out.print(Text.assemble(("✗", "red"), " ", inert.terminal_text(r.title(ru), "bold"), "\n  ",
                                    inert.terminal_text(r.ru if ru else r.en)))
    return sum(r.score for r in results), sum(r.max_score for r in results)


@app.command()
def check(network: Path = typer.Argument(Path("network.py"), help="Your network.py (or its directory)."),
          area: list[str] = typer.Option(None, help="Only this area (repeatable): "
                                         + ", ".join(a.key for a in scheme.AREAS if a.graded_by == "autograder")),
          training: bool = typer.Option(False, help="Also train for 12 epochs and measure test accuracy "
                                        "(about half a minute)."),
          lang: str = typer.Option("ru", help="ru or en: the language of the explanations."),
          as_json: bool = typer.Option(False, "--json", help="Print the results as JSON (each check named as in the "
                                       "grader's results.json) instead of the table."),
          data_dir: Path = DataDir):
    """Run the public checks on your network.py: per area, passed or what to fix. Exit status 1 while anything fails."""
    known = [a.key for a in scheme.AREAS if a.graded_by == "autograder"]
    unknown = [a for a in area or () if a not in known]
    if unknown:
        fail(f"no area {', '.join(unknown)}; the areas are {', '.join(known)}")
    if lang not in ("ru", "en"):
        fail(f"--lang {lang}: the languages are ru and en")
    areas = tuple(area) if area else FAST_AREAS + (("training",) if training else ())
    if "training" in areas:
        from assignment.cli import load_data_or_fail

        load_data_or_fail(data_dir)
    run = run_local(network, areas, data_dir)
    results, why = run.results, run.why
    if as_json:
        import json

        print(json.dumps(to_report(run, lang), ensure_ascii=False, indent=1))
        raise typer.Exit(1 if any(r.status != "passed" for r in results) else 0)
    ru = lang == "ru"
    if why:
        out.print(Text.assemble("network.py не импортируется, ни одна проверка не прошла: " if ru else
                                "network.py does not import, so no check passes: ",
                                inert.terminal_text(why.ru if ru else why.en)))
    points, of = report(results, areas, lang, details=why is None)
    out.print(f"{'Итого открытых проверок' if ru else 'Public checks total'}: [bold]{points:g} / {of:g}[/]. "
              + ("Скрытые проверки (сверка с эталоном на случайных формах) запускаются при оценке."
                 if ru else "Hidden checks (against the reference on drawn shapes) run when grading."))
    if run.output:
        out.print(("network.py напечатал (при оценке это попадёт в отзыв):" if ru else
                   "network.py printed (grading puts this in the feedback):"), highlight=False)
        lines = run.output.split("\n")  # newlines only: CR, U+2028 are shown, not obeyed (autograder.inert)
        out.print(inert.terminal_text("\n".join(lines[:20])
                                      + (f"\n… ({len(lines) - 20} more lines)" if len(lines) > 20 else "")))
    if "training" not in areas:
        console.print("Обучение не проверялось: добавьте --training." if ru else
                      "Training was not checked: add --training.")
    if any(r.status != "passed" for r in results):
        raise typer.Exit(1)


def to_report(run: LocalRun, lang: str) -> dict:
    """`check --json`: the public checks' results, each named as in the grader's results.json,
    so a script can compare the two check by check; and what network.py printed."""
    ru, results, why = lang == "ru", run.results, run.why
    return {"score": round(sum(r.score for r in results), 4), "max_score": sum(r.max_score for r in results),
            "import_error": inert.field(why.ru if ru else why.en) if why else "", "output": inert.clean(run.output),
            "tests": [{"name": r.gradescope_name(), "area": r.area, "score": r.score, "max_score": r.max_score,
                       "status": r.status, "message": inert.field(r.ru if ru else r.en)} for r in results]}


if __name__ == "__main__":
    main()
