"""Solution and hidden-test regions cleared by nbgrader's public preprocessor API
(authoring/regions.py): what nbgrader's generate_assignment does to a cell, done to a file."""
import pytest

from autograder.authoring.regions import clear_hidden_tests, clear_solutions, regions

CODE = ("def f(x):\n"
        "    y = x + 1\n"
        "    ### BEGIN SOLUTION\n"
        "    return 2 * y\n"
        "    ### END SOLUTION\n"
        "\n"
        "\n"
        "def g(x):\n"
        "    ### BEGIN SOLUTION\n"
        "    return x\n"
        "    ### END SOLUTION\n")


def test_a_solution_region_becomes_nbgraders_stub_at_its_indentation_and_the_rest_stays():
    assert clear_solutions(CODE) == ("def f(x):\n"
                                     "    y = x + 1\n"
                                     "    # YOUR CODE HERE\n"
                                     "    raise NotImplementedError()\n"
                                     "\n"
                                     "\n"
                                     "def g(x):\n"
                                     "    # YOUR CODE HERE\n"
                                     "    raise NotImplementedError()\n")


def test_a_written_answer_becomes_your_answer_here():
    text = "## Question 1\n\nWhy?\n\n### BEGIN SOLUTION\nBecause the chain rule.\n### END SOLUTION\n"
    assert clear_solutions(text, "markdown") == "## Question 1\n\nWhy?\n\nYOUR ANSWER HERE\n"


@pytest.mark.parametrize("cell_type", ["code", "markdown"])
def test_a_file_without_regions_is_left_as_it_is(cell_type):
    """A cell nbgrader takes for a solution cell would be replaced whole by the stub: the file
    must be read as a plain cell, so that only its regions are touched."""
    source = "import numpy as np\n\n\ndef given(x):\n    return np.asarray(x)\n"
    assert clear_solutions(source, cell_type) == source
    assert clear_hidden_tests(source) == source


def test_hidden_tests_are_removed_with_their_markers():
    source = ("def check_public():\n    assert True\n\n"
              "### BEGIN HIDDEN TESTS\ndef check_hidden():\n    assert secret()\n### END HIDDEN TESTS\n")
    assert clear_hidden_tests(source) == "def check_public():\n    assert True\n\n"
    assert regions(source, "hidden") == [["def check_hidden():", "    assert secret()"]]


def test_regions_are_read_line_by_line():
    assert regions(CODE, "solution") == [["    return 2 * y"], ["    return x"]]
    assert regions(CODE, "hidden") == []


@pytest.mark.parametrize("clear", [clear_solutions, clear_hidden_tests])
def test_an_unclosed_region_is_refused_not_half_cleared(clear):
    marker = "SOLUTION" if clear is clear_solutions else "HIDDEN TESTS"
    with pytest.raises(RuntimeError):
        clear(f"x = 1\n### BEGIN {marker}\nsecret = 2\n")
