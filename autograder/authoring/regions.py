"""The regions of the sources: `### BEGIN SOLUTION` … `### END SOLUTION` (what students
write) and `### BEGIN HIDDEN TESTS` … `### END HIDDEN TESTS` (checks only the grader runs):
the lines inside them, and each source with them cleared by nbgrader's own preprocessors,
exactly as `nbgrader generate_assignment` clears a notebook's cells.

nbgrader is imported here, at the top, so that importing this module fails without it (the
grader bundle has no nbgrader: `batch.similarity` then writes the placeholder itself).
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

REGION = {"solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
          "hidden": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")}


def regions(source: str, kind: str) -> list[list[str]]:
    """The lines inside each region of `kind` ("solution" or "hidden") in a source, region
    by region, without the BEGIN/END lines."""
    begin, end = REGION[kind]
    found, current = [], None
    for line in source.splitlines():
        if begin in line:
            current = []
        elif end in line and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def _cleared(source: str, preprocessor, cell_type: str) -> str:
    """Run one of nbgrader's cell preprocessors over a whole file, as one cell of a Python
    notebook; the file's final newline kept (a cell's source has none).

    The cell carries no nbgrader metadata and the preprocessors are built with
    enforce_metadata=False, so nbgrader does exactly its region work: regions are cleared,
    a file without regions is left as it is (a cell *marked* as a solution would be replaced
    whole by the stub), and an unmarked cell with a region is not refused."""
    cell = (new_code_cell if cell_type == "code" else new_markdown_cell)(source)
    cell, _ = preprocessor.preprocess_cell(cell, {"language": "python"}, 0)
    return cell.source + ("\n" if source.endswith("\n") and not cell.source.endswith("\n") else "")


def clear_solutions(source: str, cell_type: str = "code") -> str:
    """Each solution region replaced by nbgrader's stub, indented as the region's BEGIN line
    (`# YOUR CODE HERE` + `raise NotImplementedError()` in "code", `YOUR ANSWER HERE` in
    "markdown")."""
    return _cleared(source, ClearSolutions(enforce_metadata=False), cell_type)


def clear_hidden_tests(source: str) -> str:
    """Each hidden-tests region removed, its BEGIN and END lines with it."""
    return _cleared(source, ClearHiddenTests(enforce_metadata=False), "code")
