"""This repository as an nbgrader course directory for the lesson's notebook.

    nbgrader generate_assignment mnist     solution/nbgrader/mnist/mnist.ipynb -> release/nbgrader/mnist/
    nbgrader autograde mnist               grading/submitted/STUDENT/mnist/ -> grading/autograded/
    nbgrader generate_feedback mnist       -> grading/feedback/
    nbgrader formgrader (jupyter)          grade the derivation answers by hand

The source notebook is written by `mnist-hw notebook`; a submission is the notebook and the
student's network.py in one folder. What nbgrader writes (grading/, release/nbgrader/) is
not committed. `mnist-hw grade --nbgrader-db grading/gradebook.db` records the sandboxed
autograder's points in the same gradebook.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 - nbgrader provides it

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = "mnist-hw"
c.CourseDirectory.source_directory = "solution/nbgrader"
c.CourseDirectory.release_directory = "release/nbgrader"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
os.makedirs(os.path.join(HERE, "grading"), exist_ok=True)  # sqlite does not make the gradebook's folder
c.CourseDirectory.db_url = f"sqlite:///{os.path.join(HERE, 'grading', 'gradebook.db')}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "history.png"]
# The check cells train and grade (about a minute for a correct submission).
c.ExecutePreprocessor.timeout = 1200
# After a cell's reply, how long its output may take to arrive (nbclient's default, 4 s, is
# passed on a loaded grading machine, and nbgrader then fails the whole notebook).
c.ExecutePreprocessor.iopub_timeout = 120
