"""Moodle and Canvas end to end: bulk downloads built here in each LMS's layout (from the
facts of their sources: moodle/moodle mod/assign, instructure/canvas-lms content_zipper.rb and
gradebook_importer.rb), graded by `mnist-hw grade`, exported by `mnist-hw export`, and the
files checked as the LMS would read them: every grade on its identifier, every other cell
as downloaded, a re-run changing nothing, hostile names and texts inert."""
import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.authoring.examples import SOLUTION, buggy
from autograder.authoring.regions import clear_solutions
from autograder.lms import bulk, export

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http:evil") <img src=x onerror=alert(2)>'
HOSTILE_NAME = '=HYPERLINK("http:x") <img src=x onerror=alert(3)>'  # no '/' or '_': Moodle's names hold neither


def sources():
    return {"reference": SOLUTION.read_text(), "bug": buggy("sign_flipped"),
            "stub": clear_solutions(SOLUTION.read_text()),
            "hostile": f"raise ImportError({HOSTILE!r})\n"}


def mnist_hw(*args):
    done = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def write_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# Moodle: 4.1+ folders; the uid of each student, their source
MOODLE = {"Jane Doe": (101, "reference"), "Иван Петров": (102, "bug"), "Conan O'Brien": (103, "stub"),
          HOSTILE_NAME: (104, "hostile")}
WORKSHEET_HEADER = ('Identifier,"Full name","Email address",Status,Grade,"Maximum grade","Grade can be changed",'
                    '"Last modified (submission)","File submissions","Last modified (grade)","Feedback comments"\r\n')


def moodle_download(path: Path) -> Path:
    src = sources()
    members = {f"{name}_{uid}_assignsubmission_file/network.py": src[which] for name, (uid, which) in MOODLE.items()}
    members["Nobody Home_105_assignsubmission_file/readme.txt"] = "forgot it"
    members["Two Files_106_assignsubmission_file/network.py"] = src["reference"]
    members["Two Files_106_assignsubmission_file/old/network.py"] = src["stub"]
    members["__MACOSX/Jane Doe_101_assignsubmission_file/._network.py"] = b"\x00\x05\x16\x07"
    members["Jane Doe_101_assignsubmission_file/.DS_Store"] = b"\x00\x00\x00\x01Bud1"
    return write_zip(path, members)


def worksheet(path: Path) -> Path:
    rows = [f'"Participant {uid}","{name.replace(chr(34), chr(34) * 2)}",s{uid}@example.com,"Submitted for grading",,'
            f'"100,00",Yes,"Monday, 2 June 2025, 10:00",network.py,"Tuesday, 3 June 2025, 09:00",\r\n'
            for name, (uid, _) in [*MOODLE.items(), ("Nobody Home", (105, "")), ("Two Files", (106, "")),
                                   ("Never Submitted", (199, ""))]]
    path.write_bytes(("\ufeff" + WORKSHEET_HEADER + "".join(rows)).encode())
    return path


def importer_uid(member: str) -> str | None:
    """Moodle's feedback zip importer (importziplib.php): the first path segment that splits on
    '_' into at least 4 parts, a numeric second and the assignfeedback_file plugin, names the UID."""
    if member.rsplit("/", 1)[-1].startswith((".", "~")):
        return None
    for part in member.split("/"):
        info = part.split("_", 4)
        if len(info) >= 4 and info[1].isdigit() and info[2:4] == ["assignfeedback", "file"]:
            return info[1]
    return None


@pytest.fixture(scope="module")
def moodle_run(tmp_path_factory, mnist_dir):
    tmp = tmp_path_factory.mktemp("moodle")
    download, sheet_path, out = moodle_download(tmp / "download.zip"), worksheet(tmp / "worksheet.csv"), tmp / "out"
    mnist_hw("grade", download, "--out", out, "--skip-training")
    mnist_hw("export", "moodle", out, "--worksheet", sheet_path)
    return tmp, download, sheet_path, out


