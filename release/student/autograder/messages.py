"""What the grader and `mnist-hw check` say to a student, in English and Russian, written once.

Each message is a pair (en, ru), or a function returning one. A check's own explanation of a
wrong value (which entry, which known mistake) lives with its check (autograder/grading/checks,
autograder/grading/feedback.py), as a check's name lives in its docstring; everything said
about *running* the student's code — it does not import, it raised, hung, killed its worker,
wrote too much, trained too slowly — and the report's own words are here. tests/test_messages.py
checks every pair: both languages present, each in its own script, the same numbers in both.
"""
from __future__ import annotations

import signal

Pair = tuple[str, str]


# -- the import rule (autograder/sandbox/imports.py) ------------------------------------------
def import_refused(module: str) -> Pair:
    """A network.py that imports a module outside the import rule."""
    return (f"network.py imports `{module}`, which the grader does not provide: the assignment allows numpy only "
            f"(with Python's standard library, and matplotlib for plots). Remove `import {module}` and write that "
            f"part with numpy; `mnist-hw check` and the grader refuse it alike.",
            f"network.py импортирует `{module}`, которого нет при оценке: в задании разрешён только numpy "
            f"(и стандартная библиотека Python, а для графиков matplotlib). Уберите `import {module}` и напишите "
            f"эту часть на numpy; `mnist-hw check` и система оценки отказывают одинаково.")


DOES_NOT_IMPORT: Pair = ("network.py does not import", "network.py не импортируется")


def import_too_slow(path, seconds: float) -> Pair:
    """The local check: importing network.py did not finish within the call time limit."""
    return (f"{path} did not finish importing within {seconds:g} s: is there an endless loop outside the functions?",
            f"{path} не импортировался за {seconds:g} с: нет ли бесконечного цикла вне функций?")


# -- a call of the student's code that went wrong (autograder/grading/calls.py) ------------------
def not_implemented(fn: str) -> Pair:
    return (f"{fn} is not implemented yet: replace `raise NotImplementedError()` with your code.",
            f"{fn} ещё не реализована: замените `raise NotImplementedError()` своим кодом.")


def called_exit(fn: str, error: str, where: str) -> Pair:
    return (f"{fn} called exit() ({error}){where}: a function returns its result; exit() ends the program "
            "that called it.",
            f"{fn} вызвала exit() ({error}){where}: функция возвращает результат, а exit() завершает "
            "вызвавшую её программу.")


def raised(fn: str, error: str, where: str) -> Pair:
    return f"{fn} raised {error}{where}.", f"{fn} выбросила исключение {error}{where}."


def timed_out(seconds: float) -> Pair:
    """Why a call ended: it did not answer in time."""
    return f"no answer within {seconds:g} s (an infinite loop?)", f"нет ответа за {seconds:g} с (бесконечный цикл?)"


def did_not_finish(fn: str, why: Pair) -> Pair:
    return f"{fn} did not finish: {why[0]}.", f"{fn} не завершилась: {why[1]}."


def ended_worker(fn: str, why: Pair) -> Pair:
    return f"calling {fn} ended the worker: {why[0]}.", f"вызов {fn} завершил процесс: {why[1]}."


def worker_death(code: int | None) -> Pair:
    """Why the worker is gone, from its exit status (negative: the signal that ended it)."""
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        en, ru = {"SIGKILL": ("killed (out of memory, or over a limit)", "убит (нехватка памяти или превышен лимит)"),
                  "SIGXCPU": ("over its CPU time limit", "превысил лимит процессорного времени"),
                  "SIGXFSZ": ("wrote a file over the size limit", "записал файл больше допустимого"),
                  "SIGSEGV": ("crashed", "аварийно завершился")}.get(name, ("killed", "убит"))
        return f"the worker was {en} ({name})", f"процесс {ru} ({name})"
    return (f"the worker exited with status {code} (does network.py call exit()?)",
            f"процесс завершился с кодом {code} (не вызывает ли network.py exit()?)")


def wrote_too_much(mib_used: float, files: int, mib_limit: float, files_limit: int) -> Pair:
    return (f"wrote more than the sandbox allows ({mib_used:.0f} MiB in {files:,} files; the limit is "
            f"{mib_limit:.0f} MiB and {files_limit:,} files)",
            f"записано больше, чем разрешено ({mib_used:.0f} МиБ в {files:,} файлах; предел — "
            f"{mib_limit:.0f} МиБ и {files_limit:,} файлов)")


NOT_AN_ANSWER: Pair = ("the worker sent something that is not an answer", "процесс прислал не ответ")
OUT_OF_STEP: Pair = ("the worker's answers are out of step (forged output?)",
                     "ответы процесса не соответствуют запросам (подделанный вывод?)")
STOPPED_IN_TRAINING: Pair = ("stopped during training", "остановлен во время обучения")


def no_recorded_answer(fn: str) -> Pair:
    """The local check met a case whose reference answer the release did not record."""
    return (f"no recorded reference answer for this case of {fn}: the check's inputs differ from those "
            f"the release was made with (a different numpy?). Your code is not at fault; `mnist-hw grade` will "
            f"check it.",
            f"для этого случая {fn} нет записанного эталонного ответа: входные данные проверки отличаются "
            f"от тех, с которыми собран выпуск (другая версия numpy?). Ваш код тут ни при чём; при оценке его "
            f"проверят.")


