"""The lesson's figure: accuracy and loss, train and validation, against epoch."""
from __future__ import annotations

import os
from pathlib import Path


def plot_history(history: dict, path: os.PathLike | str | None = None, title: str | None = None,
                 show: bool = False):
    """Draw two panels from a Keras-style history dict and save them as PNG.

    Inputs:
    - history: dict with lists 'accuracy', 'val_accuracy', 'loss', 'val_loss' (one value per epoch)
    - path: where to write the PNG (None: do not save)
    - title: a title above both panels
    - show: open a window too (where there is a display)

    Returns the matplotlib Figure.
    """
    import matplotlib

    if not show:
        matplotlib.use("Agg")  # draws without a display, e.g. on a server or in CI
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["loss"]) + 1)
    fig, (acc, loss) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    acc.plot(epochs, history["accuracy"], marker=".", label="train")
    acc.plot(epochs, history["val_accuracy"], marker=".", label="validation")
    acc.set_ylabel("Accuracy")
    acc.legend(loc="lower right")
    acc.grid(alpha=0.3)
    loss.plot(epochs, history["loss"], marker=".", label="train")
    loss.plot(epochs, history["val_loss"], marker=".", label="validation")
    loss.set_ylabel("Loss")
    loss.set_xlabel("Epoch")
    loss.legend(loc="upper right")
    loss.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    if show:
        plt.show()
    else:
        plt.close(fig)
    return fig