def test_moodle_grades_land_on_their_identifiers(moodle_run):
    tmp, download, sheet_path, out = moodle_run
    grades = json.loads((out / "grades.json").read_text())
    by_uid = {g["identity"]["uid"]: g for g in grades.values()}
    assert sorted(by_uid) == ["101", "102", "103", "104", "105", "106"]
    assert by_uid["101"]["score"] == 70 and by_uid["103"]["score"] == 0 and 0 < by_uid["102"]["score"] < 70
    assert by_uid["101"]["identity"]["name"] == "Jane Doe" and by_uid["102"]["identity"]["name"] == "Иван Петров"
    assert "no network.py" in by_uid["105"]["import_error"]
    assert "2 candidates" in by_uid["106"]["import_error"]
    original = list(csv.reader(io.StringIO(sheet_path.read_text(encoding="utf-8-sig"))))
    written_bytes = (out / "moodle/grading-worksheet.csv").read_bytes()
    written = list(csv.reader(io.StringIO(written_bytes.decode("utf-8-sig"))))
    header = written[0]
    grade, feedback = header.index("Grade"), header.index("Feedback comments")
    got = {row[0]: row[grade] for row in written[1:]}
    expected = {f"Participant {uid}": export.number(g["score"], ",") for uid, g in by_uid.items()}
    assert got == {**expected, "Participant 199": ""}  # the decimal separator the worksheet uses
    for before, after in zip(original, written):  # every other cell as downloaded
        assert [c for i, c in enumerate(before) if i not in (grade, feedback)] == \
               [c for i, c in enumerate(after) if i not in (grade, feedback)]
    source = sheet_path.read_bytes()
    assert written_bytes.startswith(source[: source.index(b"\r\n") + 2])  # BOM and header byte for byte
    assert source.splitlines()[-1] in written_bytes.splitlines()  # the untouched row byte for byte
    hostile_row = next(r for r in written if r[0] == "Participant 104")
    assert "<script" not in hostile_row[feedback] and "&lt;script&gt;" in hostile_row[feedback]
    assert "Прямой проход" in next(r for r in written if r[0] == "Participant 102")[feedback]


def test_moodle_feedback_zip_is_in_the_upload_layout(moodle_run):
    _, _, _, out = moodle_run
    with zipfile.ZipFile(out / "moodle/feedback.zip") as archive:
        names = archive.namelist()
        uids = {importer_uid(n) for n in names}
        assert uids == {"101", "102", "103", "104", "105", "106"}
        for uid in uids:
            files = {n.rsplit("/", 1)[1] for n in names if importer_uid(n) == uid}
            assert {"feedback.html", "feedback.md", "feedback.en.md"} <= files
        hostile = next(n for n in names if importer_uid(n) == "104" and n.endswith("feedback.html"))
        page = archive.read(hostile).decode()
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_moodle_gradebook_keeps_the_identity_inert(moodle_run):
    _, _, _, out = moodle_run
    rows = list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text())))
    assert {r["lms_id"] for r in rows} == {"101", "102", "103", "104", "105", "106"}
    hostile = next(r for r in rows if r["lms_id"] == "104")
    assert hostile["full_name"].startswith("'=") and hostile["submission"].startswith("'=")


def test_moodle_rerun_changes_nothing(moodle_run):
    tmp, download, sheet_path, out = moodle_run
    before = {p: p.read_bytes() for p in [out / "grades.json", out / "gradebook.csv",
                                          out / "moodle/grading-worksheet.csv", out / "moodle/feedback.zip"]}
    mnist_hw("grade", download, "--out", out, "--skip-training")
    mnist_hw("export", "moodle", out, "--worksheet", sheet_path)
    assert {p: p.read_bytes() for p in before} == before