def check_broke(text: str) -> Pair:
    """A check raised something other than its verdict: a bug in the check, or a value it did not expect."""
    return f"check failed: {text}", f"проверка не пройдена: {text}"


# -- training (autograder/grading/training.py) ---------------------------------------------------
def training_rejected(t: int, why: Pair) -> Pair:
    return (f"training earns no points: {why[0]} (step {t}). Training points count only for weights that your own "
            f"forward, softmax_cross_entropy, backward and adam_update produce, step by step, from the given "
            f"initial weights.",
            f"обучение не принесло баллов: {why[1]} (шаг {t}). Баллы за обучение даются только за веса, которые "
            f"ваши forward, softmax_cross_entropy, backward и adam_update получают шаг за шагом из заданных "
            f"начальных весов.")


def duration(seconds: float) -> Pair:
    if seconds < 120:
        return f"{seconds:.0f} s", f"{seconds:.0f} с"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min", f"{seconds / 60:.0f} мин"
    return f"{seconds / 3600:.0f} h", f"{seconds / 3600:.0f} ч"


def training_too_slow(done: int, n_steps: int, elapsed: float, budget: float, step_seconds: float,
                      projected: float | None) -> Pair:
    """Training that cannot finish within its budget: how far it got, and what usually causes it."""
    if projected is None:  # not even one more step within the limit
        rate = (f"{done:,} of {n_steps:,} steps in {elapsed:.0f} s, the next one not done within {step_seconds:.0f} s",
                f"{done:,} из {n_steps:,} шагов за {elapsed:.0f} с, следующий не завершился за {step_seconds:.0f} с")
        need = ("training cannot finish in time", "обучение не успеет завершиться")
    else:
        rate = (f"{done:,} of {n_steps:,} steps in {elapsed:.0f} s", f"{done:,} из {n_steps:,} шагов за {elapsed:.0f} с")
        took = duration(projected)
        need = (f"training would need about {took[0]}", f"обучению понадобилось бы около {took[1]}")
    return (f"{need[0]} ({rate[0]}), and it has {budget:.0f} s: is there a Python loop over the examples? Use matrix "
            f"products over the whole batch.",
            f"{need[1]} ({rate[1]}), а отведено {budget:.0f} с: нет ли цикла Python по примерам? Используйте "
            f"матричные произведения для всего батча.")


# -- reports (autograder/results.py, autograder/local/check.py) ----------------------------------
PROTECTIONS: dict[str, Pair] = {
    "filesystem": ("filesystem isolation (bubblewrap or Landlock)",
                   "изоляция файловой системы (bubblewrap или Landlock)"),
    "network": ("no network", "без сети"),
    "process_isolation": ("own process tree, out of reach of others, killed as a whole",
                          "своё дерево процессов, недоступное другим, завершаемое целиком"),
    "unprivileged_user": ("unprivileged user", "непривилегированный пользователь"),
    "own_user": ("a user of its own: process cap per submission", "свой пользователь: лимит процессов на работу"),
    "disk_limit": ("at most 256 MiB written", "не больше 256 МиБ записанного"),
    "resource_limits": ("CPU, memory, process and file-size limits", "лимиты CPU, памяти, процессов и файлов"),
    "scrubbed_environment": ("scrubbed environment", "очищенное окружение"),
    "wall_time_limit": ("wall-time limit per call", "лимит времени на вызов"),
}

FEEDBACK: dict[str, Pair] = {  # feedback.md (ru) and feedback.en.md
    "title": ("Grading results", "Результаты проверки"),
    "total": ("Total", "Итого"),
    "derivation_apart": (" (the written derivation is graded by the instructor)",
                         " (без письменной части, её проверяет преподаватель)"),
    "not_imported": ("network.py could not be imported, so no check ran:",
                     "network.py не удалось импортировать, поэтому ни одна проверка не запускалась:"),
    "area": ("area", "часть"),
    "points": ("points", "баллы"),
    "what_to_fix": ("What to fix", "Что исправить"),
    "all_passed": ("Every check passed.", "Все проверки пройдены."),
    "test_accuracy": ("Test accuracy", "Точность на тесте"),
    "printed": ("What your code printed", "Что напечатал ваш код"),
    "protections_missing": ("Sandbox protections missing during grading",
                            "Защиты песочницы, которых не было при проверке"),
}

LOCAL: dict[str, Pair] = {  # `mnist-hw check`'s report
    "public_checks": ("Public checks", "Открытые проверки"),
    "area": ("area", "раздел"),
    "points": ("points", "баллы"),
    "result": ("result", "итог"),
    "passed": ("passed", "пройдено"),
    "failed": ("failed", "есть ошибки"),
    "not_imported": ("network.py does not import, so no check passes: ",
                     "network.py не импортируется, ни одна проверка не прошла: "),
    "total": ("Public checks total", "Итого открытых проверок"),
    "hidden_later": ("Hidden checks (against the reference on drawn shapes) run when grading.",
                     "Скрытые проверки (сверка с эталоном на случайных формах) запускаются при оценке."),
    "printed": ("network.py printed (grading puts this in the feedback):",
                "network.py напечатал (при оценке это попадёт в отзыв):"),
    "more_lines": ("more lines", "строк ещё"),
    "no_training": ("Training was not checked: add --training.", "Обучение не проверялось: добавьте --training."),
}


def say(pair: Pair, lang: str) -> str:
    """One language of a pair: "ru" or "en"."""
    return pair[1] if lang == "ru" else pair[0]
