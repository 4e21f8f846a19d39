"""The `mnist-hw` command, composed in one place from the three sets of commands it is made of:

    assignment/cli.py       the student kit's: data fetch|status, train, keras, compare
    autograder/local/check.py  the student's check: check
    autograder/commands.py  the instructors' and graders': reference, grade, similarity, examples,
                            gradescope, release, notebook, export moodle|canvas

The student release's `mnist-hw` (and `python -m autograder.local`) is the first two; the
project's and the grader bundle's (`python -m autograder`) all three.
"""
from __future__ import annotations

import typer



def compose(*parts: typer.Typer) -> typer.Typer:
    """One command line holding the commands and command groups of `parts`, in that order; its own
    help is messages.HELP["mnist_hw"], said in the command's language (assignment.cli.localize_help)."""
    from assignment.cli import command_line, helped

    app = typer.Typer(help=helped("mnist_hw"), no_args_is_help=True, add_completion=False)
    app.callback()(command_line)  # `mnist-hw --lang ru COMMAND`
    for part in parts:
        app.registered_commands += part.registered_commands
        app.registered_groups += part.registered_groups
    return app


def student_app() -> typer.Typer:
    from assignment.cli import app as kit
    from autograder.local.check import app as check

    return compose(kit, check)


def grader_app() -> typer.Typer:
    from assignment.cli import app as kit
    from autograder.commands import app as graders
    from autograder.local.check import app as check

    return compose(kit, check, graders)


def main():
    """The project's `mnist-hw` console script (and `python -m autograder`)."""
    from assignment.cli import run

    run(grader_app())


def student_main():
    """The student release's `mnist-hw` console script (and `python -m autograder.local`)."""
    from assignment.cli import run

    run(student_app())