def test_moodle_scale_and_maximum(moodle_run, tmp_path):
    tmp, _, sheet_path, out = moodle_run
    small = tmp_path / "small.csv"
    small.write_bytes(sheet_path.read_bytes().replace(b'"100,00"', b'"10,00"'))
    done = subprocess.run([sys.executable, "-m", "autograder", "export", "moodle", str(out), "--worksheet",
                           str(small)], capture_output=True, text=True)
    assert done.returncode != 0 and "--scale 10" in done.stdout + done.stderr
    mnist_hw("export", "moodle", out, "--worksheet", small, "--scale", "10")
    rows = list(csv.reader(io.StringIO((out / "moodle/grading-worksheet.csv").read_text(encoding="utf-8-sig"))))
    grades = {g["identity"]["uid"]: g["score"] for g in json.loads((out / "grades.json").read_text()).values()}
    got = {r[0]: r[4] for r in rows[1:]}
    assert got["Participant 101"] == "10" and got["Participant 103"] == "0"
    assert got["Participant 102"] == export.number(round(grades["102"] / 70 * 10, 2), ",")


# -- layouts, read without grading ----------------------------------------------------------
def identities(path):
    lms, found, ignored = bulk.submissions(path)
    return lms, {s.name: (s.identity, s.content, s.problem) for s in found}, ignored


def test_moodle_40_trailing_underscore_flat_and_team_layouts(tmp_path):
    src = sources()
    old = write_zip(tmp_path / "old.zip", {"Jane Doe_7_assignsubmission_file_/network.py": src["reference"],
                                           "Иван Петров_8_assignsubmission_file_/hw/network.py": src["bug"]})
    lms, found, _ = identities(old)
    assert lms == "moodle" and found["Jane Doe_7"][0]["uid"] == "7"
    assert found["Иван Петров_8"][1] == src["bug"].encode()
    flat = write_zip(tmp_path / "flat.zip", {"Jane Doe_7_assignsubmission_file_network.py": src["reference"],
                                             "Conan O'Brien_9_assignsubmission_file_network.py": src["stub"],
                                             "Conan O'Brien_9_assignsubmission_onlinetext_onlinetext.html": "<p>"})
    lms, found, _ = identities(flat)
    assert found["Conan O'Brien_9"][1] == src["stub"].encode() and found["Jane Doe_7"][0]["name"] == "Jane Doe"
    anonymous = write_zip(tmp_path / "anon.zip", {"Participant_3_assignsubmission_file/network.py": src["bug"]})
    assert identities(anonymous)[1]["Participant_3"][0]["uid"] == "3"
    unpacked = tmp_path / "team"  # the folder a 4.1+ team download unpacks to
    (unpacked / "Team Ёж_42_assignsubmission_file").mkdir(parents=True)
    (unpacked / "Team Ёж_42_assignsubmission_file/network.py").write_text(src["reference"])
    lms, found, _ = identities(unpacked)
    assert lms == "moodle" and found["Team Ёж_42"][0] == {"lms": "moodle", "uid": "42", "name": "Team Ёж",
                                                           "late": False, "anonymous": False}


def test_bulk_hygiene_is_per_student(tmp_path):
    src = sources()
    download = write_zip(tmp_path / "d.zip", {"Jane Doe_7_assignsubmission_file/network.py": src["reference"],
                                              "Eve_8_assignsubmission_file/../../etc/network.py": src["bug"],
                                              "Big_9_assignsubmission_file/network.py": "#" * (2 << 20)})
    _, found, _ = identities(download)
    assert found["Jane Doe_7"][1] == src["reference"].encode() and not found["Jane Doe_7"][2]
    assert "leaves its folder" in found["Eve_8"][2] and found["Eve_8"][1] is None
    assert "over 1 MiB" in found["Big_9"][2]
    inner = io.BytesIO()
    write_zip(inner, {"hw/network.py": src["bug"]})
    zipped = write_zip(tmp_path / "z.zip", {"Jane Doe_7_assignsubmission_file/hw.zip": inner.getvalue()})
    assert identities(zipped)[1]["Jane Doe_7"][1] == src["bug"].encode()  # a student's own zip is read


HELPER = "import numpy as np\n\n\ndef relu(x):\n    return np.maximum(x, 0)\n"


