"""The `mnist-hw` command: the student commands of assignment.cli plus the instructors' ones."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assignment.cli import DataDir, app, console, epoch_progress, fail, load_data_or_fail, out


@app.command()
def reference(epochs: int = typer.Option(30, min=1, help="The lesson trains 30 epochs."),
              seed: int = typer.Option(42, help="The lesson's seed."),
              out_dir: Optional[Path] = typer.Option(None, "--out", help="Where reference.json and reference.png "
                                                      "go (default: the solution package, where the release "
                                                      "builder finds it)."),
              data_dir: Optional[Path] = DataDir):
    """Train the lesson's Keras model and record reference.json, the bar students are graded against."""
    try:
        from solution import keras_reference as kr
        import keras
    except ImportError as exc:
        fail(f"the Keras reference needs TensorFlow and Keras ({exc}). Install them with "
             "`pip install 'mnist-hw[keras]'`.")
    from assignment.plots import plot_history

    mnist = load_data_or_fail(data_dir)
    directory = out_dir or kr.REFERENCE_JSON.parent
    progress, on_batch, on_epoch = epoch_progress(epochs)

    class Report(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            on_batch(batch + 1, self.params["steps"], logs.get("loss", 0.0), logs.get("accuracy", 0.0))

        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch, {k: logs[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy")})

    console.print(f"Training the Keras reference: 784-800-10, Adam, batch 200, {epochs} epochs, seed {seed}")
    with progress:
        ref = kr.record(mnist, epochs=epochs, seed=seed, verbose=0, callbacks=[Report()])
    path = kr.save(ref, directory / "reference.json")
    plot_history(ref["history"], directory / "reference.png",
                 title=f"Keras 784-800-10: test accuracy {ref['test_accuracy']:.2%}")
    out.print(f"Test accuracy: [bold]{ref['test_accuracy']:.2%}[/] (test loss {ref['test_loss']:.4f}); "
              f"{sum(ref['seconds_per_epoch']) / epochs:.2f} s per epoch")
    out.print(f"Wrote {path} and {directory / 'reference.png'}")
