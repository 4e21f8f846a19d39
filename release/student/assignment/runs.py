"""A training run on disk, and runs compared: what `mnist-hw train` and `mnist-hw keras` write
(DIR/history.json, DIR/history.png), the instructor's recorded Keras run (reference.json),
and `mnist-hw compare`'s table.

history.json holds the Keras-style History (`loss`, `accuracy`, `val_loss`, `val_accuracy`:
one value per epoch), `seconds` per epoch, `test_loss`, `test_accuracy`, `network`,
`framework` ("numpy" or "keras"), `parameters` and the run's hyperparameters (`params`).
reference.json holds the same History under `history`, `seconds_per_epoch` and the layer sizes.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from . import said
from .training import METRICS

HISTORY, REFERENCE = "history.json", "reference.json"
RUNS_DIR = Path("runs")  # where train (runs/train) and keras (runs/keras) write by default
KIT_ROOT = Path(__file__).resolve().parent.parent  # the student release's folder, or the project
# Where reference.json is looked for: beside the student's work, beside the kit (the student
# release ships it there), or where the project keeps it (solution/, read as a file: the kit
# never imports the solution).
REFERENCE_PLACES = (Path(REFERENCE), KIT_ROOT / REFERENCE, KIT_ROOT / "solution" / REFERENCE)


class RunError(ValueError):
    """A RUN given to compare is not one: the message names the path, the fault and what to do."""


@dataclass
class Run:
    """One run, whatever wrote it."""

    label: str  # e.g. "numpy · runs/train"
    history: dict  # metric -> list of floats, one per epoch
    test_accuracy: float
    seconds_per_epoch: float | None  # mean wall time of an epoch, where recorded
    parameters: int | None
    kind: str  # "numpy", "keras" or "reference"

    @property
    def epochs(self) -> int:
        return len(self.history["loss"])


def result(history: dict, test_loss: float, test_accuracy: float, *, seconds: list, network: str, framework: str,
           parameters: int, params: dict, best_epoch: int | None = None) -> dict:
    """The content of history.json for a finished run (numpy or Keras alike).

    Inputs: history (metric -> list, one value per epoch), the test loss and accuracy, the
    seconds of each epoch, the network's name, "numpy" or "keras", the number of trainable
    parameters, the hyperparameters, the 0-based epoch whose weights were kept (restore-best).
    """
    return {**{k: [float(x) for x in history[k]] for k in METRICS}, "epoch": list(range(len(history["loss"]))),
            "seconds": [float(s) for s in seconds], "best_epoch": best_epoch, "params": dict(params),
            "test_loss": float(test_loss), "test_accuracy": float(test_accuracy), "network": network,
            "framework": framework, "parameters": int(parameters)}


def from_fit(history, params: dict, test_loss: float, test_accuracy: float, network: str) -> dict:
    """The content of history.json for a numpy run: the History and params that training.fit returned."""
    return result(history.history, test_loss, test_accuracy, seconds=history.seconds, network=network,
                  framework="numpy", parameters=sum(p.size for p in params.values()), params=history.params,
                  best_epoch=history.best_epoch)


def save(run: dict, out_dir: os.PathLike | str, title: str, show: bool = False):
    """Write out_dir/history.json (atomically) and out_dir/history.png; return the Figure."""
    from .idx import write_atomic
    from .plots import plot_history

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / HISTORY, (json.dumps(run, indent=2) + "\n").encode())
    return plot_history(run, out_dir / "history.png", title=title, show=show)


def layer_parameters(layers: list[int]) -> int:
    """Weights and biases of fully connected layers of these sizes: [784, 800, 10] -> 636,010."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers, layers[1:]))


