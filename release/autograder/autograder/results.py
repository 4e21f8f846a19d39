"""The results model, written once: a check's result and a submission's grade, and every form
they are written in — a dict (the journal, grade.json, grades.json, what the grading process
hands the batch), Gradescope's results.json, and the student's feedback in Markdown.

Everything here that a submission controls (its messages, its printed output, its name) goes
through autograder.inert on the way out.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import inert, messages, scheme


@dataclass
class CheckResult:
    name: str
    area: str
    max_score: float
    score: float
    status: str  # "passed" or "failed"
    visibility: str  # "visible" or "hidden" (Gradescope: "after_published")
    en: str = ""
    ru: str = ""
    name_ru: str = ""
    metrics: dict | None = None  # what a check measured besides its score (training: history, test_accuracy)

    def title(self, ru: bool) -> str:
        """The check's name in Russian (where it has one) or English."""
        return (self.name_ru or self.name) if ru else self.name

    def note(self, local: bool = False) -> tuple[str, str] | None:
        """(en, ru) a passed check says besides its points: the training check, where it stopped
        early (its metrics stopped_at, epochs); None otherwise. `local`: said by `mnist-hw check`."""
        stopped = (self.metrics or {}).get("stopped_at")
        return messages.training_stopped(stopped, self.metrics.get("epochs", stopped), local) if stopped else None

    def gradescope_name(self) -> str:
        """The name in results.json (and `mnist-hw check --json`): both languages."""
        return f"{self.name_ru} / {self.name}" if self.name_ru and self.name_ru != self.name else self.name


