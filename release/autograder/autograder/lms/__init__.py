"""Carrying grades to and from a course: Moodle and Canvas bulk downloads in (bulk, moodle,
canvas), their grade sheets and feedback out (sheet, export), and nbgrader's gradebook
(nbgrader). Formats as the LMSs' own sources write and read them: moodle/moodle mod/assign
(classes/downloader.php, feedback/file/importziplib.php, feedback/offline) and
instructure/canvas-lms (lib/content_zipper.rb, lib/gradebook_importer.rb)."""
