"""The instructors' and graders' commands of `mnist-hw`: reference, grade, similarity, examples,
gradescope, release, notebook, export. Composed with the students' commands in autograder/cli.py."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from assignment.cli import DataDir, console, epoch_progress, fail, load_data_or_fail, out, writable_dir_or_fail
from autograder import scheme

app = typer.Typer()
Submissions = typer.Argument(..., help="Directories holding network.py, network.py files, or zips of either.")


@app.command()
def reference(epochs: int = typer.Option(30, min=1, help="The lesson trains 30 epochs."),
              seed: int = typer.Option(42, help="The lesson's seed."),
              out_dir: Optional[Path] = typer.Option(None, "--out", help="Where reference.json and reference.png "
                                                      "go (default: the solution package, where the release "
                                                      "builder finds it)."),
              data_dir: Optional[Path] = DataDir):
    """Train the lesson's Keras model and record reference.json, the bar students are graded against."""
    from assignment import keras_model
    from assignment.plots import plot_history
    from solution import keras_reference as kr

    try:
        keras_model.import_keras()
    except keras_model.KerasMissing as exc:
        fail(f"the Keras reference needs TensorFlow and Keras ({exc.__cause__}). Install them with "
             "`pip install 'mnist-hw[keras]'`.")
    mnist = load_data_or_fail(data_dir)
    directory = writable_dir_or_fail(out_dir or kr.REFERENCE_JSON.parent, "--out")
    progress, on_batch, on_epoch = epoch_progress(epochs)
    console.print(f"Training the Keras reference: 784-800-10, Adam, batch 200, {epochs} epochs, seed {seed}")
    with progress:
        ref = kr.record(mnist, epochs=epochs, seed=seed, verbose=0,
                        callbacks=[keras_model.progress_callback(on_batch, on_epoch)])
    path = kr.save(ref, directory / "reference.json")
    plot_history(ref["history"], directory / "reference.png",
                 title=f"Keras 784-800-10: test accuracy {ref['test_accuracy']:.2%}")
    out.print(f"Test accuracy: [bold]{ref['test_accuracy']:.2%}[/] (test loss {ref['test_loss']:.4f}); "
              f"{sum(ref['seconds_per_epoch']) / epochs:.2f} s per epoch")
    out.print(f"Wrote {path} and {directory / 'reference.png'}")