@dataclass
class Grade:
    score: float
    max_score: float
    checks: list[CheckResult]
    import_error: str = ""
    import_error_ru: str = ""  # the same in Russian, where it differs (the import rule's message)
    protections: dict = field(default_factory=dict)
    output: str = ""
    execution_time: float = 0.0
    identity: dict = field(default_factory=dict)  # who it is in an LMS (autograder.lms.bulk), if it came from one
    # Set only by trusted code (autograder.batch.run) when the grader itself failed: its own memory,
    # a lost Dask worker, an exception in trusted code. Never derived from text a submission controls
    # (its import_error, its output): whatever the submission caused is its own result. Not journaled,
    # graded again on the next run; flagged in the gradebook, the batch page and every LMS export.
    grader_failure: str | None = None
    report_error: str = ""  # writing this submission's reports failed (autograder.batch.run): why

    # -- made from --------------------------------------------------------------------------
    @classmethod
    def of_checks(cls, checks: list[CheckResult], max_score: float, **kwargs) -> "Grade":
        """The grade the checks give: their points summed (rounded as every score is)."""
        return cls(round(sum(c.score for c in checks), 4), max_score, checks, **kwargs)

    @classmethod
    def zero(cls, message: str, skip_training: bool = False, message_ru: str = "") -> "Grade":
        """0 points, and why: a submission that cannot be graded, or a grader that failed on it."""
        return cls(0.0, scheme.max_score(skip_training=skip_training), [], import_error=message,
                   import_error_ru=message_ru if message_ru != message else "")

    @classmethod
    def failed_grader(cls, reason: str, skip_training: bool = False) -> "Grade":
        """No grade: the grader itself failed (`reason`, the grader's own words). Only trusted
        code that observed the failure calls this; the submission is graded again next run."""
        return cls(0.0, scheme.max_score(skip_training=skip_training), [], grader_failure=reason or "unknown")

    @property
    def ungraded(self) -> bool:
        """Whether this is no grade at all (the grader failed), rather than the submission's result."""
        return self.grader_failure is not None

    # -- what the checks measured -------------------------------------------------------------
    def _metric(self, key: str):
        return next((c.metrics[key] for c in self.checks if c.metrics and key in c.metrics), None)

    @property
    def history(self) -> dict | None:
        """The training check's learning curves (Keras's History keys), if it ran."""
        return self._metric("history")

    @property
    def test_accuracy(self) -> float | None:
        """The test accuracy the training check measured, if it ran."""
        return self._metric("test_accuracy")

    def area_scores(self) -> dict[str, float]:
        return {a.key: round(sum(c.score for c in self.checks if c.area == a.key), 4) for a in scheme.AUTOGRADED_AREAS}

    # -- a dict: the journal, grade.json, grades.json, the grading process's answer ------------
    DERIVED = ("history", "test_accuracy")  # in the dict for its readers (grade.json), made from the checks

    def to_dict(self) -> dict:
        return {**asdict(self), **{key: getattr(self, key) for key in self.DERIVED}}

    @classmethod
    def from_dict(cls, d: dict) -> "Grade":
        fields = {k: v for k, v in d.items() if k not in cls.DERIVED}
        return cls(**{**fields, "checks": [CheckResult(**c) for c in d["checks"]]})

    def write(self, path: Path) -> None:
        from assignment.idx import write_atomic

        write_atomic(path, json.dumps(self.to_dict(), indent=1).encode())

    @classmethod
    def read(cls, path: Path) -> "Grade":
        return cls.from_dict(json.loads(Path(path).read_text()))

    # -- Gradescope's results.json ----------------------------------------------------------------
    def gradescope(self) -> dict:
        """Gradescope's results.json: https://gradescope-autograders.readthedocs.io (specification).

        Every output and name is plain text ("output_format"/"name_format": "text"), never
        "html", "md" or "ansi", so Gradescope shows what the submission put into it as it is."""
        tests = []
        text = {"output_format": "text", "name_format": "text"}
        if self.import_error:
            error = inert.field(self.import_error)
            tests.append({"name": "network.py imports", "score": 0, "max_score": 0, "status": "failed",
                          "visibility": "visible", "output": f"{error}\n\n{messages.DOES_NOT_IMPORT[1]}: "
                                                             f"{inert.field(self.import_error_ru) or error}", **text})
        for number, check in enumerate(self.checks, 1):
            en, ru = (check.en, check.ru) if check.status != "passed" else check.note() or (None, None)
            output = "" if en is None else f"{inert.field(ru)}\n\n{inert.field(en)}"
            tests.append({"name": check.gradescope_name(), "number": str(number), "score": check.score,
                          "max_score": check.max_score,
                          "status": check.status, "output": output, "tags": [check.area],
                          "visibility": "after_published" if check.visibility == "hidden" else "visible", **text})
        missing = [n for n, ok in self.protections.items() if not ok]
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 2),
            "output": "Sandbox protections missing: " + ", ".join(missing) if missing else "",
            "output_format": "text",
            "test_output_format": "text",
            "test_name_format": "text",
            "stdout_visibility": "hidden",
            "visibility": "visible",
            "tests": tests,
            "extra_data": {"areas": self.area_scores(), "test_accuracy": self.test_accuracy,
                           "protections": self.protections},
        }

    # -- the student's feedback -------------------------------------------------------------------
    def markdown(self, name: str, lang: str) -> str:
        """feedback.md (lang "ru") or feedback.en.md ("en"). What the submission controls (its
        name, the messages, the import error, what it printed) is inert: inline text through
        inert.markdown_inline, blocks in fences through inert.markdown_code."""
        ru = lang == "ru"
        say = messages.FEEDBACK
        i = 1 if ru else 0
        lines = [f"# {say['title'][i]}: {inert.markdown_inline(inert.field(name))}", ""]
        if self.ungraded:
            return "\n".join(lines + [say["ungraded"][i], "", inert.markdown_code(inert.field(self.grader_failure))]) + "\n"
        if self.report_error:
            lines += [say["report_error"][i], "", inert.markdown_code(inert.field(self.report_error)), ""]
        lines.append(f"**{say['total'][i]}: {self.score:g} / {self.max_score:g}**" + say["derivation_apart"][i])
        lines.append("")
        if self.import_error:
            lines += [say["not_imported"][i], "",
                      inert.markdown_code(inert.field((self.import_error_ru or self.import_error) if ru
                                                      else self.import_error)), ""]
        scores = self.area_scores()
        lines += [f"| {say['area'][i]} | {say['points'][i]} |", "|---|---|"]
        for area in scheme.AREAS:
            if area.key in scores and any(c.area == area.key for c in self.checks):
                title = inert.markdown_inline(area.title_ru if ru else area.title_en, table=True)
                lines.append(f"| {title} | {scores[area.key]:g} / {area.points} |")
        lines.append("")
        failed = [c for c in self.checks if c.status == "failed"]
        if failed:
            lines += [f"## {say['what_to_fix'][i]}", ""]
            for check in failed:
                lines.append(f"- **{inert.markdown_inline(check.title(ru))}** ({check.score:g} / "
                             f"{check.max_score:g}): {inert.markdown_inline(inert.field(check.ru if ru else check.en))}")
            lines.append("")
        elif self.checks:
            lines += [say["all_passed"][i], ""]
        if self.test_accuracy is not None:
            notes = [note[i] for c in self.checks if (note := c.note())]  # where training stopped early
            lines += [f"{say['test_accuracy'][i]}: {self.test_accuracy:.2%}", "", *notes, *([""] if notes else []),
                      "![](history.png)", ""]
        if self.output.strip():
            lines += [f"## {say['printed'][i]}", "", inert.markdown_code(inert.capped(self.output.strip(), 5000)), ""]
        missing = [messages.PROTECTIONS.get(n, (n, n))[i] for n, ok in self.protections.items() if not ok]
        if missing:
            lines.append(say["protections_missing"][i] + ": " + ", ".join(missing))
        return "\n".join(lines) + "\n"