def from_dict(content: dict, label: str, where: str = "") -> Run:
    """A Run from the content of a history.json (train, keras, the notebook) or a reference.json.

    Raises RunError naming `where` when a metric, the test accuracy or the epochs are missing or
    not numbers of the same length.
    """
    if not isinstance(content, dict):
        raise RunError(f"{where}: not a run (a JSON object with the History was expected).")
    reference = isinstance(content.get("history"), dict)
    history = content["history"] if reference else content
    missing = [k for k in (*METRICS, "test_accuracy") if k not in (history if k in METRICS else content)]
    if missing:
        raise RunError(f"{where}: no {', '.join(missing)} in it: not a history.json written by `mnist-hw train` or "
                       "`mnist-hw keras`, nor a reference.json.")
    try:
        curves = {k: [float(x) for x in history[k]] for k in METRICS}
        test_accuracy = float(content["test_accuracy"])
        seconds = [float(x) for x in content.get("seconds_per_epoch" if reference else "seconds") or []]
        if reference:
            layers = (content.get("hyperparameters") or {}).get("layers")
            parameters = layer_parameters([int(n) for n in layers]) if layers else None
        else:
            parameters = content.get("parameters")
            n_hidden = (content.get("params") or {}).get("n_hidden")
            if parameters is None and n_hidden:  # a run written before `parameters` was
                parameters = layer_parameters([784, int(n_hidden), 10])
            parameters = None if parameters is None else int(parameters)
    except (TypeError, ValueError, AttributeError):
        raise RunError(f"{where}: the History, test_accuracy, seconds or parameters hold something that is not a "
                       "number.") from None
    lengths = {len(v) for v in curves.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise RunError(f"{where}: the History's lists are empty or of different lengths "
                       f"({', '.join(f'{k}: {len(v)}' for k, v in curves.items())}).")
    seconds_per_epoch = sum(seconds) / len(seconds) if seconds else None
    kind = "reference" if reference else "keras" if content.get("framework") == "keras" else "numpy"
    return Run(label, curves, test_accuracy, seconds_per_epoch, parameters, kind)


KIND_NAMES = {"numpy": "numpy", "keras": "Keras", "reference": "reference"}


def load(path: os.PathLike | str) -> Run:
    """A Run from a directory holding history.json (or reference.json), or from such a file.

    Raises RunError, naming the path and what a RUN is, when there is none or it cannot be read.
    """
    path = Path(path)
    what = ("A RUN is a directory that `mnist-hw train` or `mnist-hw keras` wrote (holding history.json), "
            "or a reference.json.")
    if path.is_dir():
        found = [path / name for name in (HISTORY, REFERENCE) if (path / name).is_file()]
        if not found:
            raise RunError(f"{path}: no {HISTORY} or {REFERENCE} in this directory. {what}")
        file = found[0]
    elif path.is_file():
        file = path
    else:
        raise RunError(f"{path}: no such file or directory. {what}")
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunError(f"{file}: not JSON ({exc}). {what}") from None
    run = from_dict(content, "", str(file))
    run.label = f"{KIND_NAMES[run.kind]} · {_shown(path)}"
    return run


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the current directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) if path.is_absolute() else str(path)
    except ValueError:
        return path.name if path.name == REFERENCE else str(path)


def latest(root: os.PathLike | str = RUNS_DIR, kind: str = "numpy") -> Path | None:
    """The directory of the newest history.json of this kind ("numpy" or "keras") under root, or None."""
    found = []
    for file in Path(root).glob(f"**/{HISTORY}"):
        try:
            content = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # not one of ours; compare names the runs it takes
        if isinstance(content, dict) and (content.get("framework") == "keras") == (kind == "keras"):
            found.append((file.stat().st_mtime, file.parent))
    return max(found)[1] if found else None


def find_reference() -> Path | None:
    """reference.json: in the current directory, beside the kit (the student release), or in the project."""
    return next((p for p in REFERENCE_PLACES if p.is_file()), None)


def default_runs(root: os.PathLike | str = RUNS_DIR) -> list[Path]:
    """What `mnist-hw compare` compares without arguments: the newest numpy run under root (the
    student's network), the newest Keras run if there is one, and reference.json.

    Raises RunError, saying what to run, when root holds no run at all.
    """
    runs = [p for p in (latest(root, "numpy"), latest(root, "keras")) if p is not None]
    if not runs:
        from autograder import messages

        raise said(RunError, messages.kit("no_runs", Path(root).resolve()))
    reference = find_reference()
    return runs + ([reference] if reference else [])


def rows(runs: list[Run]) -> list[dict]:
    """The comparison table as plain data: one dict per run with label, epochs, test_accuracy,
    vs_reference (percentage points against the first reference among runs, or None),
    seconds_per_epoch and parameters."""
    bar = next((r.test_accuracy for r in runs if r.kind == "reference"), None)
    return [{"label": r.label, "epochs": r.epochs, "test_accuracy": r.test_accuracy,
             "vs_reference": None if bar is None or r.kind == "reference" else 100 * (r.test_accuracy - bar),
             "seconds_per_epoch": r.seconds_per_epoch, "parameters": r.parameters} for r in runs]


def table(runs: list[Run]):
    """The comparison as a rich Table (the terminal, or a notebook's output)."""
    from rich import box
    from rich.table import Table

    grid = Table(title="numpy vs Keras on MNIST", box=box.SIMPLE_HEAD, pad_edge=False)  # fits an 80-column terminal
    for column in ("run", "epochs", "test acc.", "vs ref.", "s/epoch", "params"):
        grid.add_column(column, justify="left" if column == "run" else "right", no_wrap=True)
    for row in rows(runs):
        vs = row["vs_reference"]
        grid.add_row(row["label"], str(row["epochs"]), f"{row['test_accuracy']:.2%}",
                     "" if vs is None else f"{vs:+.2f} pp",
                     "" if row["seconds_per_epoch"] is None or math.isnan(row["seconds_per_epoch"])
                     else f"{row['seconds_per_epoch']:.2f}",
                     "" if row["parameters"] is None else f"{row['parameters']:,}")
    return grid
