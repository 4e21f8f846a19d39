"""A grading in two parts: the training check in one grading process, every other check in
another, each with its own sandboxed worker, so that on a machine with a spare core the two run
at the same time and a grading takes about as long as its longer part (the training) instead
of the sum. The batch decides whether to split (autograder/batch/run.py: only where a core
would otherwise idle); the grade is the same either way.

Each part is a whole grading process of its own (autograder/grading/grade.py with its --area
options): its own worker, memory cap, answer budget and time budgets, its own grade.json in
its own folder. `merge` puts the two grades together on the trusted side, and believes of each
only what that part may say: checks of its own areas, within their points.

    PARTS: ((name, areas), ...)        the parts, in the order their grades are merged
    merge({name: Grade | None}, skip_training) -> Grade
"""
from __future__ import annotations

from autograder import scheme
from autograder.results import Grade

TRAINING = ("training",)
PARTS = (("checks", tuple(key for key in scheme.AUTOGRADED_KEYS if key not in TRAINING)), ("training", TRAINING))
# The checks' part yields the CPU to the training's: for their first seconds the two grading processes,
# their workers and the canary all start at once, and the training's start (its worker booting and
# reading the training set) is what the whole grading waits for; the checks' part needs about a core
# for two seconds, which it finds in what the training's verifying process leaves idle.
YIELDING = {"checks": 5}  # part name -> its niceness increment (os.nice), inherited by its worker
# The order a single grading process reports its checks in: pytest runs the check files by name.
FILE_ORDER = {key: rank for rank, key in enumerate(sorted(scheme.AUTOGRADED_KEYS))}


def parts(skip_training: bool = False) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parts a grading is split into: both, or only the checks' without training."""
    return tuple((name, areas) for name, areas in PARTS if not (skip_training and areas == TRAINING))


def niceness(name: str) -> int:
    """How much lower than the batch's the priority of part `name`'s processes is (0: the same)."""
    return YIELDING.get(name, 0)


def arguments(areas: tuple[str, ...]) -> list[str]:
    """The grading process's options that make it grade only `areas`."""
    return [f"--area={area}" for area in areas]


def unfit(name: str, areas: tuple[str, ...], grade: Grade) -> str:
    """Why the grade a part's process wrote cannot be its grade, or '' (it fits): checks of its
    own areas only, each within 0..its points, its total theirs, its maximum the areas'."""
    if grade.max_score != scheme.max_score(areas):
        return f"its maximum is {grade.max_score:g}, not {scheme.max_score(areas)} for {', '.join(areas)}"
    points = {a.key: a.points for a in scheme.AUTOGRADED_AREAS}
    for check in grade.checks:
        if check.area not in areas:
            return f"it reports a check of another part ({check.area})"
        if not 0 <= check.score <= check.max_score <= points[check.area]:
            return f"a check's score {check.score:g} / {check.max_score:g} is out of bounds"
    if sum(c.max_score for c in grade.checks) > scheme.max_score(areas) or \
            abs(grade.score - round(sum(c.score for c in grade.checks), 4)) > 1e-9:
        return "its total is not its checks' sum"
    return ""


def merge(grades: dict[str, Grade | None], skip_training: bool = False) -> Grade:
    """One grade from the parts' grades ({part name: its Grade, None where its process left
    none}), the same as one grading process gives: the checks in its order, the score their
    sum. A part that left no grade, or one that does not fit its part (`unfit`), makes the
    whole the grader's failure (never points). A network.py that does not import says so in
    both parts: the first part's words are kept. Protections hold only where both say so;
    what the submission printed is the first part's, then the second's where it differs; the
    execution time is the longer part's (they ran side by side)."""
    max_score = scheme.max_score(skip_training=skip_training)
    chosen = parts(skip_training)
    for name, areas in chosen:
        grade = grades.get(name)
        if grade is None:
            return Grade.failed_grader(f"the grading's {name} part ended without a grade", skip_training)
        if grade.ungraded:
            return Grade.failed_grader(f"{name} part: {grade.grader_failure}", skip_training)
        why = unfit(name, areas, grade)
        if why:
            return Grade.failed_grader(f"the {name} part's grade does not fit its part: {why}", skip_training)
    ordered = [grades[name] for name, _ in chosen]
    keys = dict.fromkeys(key for g in ordered for key in g.protections)  # in the order they first appear
    protections = {key: all(g.protections.get(key, False) for g in ordered) for key in keys}
    outputs = []
    for g in ordered:
        if g.output and g.output not in outputs:
            outputs.append(g.output)
    output = "\n".join(outputs)
    execution_time = max(g.execution_time for g in ordered)
    failed_import = next((g for g in ordered if g.import_error), None)
    if failed_import is not None:
        return Grade(0.0, max_score, [], import_error=failed_import.import_error,
                     import_error_ru=failed_import.import_error_ru, protections=protections, output=output,
                     execution_time=execution_time)
    checks = sorted((c for g in ordered for c in g.checks), key=lambda c: FILE_ORDER[c.area])  # stable: within an area, its order
    return Grade.of_checks(checks, max_score, protections=protections, output=output, execution_time=execution_time)
