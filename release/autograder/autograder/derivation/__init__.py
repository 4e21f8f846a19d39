"""The written derivation, pre-graded (issue 27): each answer's formulas read, checked by
evaluation against the reference's values, and turned into a suggestion the instructor
confirms or overrides. Nothing here records a grade: a suggestion becomes a grade only
through the instructor's confirmation.

Modules (one job each):
  outcome.py    the typed results every other module passes around (FormulaCheck, AnswerCheck)
  check.py      check_answer(question, markdown) -> AnswerCheck: read the formulas, evaluate, compare
  (the reader, the evaluator and the questions' key formulas live beside check.py)
  answers.py    a submission's answers, from derivation-*.md or the notebook's answer cells
  rubric.py     the instructor's editable rubric: points per key formula, defaults summing to the scheme's
  suggest.py    AnswerCheck + rubric -> the suggestion written into the submission's folder
  groups.py     answers with the same check outcome grouped, so a group is confirmed once
"""
