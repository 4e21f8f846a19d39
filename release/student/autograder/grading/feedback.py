"""Failures a student can act on, in Russian and English, and the diagnoses behind them.

A check fails by raising Feedback(en, ru). The diagnoses compare a student's array with
the reference and name the usual mistakes: off by a factor of N (not averaged over the
batch), sign flipped, transposed, the ReLU mask missing, a bias gradient averaged instead
of summed, NaN from an overflowing softmax, Adam without its bias correction.
"""
from __future__ import annotations

import numpy as np

from assignment.contract import PARAM_KEYS


class Feedback(AssertionError):
    """A failed check: what is wrong, in both languages."""

    def __init__(self, en: str, ru: str):
        self.en, self.ru = en, ru
        super().__init__(en)


def fail(en: str, ru: str):
    raise Feedback(en, ru)


def rel_error_at(got: np.ndarray, expected: np.ndarray) -> tuple[float, tuple]:
    """The largest elementwise relative error and where it is."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    err = np.abs(got - expected) / np.maximum(1e-8, np.abs(got) + np.abs(expected))
    if err.size == 0:
        return 0.0, ()
    index = np.unravel_index(int(np.argmax(err)), err.shape)
    return float(err[index]), tuple(int(i) for i in index)


def as_array(value, name: str) -> np.ndarray:
    """The student's value as a numeric array, or a Feedback saying what it was."""
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fiub":
        return np.asarray(value)  # a numpy scalar (np.mean's result) is a 0-d array here
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.asarray(value, dtype=np.float64)
    kind = type(value).__name__ if not isinstance(value, dict) or "__unsupported__" not in value else value[
        "__unsupported__"]
    if str(kind).startswith("numpy array of dtype"):  # float128, complex, object: nothing a check can compare
        dtype = str(kind).rsplit(" ", 1)[-1]
        fail(f"{name} is a numpy array of dtype {dtype}, which the checks cannot use: keep the dtype of the inputs "
             f"(float64 here, float32 when training), or return a Python float for a single number.",
             f"{name} — массив numpy с типом {dtype}, его проверки использовать не могут: сохраняйте тип входных "
             f"данных (здесь float64, при обучении float32) или возвращайте float Python для одного числа.")
    fail(f"{name} should be a numpy array, but it is a {kind}.",
         f"{name} должен быть массивом numpy, а это {kind}.")


def loss_number(value) -> float:
    """The student's loss as a float: one number (a Python float, a numpy scalar or a 0-d
    array), else a Feedback saying what it was."""
    loss = as_array(value, "loss")
    if loss.shape != ():
        fail(f"loss must be one number (the mean over the batch), not an array of shape {loss.shape}.",
             f"loss должна быть одним числом (средним по батчу), а не массивом формы {loss.shape}.")
    return float(loss)


def params_dict(value, fn: str) -> dict:
    """The student's value if it is a dict with exactly the parameter keys, else a Feedback."""
    if not isinstance(value, dict) or set(value) != set(PARAM_KEYS):
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        fail(f"{fn} must return a dict with keys W1, b1, W2, b2; it returned {got}.",
             f"{fn} должна возвращать словарь с ключами W1, b1, W2, b2; получено {got}.")
    return value


