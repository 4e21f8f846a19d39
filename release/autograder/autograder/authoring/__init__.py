"""What instructors make from the sources: the student release and the grader bundle, the
notebook, the example submissions.

    release.py          `mnist-hw release`: the Release and its named steps (STEPS), build()
    regions.py          solution and hidden-test regions: their lines, cleared by nbgrader
    packaging.py        the pins from pyproject.toml: requirements.txt, the student's pyproject.toml
    templates/          the bundles' READMEs, Gradescope's setup.sh and run_autograder, the student's pyproject.toml
    archive.py          writing a release: byte-reproducible trees and zips
    leaks.py            the leak search: no solution line in the student release
    bundle.py           the grader bundle validated: the reference full marks, the stub 0, from it alone
    notebook_source.py  the lesson's notebook, written from one source (and its student version)
    notebook.py         what the notebook's nbgrader cells call to be graded
    examples.py         example submissions: the reference and its known bugs
"""