def test_a_helper_module_of_ones_own_is_named_in_a_bulk_download(tmp_path):
    """A student's nn_utils.py beside network.py is theirs, whether they uploaded the folder's
    files or a zip of it (Moodle and Canvas alike): named as such, as in a plain submission."""
    uses_helper = SOLUTION.read_text().replace("import numpy as np", "import numpy as np\nfrom nn_utils import relu", 1)
    inner = io.BytesIO()
    write_zip(inner, {"hw/network.py": uses_helper, "hw/nn_utils.py": HELPER, "hw/notes/draft.py": "x = 1\n"})
    moodle = write_zip(tmp_path / "m.zip", {"Jane Doe_7_assignsubmission_file/hw.zip": inner.getvalue(),
                                            "Ivan_8_assignsubmission_file/network.py": uses_helper,
                                            "Ivan_8_assignsubmission_file/nn_utils.py": HELPER,
                                            "Eve_9_assignsubmission_file/network.py": uses_helper})
    canvas_zip = write_zip(tmp_path / "c.zip", {"doejane_101_5001_hw.zip": inner.getvalue()})
    found = {s.name: s for s in bulk.submissions(moodle)[1] + bulk.submissions(canvas_zip)[1]}
    assert found["Jane Doe_7"].own == found["Ivan_8"].own == frozenset({"nn_utils"})
    assert found["Eve_9"].own == frozenset()  # no helper of hers: the import rule's own message
    assert [s.own for n, s in found.items() if n.startswith("doejane")] == [frozenset({"nn_utils"})]
    mnist_hw("grade", moodle, "--out", tmp_path / "out", "--skip-training")
    said = "only network.py is graded: put nn_utils.py's functions into network.py"
    for name in ("Jane Doe_7", "Ivan_8"):
        assert said in (tmp_path / "out" / name / "feedback.en.md").read_text(), name
    assert said not in (tmp_path / "out" / "Eve_9" / "feedback.en.md").read_text()