def compare(name: str, got, expected: np.ndarray, *, rtol: float = 1e-5, atol: float = 1e-8, n: int | None = None,
            c: int | None = None, alternatives: dict | None = None, what_en: str = "", what_ru: str = "") -> None:
    """Fail with a diagnosis unless `got` matches `expected` (shape and values).

    Inputs:
    - name: what is compared, as the student knows it ("dW1", "logits")
    - got: the student's value; expected: the reference's (float64 for the checks' inputs)
    - n: the batch size, to recognise a missing or doubled 1/N; c: the number of classes,
      to recognise a mean over every entry (a division by N·C)
    - alternatives: {key: array or [arrays]} of known wrong answers, keys of KNOWN_MISTAKES;
      a match names the mistake

    The diagnoses, in order: shape (transposed), NaN/inf, a known mistake, float32
    precision (a cast of the float64 inputs), a factor of N, 1/N, 1/C or −1, any other
    constant factor (never one within 1% of 1: that is a precision or small-term error).
    """
    got = as_array(got, name)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        if got.shape == expected.T.shape and got.ndim == 2 and got.shape[0] != got.shape[1]:
            fail(f"{name} has shape {got.shape} but should have {expected.shape}: it is transposed. "
                 f"Check the order of the factors in the matrix product{what_en}.",
                 f"{name} имеет форму {got.shape}, а должен {expected.shape}: он транспонирован. "
                 f"Проверьте порядок множителей в матричном произведении{what_ru}.")
        fail(f"{name} has shape {got.shape} but should have {expected.shape}{what_en}.",
             f"{name} имеет форму {got.shape}, а должен {expected.shape}{what_ru}.")
    if not np.all(np.isfinite(got)):
        bad = int(np.sum(~np.isfinite(got)))
        fail(f"{name} holds {bad} NaN or infinite values{what_en}. An overflowing exp? Subtract the row maximum "
             f"before exponentiating, and compute log-probabilities without taking the log of 0.",
             f"{name} содержит {bad} значений NaN или бесконечность{what_ru}. Переполнение exp? Вычтите максимум "
             f"строки перед экспонентой и не берите логарифм нуля.")
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    err, where = rel_error_at(got, expected)
    evidence_en = (f" (largest relative error {err:.2e} at index {list(where)}: "
                   f"yours {float(got[where]):.6g}, expected {float(expected[where]):.6g})")
    evidence_ru = (f" (наибольшая относительная ошибка {err:.2e} в элементе {list(where)}: "
                   f"у вас {float(got[where]):.6g}, ожидалось {float(expected[where]):.6g})")
    for key, candidates in (alternatives or {}).items():
        for alternative in candidates if isinstance(candidates, (list, tuple)) else [candidates]:
            if alternative is not None and np.shape(alternative) == got.shape and np.allclose(
                    got, alternative, rtol=rtol, atol=atol):
                en, ru = KNOWN_MISTAKES[key]
                fail(f"{name} is wrong{what_en}: {en}{evidence_en}", f"{name} неверен{what_ru}: {ru}{evidence_ru}")
    precision = _lower_precision(got, expected)
    if precision:
        low = got.dtype != np.float64
        digits = int(round(-np.log10(np.finfo(precision).eps)))
        fail(f"{name} is right only to about {digits} significant digits{what_en}: it is computed in {precision} "
             + (f"(it comes back as {got.dtype}) " if low else "(every value is a float32 number) ")
             + "though the inputs are float64. Something casts them (astype(np.float32), np.float32(...), "
               f"dtype=np.float32, a float32 constant array): keep the dtype of the inputs.{evidence_en}",
             f"{name} верен лишь примерно до {digits} значащих цифр{what_ru}: он вычисляется в {precision} "
             + (f"(возвращается как {got.dtype}), " if low else "(все значения — числа float32), ")
             + "хотя входы float64. Что-то приводит их к меньшей точности (astype(np.float32), np.float32(...), "
               f"dtype=np.float32, массив констант float32): сохраняйте тип входных данных.{evidence_ru}")
    scale = _scale(got, expected)
    if scale is not None:
        if n and n > 1 and abs(scale - n) < 1e-3 * n:
            fail(f"{name} is N = {n} times too large{what_en}: is the loss gradient averaged over the batch "
                 f"(divided by N)?{evidence_en}",
                 f"{name} в N = {n} раз больше нужного{what_ru}: усредняете ли вы градиент потери по батчу "
                 f"(делите на N)?{evidence_ru}")
        if n and n > 1 and abs(scale - 1 / n) < 1e-3 / n:
            fail(f"{name} is N = {n} times too small{what_en}: is it divided by the batch size twice?{evidence_en}",
                 f"{name} в N = {n} раз меньше нужного{what_ru}: не делите ли вы на размер батча дважды?{evidence_ru}")
        if c and c > 1 and abs(scale - 1 / c) < 1e-3 / c:
            fail(f"{name} is C = {c} times too small{what_en}: it is divided by N·C, the number of all entries "
                 f"(np.mean over the whole (N, C) array). Sum over the classes, then average over the batch: "
                 f"-np.sum(Y * log_probs) / N.{evidence_en}",
                 f"{name} в C = {c} раз меньше нужного{what_ru}: он делится на N·C, число всех элементов "
                 f"(np.mean по всему массиву (N, C)). Суммируйте по классам, затем усредняйте по батчу: "
                 f"-np.sum(Y * log_probs) / N.{evidence_ru}")
        if abs(scale + 1) < 1e-3:
            fail(f"{name} has the wrong sign{what_en}: it is exactly minus the right value.{evidence_en}",
                 f"{name} имеет неверный знак{what_ru}: это в точности минус верное значение.{evidence_ru}")
        if abs(scale - 1) >= 0.01:
            fail(f"{name} is off by a constant factor of {scale:.4g}{what_en}.{evidence_en}",
                 f"{name} отличается от верного постоянным множителем {scale:.4g}{what_ru}.{evidence_ru}")
    fail(f"{name} does not match the expected values{what_en}.{evidence_en}",
         f"{name} не совпадает с ожидаемыми значениями{what_ru}.{evidence_ru}")


def _lower_precision(got: np.ndarray, expected: np.ndarray) -> str | None:
    """'float32' or 'float16' where `got` is `expected` computed in that precision: it has that
    dtype, or (cast back to float64) every value of it is one; and it agrees to that precision.
    A real mistake almost never does both."""
    if expected.dtype != np.float64 or got.dtype.kind != "f":
        return None
    if got.dtype.itemsize < 8:
        precision = got.dtype
    elif np.array_equal(got, got.astype(np.float32)) and not np.array_equal(expected, expected.astype(np.float32)):
        precision = np.dtype(np.float32)
    else:
        return None
    tolerance = 200 * float(np.finfo(precision).eps)  # rounding of a few dozen operations
    return precision.name if np.allclose(got.astype(np.float64), expected, rtol=tolerance,
                                         atol=tolerance * float(np.max(np.abs(expected), initial=0))) else None


def _scale(got: np.ndarray, expected: np.ndarray) -> float | None:
    """s if got == s * expected for one scalar s, else None."""
    e = expected.astype(np.float64).ravel()
    g = got.astype(np.float64).ravel()
    denom = float(e @ e)
    if denom == 0:
        return None
    s = float(g @ e) / denom
    return s if s != 0 and np.allclose(g, s * e, rtol=1e-4, atol=1e-10) else None


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
