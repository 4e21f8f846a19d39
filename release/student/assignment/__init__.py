"""The student kit: MNIST data layer, training loop, plots and the assignment text.

Everything here is given to students; they write only network.py.
"""


def said(error: type, pair: tuple[str, str]) -> BaseException:
    """An exception of class `error` whose text is the English of `pair` (en, ru) and whose `ru`
    attribute is its Russian, for the kit's commands to say in the student's language
    (assignment.cli.fail). The pairs live in autograder/messages.py."""
    exc = error(pair[0])
    exc.ru = pair[1]
    return exc
