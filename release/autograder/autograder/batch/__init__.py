"""Grading many submissions, and what a batch leaves behind.

    run.py         reading submissions, the journal, executors (local processes, Dask), grade_batch
    reports.py     each submission's files and the batch's gradebook, grades.json and summary
    page.py        OUT/index.html and a page per submission (templates/)
    similarity.py  `mnist-hw similarity`: pairs of submissions that look alike (copydetect)
"""
