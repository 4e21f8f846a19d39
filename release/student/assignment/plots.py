"""The lesson's figure: accuracy and loss, train and validation, against epoch — for one run,
or for several runs overlaid (a student's numpy network, Keras, the recorded reference).
Its words follow the command's language (assignment.cli.said: --lang, else the locale's)."""
from __future__ import annotations

import os
from pathlib import Path

PANELS = (("accuracy", "lower right"), ("loss", "upper right"))  # (metric, where its legend goes)


def _word(key: str) -> str:
    """messages.KIT["plot_" + key] in the command's language."""
    from autograder import messages

    from .cli import said

    return said(messages.KIT[f"plot_{key}"])


def plot_history(history: dict, path: os.PathLike | str | None = None, title: str | None = None,
                 show: bool = False):
    """Draw two panels from a Keras-style history dict and save them as PNG.

    Inputs:
    - history: dict with lists 'accuracy', 'val_accuracy', 'loss', 'val_loss' (one value per epoch)
    - path: where to write the PNG (None: do not save)
    - title: a title above both panels
    - show: open a window too (where there is a display)

    Returns the matplotlib Figure: 2 axes (accuracy, loss), each with 2 lines (train, validation).
    """
    fig, axes = _panels(show)
    for ax, (metric, _) in zip(axes, PANELS):
        ax.plot(_epochs(history), history[metric], marker=".", label=_word("train"))
        ax.plot(_epochs(history), history[f"val_{metric}"], marker=".", label=_word("validation"))
    return _finish(fig, axes, path, title, show)


def plot_comparison(runs: list[tuple[str, dict]], path: os.PathLike | str | None = None, title: str | None = None,
                    show: bool = False, faint=()):
    """The same two panels with several runs overlaid: one colour per run, train solid,
    validation dashed, so that runs of different lengths (10 numpy epochs, Keras's 30) share the axes.

    Inputs:
    - runs: [(label, history)], history as in plot_history
    - path, title, show: as in plot_history
    - faint: indices into `runs` of the backdrop (the recorded reference): drawn faint, under
      the others, and the epoch axis cut to the others' longest run, so that a 2-epoch run of
      the student's is not lost beside the reference's 30

    Returns the matplotlib Figure: 2 axes (accuracy, loss), each with 2 lines per run, in the
    order of `runs`, labelled "LABEL: train" and "LABEL: validation" (in the command's language).
    """
    from matplotlib.lines import Line2D

    fig, axes = _panels(show, layout="constrained")  # leaves room for the legend below the panels
    train, validation = _word("train"), _word("validation")
    for i, (label, history) in enumerate(runs):
        style = dict(alpha=0.35, linewidth=1, zorder=1) if i in faint else dict(zorder=2)
        for ax, (metric, _) in zip(axes, PANELS):
            ax.plot(_epochs(history), history[metric], color=f"C{i}", marker=".", label=f"{label}: {train}", **style)
            ax.plot(_epochs(history), history[f"val_{metric}"], color=f"C{i}", marker=".", linestyle="--",
                    label=f"{label}: {validation}", **style)
    shown = [len(history["loss"]) for i, (_, history) in enumerate(runs) if i not in faint]
    if faint and shown:  # the backdrop cut to the runs' epochs (at least 2, so that one epoch is not a dot)
        axes[-1].set_xlim(0.5, max(2, max(shown)) + 0.5)
    # One legend for both panels, below them, where it hides no curve: a colour per run, a style per split.
    handles = [Line2D([], [], color=f"C{i}", marker=".", label=label) for i, (label, _) in enumerate(runs)]
    handles += [Line2D([], [], color="grey", label=train), Line2D([], [], color="grey", linestyle="--",
                                                                 label=validation)]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize="small")
    return _finish(fig, axes, path, title, show, legend=False)


def _epochs(history: dict) -> range:
    return range(1, len(history["loss"]) + 1)


def _panels(show: bool, layout: str | None = None):
    import matplotlib

    if not show:
        matplotlib.use("Agg")  # draws without a display, e.g. on a server or in CI
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(7, 7), sharex=True, layout=layout)
    return fig, axes


def _finish(fig, axes, path, title, show, legend=True):
    import matplotlib.pyplot as plt

    for ax, (metric, where) in zip(axes, PANELS):
        ax.set_ylabel(_word(metric))
        if legend:
            ax.legend(loc=where)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel(_word("epoch"))
    if title:
        fig.suptitle(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    if show:
        plt.show()
    else:
        plt.close(fig)
    return fig