def test_plain_submissions_are_not_taken_for_a_bulk_download(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice/network.py").write_text("x = 1\n")
    assert bulk.submissions(tmp_path / "alice") is None
    assert bulk.submissions(write_zip(tmp_path / "bob.zip", {"bob/network.py": "x = 1\n"})) is None


# -- Canvas -----------------------------------------------------------------------------------
CANVAS = {"doejane_101_5001_network.py": "reference", "петровиван_LATE_102_5002_network.py": "bug",
          "obrienconan_103_5003_network.py": "stub", "anon_xK9pQ_5004_network.py": "hostile",
          "nobody_105_5005_essay.pdf": "not a network"}
GRADEBOOK = ('Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (777),Quiz (778)\n'
             '    Points Possible,,,,,70.00,10.00\n'
             '"Doe, Jane",101,s101,jdoe,Section A,,9\n'
             '"Петров, Иван",102,s102,ipetrov,Section A,,\n'
             '"O\'Brien, Conan",103,s103,cobrien,Section B,12,3\n'
             '"=HYPERLINK(""http:x"")",104,s104,mallory,Section B,,1\n'
             'nobody,105,s105,nobody,Section B,,\n')


@pytest.fixture(scope="module")
def canvas_run(tmp_path_factory, mnist_dir):
    tmp = tmp_path_factory.mktemp("canvas")
    src = sources()
    download = write_zip(tmp / "submissions.zip", {name: src.get(which, which) for name, which in CANVAS.items()})
    book, out = tmp / "gradebook.csv", tmp / "out"
    book.write_text(GRADEBOOK, encoding="utf-8")
    mnist_hw("grade", download, "--out", out, "--skip-training")
    mnist_hw("export", "canvas", out, "--gradebook", book, "--assignment", "Homework 1 (777)")
    return tmp, download, book, out


def test_canvas_grades_land_on_their_ids(canvas_run):
    tmp, download, book, out = canvas_run
    grades = json.loads((out / "grades.json").read_text())
    assert grades["петровиван_102"]["identity"]["late"] is True
    assert grades["anon_xK9pQ"]["identity"]["anonymous"] is True
    assert "no network.py" in grades["nobody_105"]["import_error"]
    written = (out / "canvas/gradebook.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(written)))
    original = list(csv.reader(io.StringIO(GRADEBOOK)))
    got = {r[1]: r[5] for r in rows[2:]}
    assert got == {"101": "70", "102": export.number(grades["петровиван_102"]["score"]), "103": "0",
                   "104": "", "105": "0"}  # 104 is the anonymous one: Canvas hides whose it is
    for before, after in zip(original, rows):
        assert before[:5] + before[6:] == after[:5] + after[6:]
    assert written.splitlines()[:2] == GRADEBOOK.splitlines()[:2]  # header and Points Possible byte for byte
    assert written.splitlines()[5] == GRADEBOOK.splitlines()[5]  # the untouched row


def test_canvas_feedback_is_named_for_students_and_inert(canvas_run):
    _, _, _, out = canvas_run
    names = sorted(p.name for p in (out / "canvas/feedback").iterdir())
    assert "doejane_101_feedback.html" in names and "петровиван_102_feedback.md" in names
    page = (out / "canvas/feedback/anon_xK9pQ_feedback.html").read_text()
    assert "<script" not in page and "&lt;script&gt;" in page


def test_canvas_rerun_and_scale(canvas_run):
    tmp, download, book, out = canvas_run
    before = (out / "canvas/gradebook.csv").read_bytes()
    mnist_hw("export", "canvas", out, "--gradebook", book, "--assignment", "Homework 1 (777)")
    assert (out / "canvas/gradebook.csv").read_bytes() == before
    mnist_hw("export", "canvas", out, "--gradebook", book, "--assignment", "Homework 1 (777)", "--scale", "5")
    rows = list(csv.reader(io.StringIO((out / "canvas/gradebook.csv").read_text())))
    assert {r[1]: r[5] for r in rows[2:]}["101"] == "5"
    done = subprocess.run([sys.executable, "-m", "autograder", "export", "canvas", str(out), "--gradebook",
                           str(book), "--assignment", "Homework 2 (779)"], capture_output=True, text=True)
    assert done.returncode != 0 and "Homework 1 (777)" in done.stdout + done.stderr


def identity_columns(index: Path) -> dict[str, tuple[str, str]]:
    """submission name -> (LMS identity cell, late cell), as the batch page's HTML holds them."""
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append({})
            elif tag == "td" and self.rows:
                self.cell = (dict(attrs).get("class") or "").split()
                self.rows[-1].setdefault("cells", []).append([self.cell, ""])

        def handle_data(self, data):
            if self.rows and self.rows[-1].get("cells"):
                self.rows[-1]["cells"][-1][1] += data

    parser = Rows()
    parser.feed(index.read_text())
    found = {}
    for row in parser.rows:
        cells = row.get("cells", [])
        who = [text for classes, text in cells if "who" in classes]
        late = [text for classes, text in cells if "late" in classes]
        if cells and who:
            found[cells[0][1]] = (who[0], late[0])
    return found


def test_the_batch_page_shows_who_and_late(moodle_run, canvas_run):
    """The batch page of a bulk download: the LMS identity (escaped as text) and the late flag."""
    moodle = identity_columns(moodle_run[3] / "index.html")
    assert moodle["Jane Doe_101"] == ("Jane Doe (moodle 101)", "")
    hostile = next(who for name, (who, _) in moodle.items() if name.endswith("_104"))
    assert hostile == f"{HOSTILE_NAME} (moodle 104)"  # the browser's parser reads it back as text
    assert "<img src=x" not in (moodle_run[3] / "index.html").read_text()  # never markup
    canvas = identity_columns(canvas_run[3] / "index.html")
    assert canvas["петровиван_102"][1] == "late"
    assert canvas["doejane_101"][1] == ""
