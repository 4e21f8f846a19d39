"""What is graded and for how many points: the one place the assignment text and the
autograder take their numbers from (a test keeps the texts in step with it)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    points: int
    title_en: str
    title_ru: str
    graded_by: str  # "autograder" or "instructor"


AREAS = (
    Area("forward", 15, "Forward pass", "Прямой проход", "autograder"),
    Area("softmax_loss", 15, "Softmax and cross-entropy", "Softmax и перекрёстная энтропия", "autograder"),
    Area("gradients", 25, "Backpropagation (gradients)", "Обратное распространение (градиенты)", "autograder"),
    Area("updates", 15, "SGD and Adam updates", "Обновления SGD и Adam", "autograder"),
    Area("training", 20, "Training on MNIST", "Обучение на MNIST", "autograder"),
    Area("derivation", 10, "Written derivation", "Письменный вывод формул", "instructor"),
)
TOTAL = sum(a.points for a in AREAS)
AUTOGRADED_AREAS = tuple(a for a in AREAS if a.graded_by == "autograder")
AUTOGRADED_KEYS = tuple(a.key for a in AUTOGRADED_AREAS)
AUTOGRADED = sum(a.points for a in AUTOGRADED_AREAS)
# What `mnist-hw check` runs unless asked for training (training takes the longest).
QUICK_KEYS = tuple(key for key in AUTOGRADED_KEYS if key != "training")


def selected(areas=None, skip_training: bool = False) -> tuple[str, ...]:
    """The keys of the autograded areas a grading runs, in the scheme's order: `areas` (None:
    all of them), less training when `skip_training`."""
    return tuple(key for key in AUTOGRADED_KEYS
                 if (areas is None or key in areas) and not (skip_training and key == "training"))


def max_score(areas=None, skip_training: bool = False) -> int:
    """The points a grading of these areas can give (see `selected`)."""
    keys = selected(areas, skip_training)
    return sum(a.points for a in AUTOGRADED_AREAS if a.key in keys)

# The training check's terms, stated once (its check, `check --help`, the README's): the epochs,
# and the wall-time budget of the whole run; the best validation epoch is kept.
TRAINING_EPOCHS = 12
TRAINING_SECONDS = 300

# Full training points at (the recorded Keras test accuracy - this margin) or above,
# none below FLOOR, linear in between.
TRAINING_MARGIN = 0.005
TRAINING_FLOOR = 0.95
# Points are computed from the test accuracy rounded to this step (10 of the 10,000 test
# images): training's float32 arithmetic may move a few images between machines whose BLAS
# differs (see autograder/sandbox/machine.py), and that must not move points.
ACCURACY_STEP = 0.001


def counted_accuracy(accuracy: float) -> float:
    """The test accuracy the points are computed from: rounded to ACCURACY_STEP."""
    return round(accuracy / ACCURACY_STEP) * ACCURACY_STEP


def training_fraction(accuracy: float, keras_test_accuracy: float) -> float:
    """The fraction of the training points a test accuracy earns: all from the Keras
    reference − TRAINING_MARGIN, none below TRAINING_FLOOR, linear between, on the accuracy
    rounded to ACCURACY_STEP."""
    if not accuracy == accuracy:  # NaN
        return 0.0
    steps = round(accuracy / ACCURACY_STEP)
    target = round((keras_test_accuracy - TRAINING_MARGIN) / ACCURACY_STEP)
    floor = round(TRAINING_FLOOR / ACCURACY_STEP)
    return min(1.0, max(0.0, (steps - floor) / (target - floor)))


def training_decided(accuracy: float, keras_test_accuracy: float) -> bool:
    """Whether a test accuracy already earns every training point, so that training may stop.

    The training check's rule: it trains up to its epochs, and stops at the first epoch that
    is the best on validation so far AND whose test accuracy earns full marks (this); where
    that never happens, it trains every epoch and the best validation epoch's test accuracy
    gives the points. Epochs are chosen by validation alone: the test accuracy is measured
    only at an epoch validation chose, and only decides whether to go on. A submission whose
    last best-validation epoch earns full marks passed the bar at that epoch or earlier, so
    no submission loses points by stopping; one whose best-validation epoch passed the bar
    and a later, better-on-validation one fell below it keeps full marks (README: the gains)."""
    return training_fraction(accuracy, keras_test_accuracy) >= 1.0
