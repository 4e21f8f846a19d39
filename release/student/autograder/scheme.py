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
AUTOGRADED = sum(a.points for a in AREAS if a.graded_by == "autograder")

# Full training points at (the recorded Keras test accuracy - this margin) or above,
# none below FLOOR, linear in between.
TRAINING_MARGIN = 0.005
TRAINING_FLOOR = 0.95