@app.command()
def grade(submissions: list[Path] = Submissions,
          out_dir: Path = typer.Option(..., "--out", help="Where results go: OUT/NAME/results.json, feedback.md, "
                                       "and OUT/gradebook.csv, summary.md."),
          jobs: Optional[int] = typer.Option(None, min=1, help="Submissions graded at once (default: the cores)."),
          skip_training: bool = typer.Option(False, help="Leave out the training check (fast; 70 points)."),
          nbgrader_db: Optional[Path] = typer.Option(None, help="Also record the points in this nbgrader gradebook "
                                                     "(sqlite file), a submission's name as the student id."),
          force: bool = typer.Option(False, help="Grade again what the journal in OUT says was already graded."),
          cluster: Optional[str] = typer.Option(None, help="A Dask scheduler (tcp://HOST:PORT) to send the gradings "
                                                "to, instead of processes on this machine."),
          unsafe_no_sandbox: bool = typer.Option(False, "--unsafe-no-sandbox", help="Grade even where no sandbox "
                                                 "can run (students' code could read the reference and the "
                                                 "test set); without it, grading is refused there."),
          rubric: Optional[Path] = typer.Option(None, help="The written derivation's rubric (TOML; `mnist-hw "
                                                "derivation rubric` writes the default, used without it)."),
          split: Optional[bool] = typer.Option(None, "--split/--no-split", help="Grade each submission in two "
                                               "parts side by side, training and the rest (default: where the "
                                               "machine has a core to spare for each)."),
          data_dir: Optional[Path] = DataDir):
    """Grade submissions: sandboxed, deterministic, with feedback a student can act on. Their written
    derivations (derivation-*.md, the notebook's answer cells) get suggestions for the instructor to confirm."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from autograder import inert
    from autograder.batch import run as batch
    from autograder.batch.submissions import SubmissionError, check_paths, expand

    try:
        check_paths(submissions)  # a wrong path is said before anything is graded
        found, notes = expand(submissions)  # an LMS bulk download is many submissions
    except SubmissionError as exc:
        fail(str(exc))
    for note in notes:
        console.print(inert.terminal_text(note))
    from autograder.derivation import rubric as rubrics

    try:
        derivation_rubric = rubrics.load(rubric)  # a rubric that is not one is said before anything is graded
    except rubrics.RubricError as exc:
        fail(str(exc))
    writable_dir_or_fail(out_dir, "--out")
    if nbgrader_db:
        try:
            from autograder.lms import nbgrader as gradebook

            gradebook.prepare(nbgrader_db)
        except ImportError as exc:
            fail(f"--nbgrader-db needs nbgrader ({exc}): pip install 'mnist-hw[nbgrader]'")
        except gradebook.GradebookError as exc:
            fail(str(exc))
    # a missing or corrupt data set is said once, before any student code runs: checked while the
    # gradings start (their imports and the canary take longer), not before them; a cluster's
    # workers have their own copy
    check_data = None if cluster else (lambda: load_data_or_fail(data_dir, check_only=True))
    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[last]}", markup=False), console=console) as progress:
        task = progress.add_task("grading", total=len(found), last="")

        reused = []

        def done(name, result, from_journal):
            if from_journal:
                reused.append(name)
            # a submission's name is the student's: cleaned, in a column that reads no markup
            last = inert.terminal(f"{name}: {result.score:g}/{result.max_score:g}").replace("\n", "\u2424")
            progress.update(task, advance=1, last=last)

        problems: list[str] = []
        try:
            grades = batch.grade_batch(submissions, out_dir, jobs, data_dir, skip_training, on_done=done,
                                       force=force, cluster=cluster, unsafe=unsafe_no_sandbox, split=split,
                                       rubric=derivation_rubric, notes=problems, before_open=check_data)
        except SubmissionError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            progress.stop()
            finished = int(progress.tasks[0].completed)
            fail(f"interrupted: {finished} of {len(found)} graded, their results in {out_dir} and its "
                 "journal; the same command grades the rest (the gradings under way were lost).", code=130)
    if reused:
        console.print(f"{len(reused)} of {len(grades)} unchanged since their last grading (the journal in "
                      f"{out_dir}): not graded again; --force to regrade them.", highlight=False)
    for problem in problems:
        console.print(inert.terminal_text(problem, "yellow"))
    from autograder.derivation import record as derivation

    derived = {n: r for n, r in derivation.read_batch(out_dir).items() if n in grades}
    if derived:
        out.print(f"{len(derived)} written derivation(s): suggestions in OUT/NAME/derivation.json and on "
                  f"{out_dir / 'derivation' / 'index.html'}, for you to confirm (mnist-hw derivation confirm)",
                  highlight=False)
    table = Table(title=f"gradebook ({out_dir / 'gradebook.csv'})")
    areas = scheme.AUTOGRADED_AREAS
    for column in ["submission", *(a.key for a in areas), "total"]:
        table.add_column(column, justify="left" if column == "submission" else "right")
    for name in sorted(grades):
        scores = grades[name].area_scores()
        table.add_row(inert.terminal_line(name), *(f"{scores[a.key]:g}" for a in areas), f"{grades[name].score:g}")
    out.print(table)
    if nbgrader_db:
        try:
            count = gradebook.record(nbgrader_db, grades, skip_training)
        except gradebook.GradebookError as exc:
            fail(f"{exc} The grades are in {out_dir}: run the same command again to record them (nothing is "
                 "graded twice).")
        out.print(f"recorded {count} submission(s) in the nbgrader gradebook {nbgrader_db}")
        if derived:
            try:
                comments = gradebook.comment_suggestions(nbgrader_db, derived)
            except gradebook.GradebookError as exc:
                fail(f"{exc} The suggestions are in {out_dir}: run the same command again to record them.")
            out.print(f"{comments} derivation suggestion(s) as comments in formgrader (no score set: yours is "
                      "the grade)")


@app.command()
def similarity(submissions: list[Path] = Submissions,
               out_dir: Path = typer.Option(..., "--out", help="Where similarity.json, index.html and "
                                            "pairs/ go."),
               past: list[Path] = typer.Option([], "--past", help="A folder of past years' submissions: each "
                                               "compared with this year's (repeatable)."),
               boilerplate: Optional[Path] = typer.Option(None, help="The code every student was given (default: "
                                                          "the stub network.py of this assignment's release).")):
    """Rank pairs of submissions by how much of their own code they share: a pointer for a human, never a penalty."""
    from autograder import inert
    from autograder.batch import similarity as sim
    from autograder.batch.submissions import SubmissionError

    for directory in past:
        if not directory.is_dir():
            fail(f"--past {directory}: not a directory. --past takes a folder holding past submissions.")
    if boilerplate is not None and not boilerplate.is_file():
        fail(f"--boilerplate {boilerplate}: no such file. Give the network.py students were given.")
    try:
        sources, problems = sim.read_sources(submissions, past)
    except SubmissionError as exc:
        fail(str(exc))
    directory = writable_dir_or_fail(out_dir, "--out")
    stub = boilerplate.read_text(encoding="utf-8-sig") if boilerplate else sim.stub_source()
    pairs = sim.rank(sources, [stub])
    page = sim.write_report(directory, sources, pairs, problems)
    for problem in problems:
        console.print(inert.terminal_text(f"not compared: {problem}", "yellow"))
    for pair in pairs[:10]:
        out.print(inert.terminal_text(f"{pair.score:.2f}  {pair.a}  ~  {pair.b}"))
    out.print(f"{len(pairs)} pairs of {len(sources)} submissions: {directory / 'similarity.json'}, {page}")


@app.command()
def examples(directory: Path = typer.Argument(Path("examples/submissions"))):
    """Write the example submissions (the stub, the reference, realistic bugs) to grade."""
    from autograder.authoring.examples import write_examples

    for path in write_examples(writable_dir_or_fail(directory, "DIRECTORY")):
        out.print(str(path))


@app.command()
def gradescope(root: Path = typer.Option(Path("/autograder"), help="Gradescope's directory: submission/ is "
                                         "read, results/results.json written."),
               skip_training: bool = typer.Option(False, help="Leave out the training check."),
               unsafe_no_sandbox: bool = typer.Option(False, "--unsafe-no-sandbox", help="Grade even where no "
                                                      "sandbox can run."),
               data_dir: Optional[Path] = DataDir):
    """Grade one Gradescope submission (what the bundle's run_autograder calls)."""
    import shutil

    from autograder.batch import run as batch
    from autograder.batch.submissions import SubmissionError
    from autograder.sandbox import tempdirs

    load_data_or_fail(data_dir, check_only=True)
    writable_dir_or_fail(root / "results", "--root")
    try:  # the canary first: a broken sandbox fails the run (Gradescope shows it) instead of a 0 for the student
        batch.check_sandbox(unsafe_no_sandbox)
    except SubmissionError as exc:
        fail(str(exc))
    with tempdirs.temporary("gradescope") as tmp:
        result = batch.grade_one(root / "submission", tmp, data_dir, skip_training, unsafe_no_sandbox)
        shutil.copyfile(tmp / "submission" / "results.json", root / "results" / "results.json.tmp")
    (root / "results" / "results.json.tmp").replace(root / "results" / "results.json")
    out.print(f"{result.score:g} / {result.max_score:g} → {root / 'results' / 'results.json'}")


@app.command()
def release(out_dir: Path = typer.Option(Path("release"), "--out", help="Where student/, autograder/ and their "
                                         "zips go (other files there are left alone)."),
            validate: bool = typer.Option(True, help="Grade the reference and the stub with the new grader bundle, "
                                          "and search the student release for the solution."),
            skip_training: bool = typer.Option(False, help="Validate without the training check (faster)."),
            data_dir: Optional[Path] = DataDir):
    """Make the student release and the grader bundle (and their zips) from the sources."""
    try:
        from autograder.authoring import archive, leaks, release as rel
        from autograder.authoring.bundle import validate_bundle
    except ImportError as exc:
        fail(f"`release` needs the project's sources and nbgrader ({exc}); run it in the project, "
             "after `pip install -e '.[nbgrader]'`.")
    built = rel.build()
    for path in archive.write(built, writable_dir_or_fail(out_dir, "--out")):
        out.print(f"wrote {path}")
    if not validate:
        return
    found = leaks.find_leaks(built.student)
    for leak in found:
        console.print(f"[red]leak:[/] {leak}", highlight=False)
    if found:
        fail(f"the student release shows {len(found)} line(s) of the solution, a derivation answer or a hidden "
             "check: mark them as a solution or hidden region in the sources")
    out.print("[green]✓[/] no solution body, derivation answer or hidden check in the student release")
    load_data_or_fail(data_dir)
    scores = validate_bundle(out_dir / archive.GRADER, data_dir, skip_training)
    for name, (got, expected) in scores.items():
        mark = "[green]✓[/]" if got == expected else "[red]✗[/]"
        out.print(f"{mark} {name} scores {got:g} on the grader bundle (expected {expected:g})")
    if any(got != expected for got, expected in scores.values()):
        fail("the grader bundle does not grade the reference and the stub as it should")


@app.command()
def notebook():
    """Write the nbgrader source notebook (solution/nbgrader/mnist/mnist.ipynb) from the derivation texts."""
    from autograder.authoring.notebook_source import write_source

    out.print(f"wrote {write_source()}")


export_app = typer.Typer(help="Write the grades and feedback of `mnist-hw grade --out OUT` into what Moodle or "
                         "Canvas takes back.", no_args_is_help=True)
app.add_typer(export_app, name="export")
AllowUngraded = typer.Option(False, "--allow-ungraded", help="Export even where the grader itself failed on "
                             "some submissions: their grade cell is emptied and their comment says they are not "
                             "graded and why. Without it such an export refuses, naming them.")
Scale = typer.Option(None, "--scale", min=0.0, help="The LMS's maximum grade: the autograded points are mapped to "
                     "it (points / max_score * SCALE; max_score is 90, or 70 with --skip-training). Without it "
                     "the points are written as they are.")


def _exported(report, lms: str) -> None:
    from autograder import inert

    for path in report.written:
        out.print(f"wrote {path}", highlight=False)
    out.print(f"{report.filled} grade(s) filled in for {lms}", highlight=False)
    if report.unplaced:
        console.print(inert.terminal_text(f"{len(report.unplaced)} graded submission(s) have no row in the {lms} "
                                          f"file, so no grade there (feedback written): "
                                          f"{', '.join(report.unplaced[:10])}", "yellow"))
    if report.ungraded:
        console.print(inert.terminal_text(f"the grader itself failed on {len(report.ungraded)} submission(s), "
                                          f"written UNGRADED (cell emptied, comment says why; grade them again): "
                                          f"{', '.join(report.ungraded[:10])}", "red"))


@export_app.command("moodle")
def export_moodle(out_dir: Path = typer.Argument(..., help="The directory `mnist-hw grade --out` wrote."),
                  worksheet: Path = typer.Option(..., help="The offline grading worksheet downloaded from the "
                                                 "assignment (View all submissions → Download grading worksheet)."),
                  scale: Optional[float] = Scale,
                  teams: bool = typer.Option(False, help="The assignment takes team submissions: the download's "
                                             "folders are groups, rows are matched by their Group column."),
                  id_column: Optional[str] = typer.Option(None, help="The worksheet's Identifier header, where "
                                                          "Moodle's language is neither English nor Russian."),
                  grade_column: Optional[str] = typer.Option(None, help="Its Grade header, likewise."),
                  modified_column: Optional[str] = typer.Option(None, help="Its 'Last modified (grade)' header."),
                  feedback_column: Optional[str] = typer.Option(None, help="Its 'Feedback comments' header."),
                  group_column: Optional[str] = typer.Option(None, help="Its Group header (with --teams)."),
                  allow_ungraded: bool = AllowUngraded):
    """Moodle: OUT/moodle/grading-worksheet.csv (Upload grading worksheet) and feedback.zip (Upload multiple
    feedback files in a zip)."""
    from autograder.lms import export

    columns = {"id": id_column, "grade": grade_column, "modified": modified_column, "feedback": feedback_column,
               "group": group_column}
    try:
        report = export.moodle_export(out_dir, worksheet, scale, teams, columns, allow_ungraded)
    except export.ExportError as exc:
        fail(str(exc))
    _exported(report, "Moodle")


@export_app.command("canvas")
def export_canvas(out_dir: Path = typer.Argument(..., help="The directory `mnist-hw grade --out` wrote."),
                  gradebook: Path = typer.Option(..., help="The gradebook CSV exported from Canvas (Grades → "
                                                 "Export → Export Entire Gradebook)."),
                  assignment: str = typer.Option(..., help='The assignment\'s column header, exactly: "Title (id)".'),
                  scale: Optional[float] = Scale, allow_ungraded: bool = AllowUngraded):
    """Canvas: OUT/canvas/gradebook.csv (Grades → Import) and OUT/canvas/feedback/."""
    from autograder.lms import export

    try:
        report = export.canvas_export(out_dir, gradebook, assignment, scale, allow_ungraded)
    except export.ExportError as exc:
        fail(str(exc))
    _exported(report, "Canvas")


derivation_app = typer.Typer(help="The written derivation: its rubric, and recording the points you confirm.",
                             no_args_is_help=True)
app.add_typer(derivation_app, name="derivation")


@derivation_app.command("rubric")
def derivation_rubric(out_file: Path = typer.Option(Path("derivation-rubric.toml"), "--out",
                                                    help="Where the default rubric is written (an existing file "
                                                    "is kept unless --force)."),
                      force: bool = typer.Option(False, help="Overwrite an existing file.")):
    """Write the default rubric (points per key formula of each question) to edit; `mnist-hw grade --rubric` reads it."""
    from autograder.derivation import rubric as rubrics

    if out_file.exists() and not force:
        fail(f"{out_file} exists: edit it, or give --force to write the default over it")
    writable_dir_or_fail(out_file.parent if str(out_file.parent) else Path("."), "--out")
    out_file.write_text(rubrics.default_text(), encoding="utf-8")
    out.print(f"wrote {out_file}: edit the points, then `mnist-hw grade ... --rubric {out_file}`", highlight=False)


@derivation_app.command("confirm")
def derivation_confirm(out_dir: Path = typer.Argument(..., help="The directory `mnist-hw grade --out` wrote."),
                       confirmation: Path = typer.Argument(..., help="The batch page's derivation-confirmed.json, or "
                                                           "a CSV with the header submission,question,points."),
                       nbgrader_db: Optional[Path] = typer.Option(None, help="Also record the points as the manual "
                                                                  "scores of the derivation cells in this nbgrader "
                                                                  "gradebook.")):
    """Record the derivation points you confirmed: OUT/derivation.csv, the gradebook's derivation column, each
    submission's derivation feedback (Russian and English), and with --nbgrader-db, nbgrader's manual scores."""
    from autograder.batch import reports
    from autograder.derivation import record
    from autograder.results import Grade

    if not (out_dir / "grades.json").is_file():
        fail(f"{out_dir}: no grades.json, so no batch `mnist-hw grade --out` wrote: give its OUT directory")
    if not confirmation.is_file():
        fail(f"{confirmation}: no such file. Save it from {out_dir / 'derivation' / 'index.html'} (or write a CSV "
             "submission,question,points)")
    try:
        scores = record.validated(out_dir, record.read_confirmation(confirmation))
    except record.ConfirmationError as exc:
        fail(str(exc))
    if nbgrader_db:
        try:
            from autograder.lms import nbgrader as gradebook
        except ImportError as exc:
            fail(f"--nbgrader-db needs nbgrader ({exc}): pip install 'mnist-hw[nbgrader]'")
        if not nbgrader_db.is_file():
            fail(f"--nbgrader-db {nbgrader_db}: no such file (the course's gradebook.db)")
        try:
            written = gradebook.record_confirmed(nbgrader_db, scores)
        except gradebook.GradebookError as exc:
            fail(str(exc))
        out.print(f"{written} manual score(s) in the nbgrader gradebook {nbgrader_db}", highlight=False)
    every = record.confirm(out_dir, scores)
    grades = {n: Grade.from_dict(d) for n, d in json.loads((out_dir / "grades.json").read_text()).items()}
    reports.write_gradebook(out_dir, grades)
    from autograder.derivation import view

    view.write_page(out_dir, {n: r for n, r in record.read_batch(out_dir).items() if n in grades})
    count = sum(len(qs) for qs in scores.values())
    done = sum(1 for qs in every.values() if len(qs) == 7)
    out.print(f"recorded {count} confirmed answer(s) of {len(scores)} submission(s); {done} submission(s) have all "
              f"seven questions confirmed: {out_dir / record.TABLE}, the gradebook's derivation column, "
              "OUT/NAME/derivation-feedback.md and .en.md", highlight=False)
