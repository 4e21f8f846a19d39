"""What instructors make from the sources: the student release and the grader bundle, the
notebook, the example submissions.

    release.py          `mnist-hw release`: the steps, the deterministic zips, the leak search
    notebook_source.py  the lesson's notebook, written from one source (and its student version)
    notebook.py         what the notebook's nbgrader cells call to be graded
    examples.py         example submissions: the reference and its known bugs
"""
