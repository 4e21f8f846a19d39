"""The training check's driver: the trusted process runs the kit's training loop and has the
student's functions do each step, then verifies what came back.

The loop (assignment.training.run_epochs: shuffling, batches, validation, the best epoch
kept) runs here, in the trusted process, which decides the initial weights (the
reference's init_params for the seed), the order of the data and t. A transport does one
step at a time with the student's forward, softmax_cross_entropy, backward and adam_update:
in the sandboxed worker when grading (the big arrays through a shared file, the pipe only
for the small messages), in this process for `mnist-hw check --training`.

Training points are earned by the student's own steps. The Verifier checks, with entries
and steps drawn from a secret seed the submission cannot know:
- every step: at a few hundred sampled entries of each parameter, the new parameters are an
  accepted Adam step (Reference.adam_forms: Keras's form, Algorithm 1, or an honest mistake;
  with the given epsilon and betas or a fixed other one, EPSILONS and BETAS; the same
  throughout) from the previous step's parameters and this step's gradients, with m and v
  kept here. Adam is elementwise, so an entry can be checked alone, and a
  worker that swaps its state or returns stored weights breaks the chain at once;
- on about one step in GRADIENT_EVERY (and the first): the student's gradients against the
  reference's on the same parameters and batch, up to a positive factor per parameter (a
  missing or extra 1/N still trains, and keeps its training points);
- the parameters this process evaluates (validation, restore-best, the test set) are its
  own copy, checked against the entries it verified.
The Pace stops training as soon as it cannot finish within the budget, saying the speed, but
only where the steps are also slow next to the matrix products they need, timed on this machine
at that moment: a loaded machine slows every step alike and must not make a correct one "slow".
The check's `stop` rule ends it as soon as the points are decided (see check_training.py).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assignment.contract import PARAM_KEYS
from assignment.data import N_CLASSES, one_hot
from assignment.training import DEFAULT_LEARNING_RATE, History, evaluate, run_epochs, split_validation, train_step
from autograder import messages
from autograder.grading.feedback import Feedback
from autograder.sandbox.wire import WorkerError, seconds_setting

WARMUP_SECONDS = 20.0  # speed is projected from here on; also the longest one step may take
WARMUP_VARIABLE = "MNIST_HW_WARMUP_SECONDS"  # the grader's own setting of it (the tests of a slow training use 5)


def warmup_seconds() -> float:
    """WARMUP_SECONDS, or what WARMUP_VARIABLE sets (a positive number): the same rule, measured sooner."""
    return seconds_setting(WARMUP_VARIABLE, WARMUP_SECONDS)


# A step may take this many times the matrix products it needs (matmul_seconds) before the pace may
# stop it. On a quiet machine the budget (300 s for 2,880 steps, ~0.1 s a step) is already about
# fifteen times those products (~0.007 s), so there the rule is the budget's alone; under load it
# keeps a correct step (the reference's ~1.5 times the products, a float64 one's ~3) from being
# called slow because other jobs hold the cores.
SLOWER_THAN_PRODUCTS = 8.0
RECHECK_SECONDS = 5.0  # how long a step's speed, once found fine next to the products, is not re-timed
GRADIENT_EVERY = 64  # about one step in this many has its gradients compared with the reference's
SAMPLES = {"W1": 1024, "b1": 64, "W2": 128, "b2": 10}  # entries per parameter checked at every step
STEP_RTOL, PARAM_RTOL, ATOL = 1e-3, 1e-6, 1e-9  # of the step, of the parameter, absolute
GRADIENT_RTOL = 1e-3  # of the largest entry, after the best positive factor
# An honest adam_update may ignore an argument: a fixed epsilon (the paper's 1e-8, PyTorch's, ...) or
# fixed betas. The step is accepted when it is one of Reference.adam_forms' with some of these, the same
# throughout; the given hyperparameters first (the training loop passes the defaults, 1e-7, 0.9, 0.999).
EPSILONS = (1e-7, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-10, 1e-12)
BETAS = ((0.9, 0.999), (0.9, 0.99), (0.95, 0.999), (0.99, 0.999), (0.9, 0.9999))


def layout(params: dict) -> list[tuple[str, tuple, int]]:
    """(key, shape, offset in float32 entries) of each parameter in a flat bank."""
    out, offset = [], 0
    for k in PARAM_KEYS:
        shape = tuple(np.shape(params[k]))
        out.append((k, shape, offset))
        offset += int(np.prod(shape))
    return out


def bank_views(buffer, lay, bank: int) -> dict:
    """The parameters of bank `bank` of a shared buffer of flat float32 banks, as views."""
    size = sum(int(np.prod(shape)) for _, shape, _ in lay)
    flat = np.frombuffer(buffer, dtype=np.float32, count=size, offset=bank * size * 4)
    return {k: flat[offset:offset + int(np.prod(shape))].reshape(shape) for k, shape, offset in lay}


class InSandbox:
    """Steps done by the sandboxed worker. Step t's parameters and gradients come back in
    slot t % SLOTS of a file the worker maps (two banks a slot: params, grads); the pipe
    carries only t, the batch and the loss. Up to SLOTS - 1 steps are asked ahead, so the
    worker never waits for the grader: a slot is reused only once its step is verified.

    This process never maps the file: it reads each slot with pread into arrays of its own,
    so nothing the worker does to the file (truncate it, grow it, fill it with garbage) can
    reach this process (a mapping of a truncated file kills its reader with SIGBUS). A slot
    read short is the submission's failed step; garbage fails the verification."""

    SLOTS = 4  # 4 x 2 x 2.5 MB for MNIST's 636,010 parameters
    # What this process measures between epochs (drive's `measure`) may run in a thread beside the
    # validation: the network measuring is the kit's reference, and the worker's core is idle then.
    beside = True

    def __init__(self, sandbox):
        self.sandbox, self.pending = sandbox, 0

    def begin(self, params: dict, learning_rate: float, validation_split: float):
        self._layout = layout(params)
        self._bank_bytes = 4 * sum(int(np.prod(s)) for _, s, _ in self._layout)
        here, in_box = self.sandbox.shared_file(self.SLOTS * 2 * self._bank_bytes)
        self._fd = os.open(here, os.O_RDONLY | os.O_CLOEXEC)
        weakref.finalize(self, os.close, self._fd)  # kept across the epochs (abort ends each), closed with this
        self.sandbox.request({"op": "train_begin", "params": params, "learning_rate": learning_rate,
                              "validation_split": validation_split, "shared": str(in_box), "slots": self.SLOTS,
                              "layout": [[k, list(s), o] for k, s, o in self._layout]})

    @property
    def window(self) -> int:
        return self.SLOTS - 1

    def send(self, t: int, idx: np.ndarray):
        self.sandbox.send({"op": "train_step", "t": t, "idx": idx})
        self.pending += 1

    def receive(self, t: int, timeout: float) -> tuple[object, object]:
        answer = self.sandbox.receive(timeout)
        self.pending -= 1
        slot = t % self.SLOTS
        self.params, self.grads = self._read(t, 2 * slot), self._read(t, 2 * slot + 1)
        if not isinstance(answer, dict):
            raise rejected(t, messages.STEP_NOT_ANSWERED)
        return answer.get("loss"), answer.get("correct")

    def _read(self, t: int, bank: int) -> dict:
        """Bank `bank` of the shared file, read into this process's own arrays (float32 views of one buffer)."""
        buffer = bytearray(self._bank_bytes)
        got = os.preadv(self._fd, [buffer], bank * self._bank_bytes)
        if got != len(buffer):
            raise rejected(t, messages.shared_file_short(got, len(buffer)))
        return bank_views(buffer, self._layout, 0)

    def abort(self):
        """Steps asked ahead and not received would put the worker's answers out of step:
        end it (the next check starts another)."""
        if self.pending:
            self.sandbox.kill()
            self.sandbox.dead = WorkerError.said("died", messages.STOPPED_IN_TRAINING)


class InProcess:
    """Steps done in this process (the student's local check): `call(action, seconds)` runs
    the student's code under a time limit, its failures raised as WorkerError."""

    window = 1
    # The network measuring is the student's own here (the local check has no reference): it is
    # never called from two threads at once, so `measure` is left to the stop rule to ask for.
    beside = False

    def __init__(self, module, x_train, y_train, call):
        self.module, self.x, self.y, self.call = module, x_train, y_train, call

    def begin(self, params: dict, learning_rate: float, validation_split: float):
        (self.x_tr, self.y_tr), _ = split_validation(self.x, self.y, validation_split)
        self.Y_tr = one_hot(self.y_tr, N_CLASSES, dtype=self.x.dtype)
        self.lr = learning_rate
        self.state = {"params": {k: p.copy() for k, p in params.items()},
                      "m": {k: np.zeros_like(p) for k, p in params.items()},
                      "v": {k: np.zeros_like(p) for k, p in params.items()}}

    def send(self, t: int, idx: np.ndarray):
        self.idx = idx

    def receive(self, t: int, timeout: float) -> tuple[float, int]:
        idx = self.idx

        def action():
            grads, loss, logits = train_step(self.module, self.state, t, self.x_tr[idx], self.Y_tr[idx], "adam",
                                             self.lr)
            return grads, float(loss), int(np.sum(np.argmax(logits, axis=1) == self.y_tr[idx]))

        grads, loss, correct = self.call(action, timeout)
        self.params, self.grads = as_in_a_bank(self.state["params"]), as_in_a_bank(grads)
        return loss, correct

    def abort(self):
        pass


def step_report(t: int, loss, correct, batch: int) -> tuple[float, int]:
    """What a step says about itself (its loss, how many of its `batch` examples its logits
    got right), checked against what it can possibly be before anything here uses it: a
    loss a finite number >= 0, a count an int in 0..batch. Raises the step's rejection."""
    if type(loss) not in (int, float) and not isinstance(loss, np.floating):
        raise rejected(t, messages.STEP_NOT_ANSWERED)
    if not np.isfinite(loss) or loss < 0:
        raise rejected(t, messages.step_loss_impossible(float(loss)))
    if type(correct) is not int and not isinstance(correct, np.integer):
        raise rejected(t, messages.STEP_NOT_ANSWERED)
    if not 0 <= correct <= batch:
        raise rejected(t, messages.step_count_impossible(int(correct), batch))
    return float(loss), int(correct)


def as_in_a_bank(value):
    """What the worker's shared float32 bank would hold of a step's params or grads (a dict of
    arrays): each numeric array as float32, so that a float64 step is verified here as when
    grading; anything else as it is, for the verifier to refuse."""
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        array = np.asarray(v) if isinstance(v, (np.ndarray, np.generic)) else None
        out[k] = array.astype(np.float32, copy=False) if array is not None and np.issubdtype(array.dtype, np.number) else v
    return out


def rejected(t: int, why: tuple[str, str]) -> Feedback:
    return Feedback(*messages.training_rejected(t, why))


class Verifier:
    """Checks each step of a training run at secretly drawn entries and steps (see the module)."""

    def __init__(self, reference, params0: dict, n_steps: int, learning_rate: float, seed: int | None = None):
        rng = np.random.default_rng(secrets.randbits(128) if seed is None else seed)
        self.reference, self.lr = reference, learning_rate
        self.shapes = {k: np.shape(params0[k]) for k in PARAM_KEYS}
        self.where = {k: np.sort(rng.choice(np.size(params0[k]), min(n, np.size(params0[k])), replace=False))
                      for k, n in SAMPLES.items()}
        self.p = self._sample(params0)
        # the Adam-family updates still possible, as (form, epsilon, beta1, beta2), and m, v per (beta1, beta2)
        self.candidates: set | None = None
        self.moments = {betas: ({k: np.zeros_like(p) for k, p in self.p.items()},
                                {k: np.zeros_like(p) for k, p in self.p.items()}) for betas in BETAS}
        self.gradient_steps = {1} | {int(t) for t in np.flatnonzero(rng.random(n_steps) < 1 / GRADIENT_EVERY) + 1}
        self.inputs: dict | None = {k: np.array(p, dtype=np.float32) for k, p in params0.items()}  # for step 1

    def _sample(self, params: dict) -> dict:
        return {k: np.asarray(params[k]).reshape(-1)[i].astype(np.float64) for k, i in self.where.items()}

    def held(self, params: dict) -> dict:
        """A copy of params (the transport's) that this process keeps, checked against the
        entries verified at the last step: nothing the worker does afterwards can change it."""
        copy = {k: np.array(params[k], dtype=np.float32, copy=True) for k in PARAM_KEYS}
        sample = self._sample(copy)
        for k in PARAM_KEYS:
            if not np.array_equal(sample[k], self.p[k], equal_nan=True):
                raise rejected(0, messages.params_changed_after_check(k))
        return copy

    def after_step(self, t: int, params: dict, grads: dict, xb=None, Yb=None, next_checked: bool = False):
        """Verify step t from the transport's params and grads (the gradients too on a drawn
        step, with the batch xb, Yb); keep what the next step is verified against."""
        for name, value in (("params", params), ("grads", grads)):
            if not isinstance(value, dict) or any(np.shape(value.get(k)) != self.shapes[k] for k in PARAM_KEYS):
                raise rejected(t, messages.step_shapes(name))
        g = self._sample(grads)
        new = self._sample(params)
        matching, keras = self._matching(t, g, new)
        self.candidates = matching if self.candidates is None else self.candidates & matching
        if not self.candidates:
            k = next((k for k in PARAM_KEYS if not _step_close(new[k], keras[0][k], self.p[k])), "W1")
            bad = int(np.argmax(np.abs(new[k] - keras[0][k])))
            index = np.unravel_index(int(self.where[k][bad]), self.shapes[k])
            where = f"{k}[{', '.join(map(str, index))}]"
            raise rejected(t, messages.not_an_adam_step(where, new[k][bad], keras[0][k][bad], bool(matching)))
        if t in self.gradient_steps:  # after the update: a step that is not Adam's is named as such
            self._check_gradients(t, grads, xb, Yb)
        self.p = new
        kept = {BETAS[0]} | {c[2:] for c in self.candidates}  # the given betas' always: a rejection quotes them
        self.moments = {betas: self._next_moments[betas] for betas in BETAS if betas in kept}
        self.inputs = self.held(params) if next_checked else None

    def _matching(self, t: int, g: dict, new: dict) -> tuple[set, tuple]:
        """The candidates (form, epsilon, beta1, beta2) still possible whose step t from the
        previous parameters with the sampled gradients g gives the sampled new parameters;
        and the Keras form's step with the given hyperparameters (for a rejection's message).
        Keeps each (beta1, beta2)'s next m, v in self._next_moments."""
        alive = self.candidates
        matching, self._next_moments = set(), {}
        keras = None
        for betas, (m, v) in self.moments.items():
            for eps in EPSILONS:
                names = None if alive is None else {c[0] for c in alive if c[1:] == (eps, *betas)}
                if names == set() and not (betas == BETAS[0] and eps == EPSILONS[0]):
                    continue
                forms = self.reference.adam_forms(self.p, g, m, v, t, self.lr, *betas, eps)
                if betas == BETAS[0] and eps == EPSILONS[0]:
                    keras = forms["keras"]
                self._next_moments[betas] = forms["keras"][1], forms["keras"][2]
                matching |= {(name, eps, *betas) for name, (p, _, _) in forms.items()
                             if (names is None or name in names)
                             and all(_step_close(new[k], p[k], self.p[k]) for k in PARAM_KEYS)}
        return matching, keras

    def _check_gradients(self, t: int, grads: dict, xb, Yb):
        """The student's gradients of step t against the reference's at the same parameters
        (this process's copy) and batch: equal up to a positive factor per parameter."""
        grads = {k: np.array(grads[k], dtype=np.float64, copy=True) for k in PARAM_KEYS}
        net = self.reference.network
        with one_blas_thread():  # a grading is single-threaded: more threads only fight the worker for the cores
            logits, cache = net.forward(self.inputs, xb)
            _, dlogits = net.softmax_cross_entropy(logits, Yb)
            expected = net.backward(self.inputs, cache, dlogits)
        for k in PARAM_KEYS:
            r, g = np.asarray(expected[k], np.float64), grads[k]
            rr = float(np.vdot(r, r))
            scale = float(np.vdot(g, r)) / rr if rr > 0 else 1.0
            err = float(np.max(np.abs(g - scale * r))) if g.size else 0.0
            if scale <= 0:
                raise rejected(t, messages.gradient_points_away(k, scale))
            if not np.isfinite(err) or err > GRADIENT_RTOL * max(float(np.max(np.abs(scale * r))), 1e-30):
                raise rejected(t, messages.gradient_differs(k, err, scale))


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread (threadpoolctl, where it is installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the student release does not need it
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _step_close(got, expected, before) -> bool:
    """The student's entries equal an Adam form's, to float32 rounding of the step and the parameter."""
    tolerance = STEP_RTOL * np.abs(expected - before) + PARAM_RTOL * np.abs(before) + ATOL
    with np.errstate(invalid="ignore"):
        ok = (np.abs(got - expected) <= tolerance) | (np.isnan(got) & np.isnan(expected))
    return bool(np.all(ok))


def matmul_seconds(batch_size: int, n_inputs: int, n_hidden: int, n_classes: int, repeats: int = 3) -> float:
    """The time, on this machine now, of the matrix products one training step needs (both
    layers' forward and backward products, float32, one BLAS thread): the best of `repeats`.
    The yardstick of a step's speed, measured in this (trusted) process, under the same load."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch_size, n_inputs), dtype=np.float32)
    w1 = rng.standard_normal((n_inputs, n_hidden), dtype=np.float32)
    w2 = rng.standard_normal((n_hidden, n_classes), dtype=np.float32)
    g = rng.standard_normal((batch_size, n_classes), dtype=np.float32)
    best = float("inf")
    with one_blas_thread():
        for _ in range(repeats):
            started = time.perf_counter()
            a = x @ w1
            _ = a @ w2
            da = g @ w2.T
            _ = a.T @ g
            _ = x.T @ da
            best = min(best, time.perf_counter() - started)
    return best


class Pace:
    """Stops a training that cannot finish within the budget, as soon as that is known, where its
    steps are slow next to `yardstick()` (seconds of the products one step needs, timed now) too."""

    def __init__(self, n_steps: int, budget: float, yardstick=None):
        self.n_steps, self.budget, self.started = n_steps, budget, time.perf_counter()
        self.warmup = warmup_seconds()  # read once, at the start
        self.yardstick, self._fine_until = yardstick, 0.0

    def step_seconds(self) -> float:
        """The time one step may take: no more than the budget left, nor than the warm-up."""
        return max(1.0, min(self.warmup, self.budget - (time.perf_counter() - self.started)))

    def after(self, t: int):
        """After step t: stop if, at the speed measured since the warm-up began, the steps
        left cannot be done within the budget, and a step takes over SLOWER_THAN_PRODUCTS times
        the products it needs on this machine now (else the machine is slow, not the code: the
        budget itself still ends training where it runs out)."""
        now = time.perf_counter()
        elapsed = now - self.started
        if elapsed < self.warmup or elapsed * self.n_steps / t <= self.budget or now < self._fine_until:
            return
        if self.yardstick is None or elapsed / t > SLOWER_THAN_PRODUCTS * self.yardstick():
            raise self.too_slow(t, elapsed, elapsed * self.n_steps / t)
        self._fine_until = time.perf_counter() + RECHECK_SECONDS

    def too_slow(self, done: int, elapsed: float, projected: float | None = None,
                 step_seconds: float | None = None) -> Feedback:
        """Why training stops: `done` steps in `elapsed` s, at the `projected` total; where a step
        outlasted its limit (`step_seconds`), the total is at least every step left taking as long."""
        step_seconds = self.step_seconds() if step_seconds is None else step_seconds
        return Feedback(*messages.training_too_slow(done, self.n_steps, elapsed, self.budget, step_seconds,
                                                    projected))


def side_by_side(beside, main):
    """main() in this thread while beside() runs in another (numpy's products release the GIL);
    returns main()'s value once both have ended, raising what either raised (main's first)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="measure") as pool:
        measured = pool.submit(beside)
        value = main()  # where this raises, leaving the pool still waits for beside
        measured.result()
    return value


def drive(transport, reference, x: np.ndarray, y: np.ndarray, *, budget: float, epochs: int, batch_size: int = 200,
          optimizer: str = "adam", n_hidden: int = 800, seed: int = 0, restore_best_weights: bool = False,
          validation_split: float = 0.2, stop=None, measure=None, verify: bool | None = None,
          secret: int | None = None) -> dict:
    """Train with the student's steps through `transport`, verified, within `budget` seconds.

    Inputs:
    - transport: InSandbox or InProcess
    - reference: what the check compares with; its network gives the initial weights and
      measures validation accuracy, its adam_forms verify the steps (where it has them: the
      student release carries no reference, so its local check does not verify)
    - x (N, D), y (N,): the training set; the other arguments as assignment.training.fit's
    - stop(epoch, params): as run_epochs's: asked at each best-validation-so-far epoch, with
      the parameters this process holds; True ends training there (the check's rule: stop
      once the points are decided)
    - measure(params): what `stop` will read of an epoch's parameters (the check's test accuracy),
      computed beside that epoch's validation in a thread where the transport allows it
      (`beside`), so that it costs no wall time on the core the worker leaves idle between
      epochs; each call is the same computation on the same arrays as it would be alone, so the
      result, and the stop, do not depend on it. Not called where the transport does not allow it.
    - verify: default, where the reference can; secret: the verifier's seed (tests only)

    Returns {"params": the parameters this process holds, "history": History.to_dict()}.
    Raises Feedback when a step is rejected or training cannot finish within the budget.
    """
    if optimizer != "adam":
        raise ValueError("the training check trains with Adam")
    lr = DEFAULT_LEARNING_RATE["adam"]
    (x_tr, y_tr), (x_val, y_val) = split_validation(x, y, validation_split)
    Y_tr = one_hot(y_tr, N_CLASSES, dtype=x.dtype)
    net = reference.network
    params0 = {k: np.asarray(p, dtype=np.float32) for k, p in net.init_params(
        n_inputs=x.shape[1], n_hidden=n_hidden, n_classes=N_CLASSES, seed=seed).items()}
    n_steps = epochs * -(-len(x_tr) // batch_size)
    if verify is None:
        verify = callable(getattr(type(reference), "adam_forms", None))
    verifier = Verifier(reference, params0, n_steps, lr, secret) if verify else None
    transport.begin(params0, lr, validation_split)
    pace = Pace(n_steps, budget, lambda: matmul_seconds(batch_size, x.shape[1], n_hidden, N_CLASSES))

    def steps(t0, batches):
        sent = 0
        try:
            for t, idx in enumerate(batches, start=t0):
                while sent < len(batches) and sent < t - t0 + transport.window:
                    transport.send(t0 + sent, batches[sent])
                    sent += 1
                limit = pace.step_seconds()
                try:
                    reported = transport.receive(t, limit)
                except WorkerError as exc:
                    # the first step too: one that outlasts its limit is slow, and says how slow at least
                    # (the checks before training met the same functions on small inputs and saw them end)
                    if exc.kind == "timeout":
                        raise pace.too_slow(t - 1, time.perf_counter() - pace.started, step_seconds=limit) from None
                    raise
                loss, correct = step_report(t, *reported, len(idx))  # where the step's report enters: checked
                if verifier:
                    verifier.after_step(t, transport.params, transport.grads, x_tr[idx], Y_tr[idx],
                                        next_checked=t + 1 in verifier.gradient_steps)
                pace.after(t)
                yield loss, correct
        finally:
            transport.abort()

    def snapshot():
        if verifier:
            return verifier.held(transport.params)
        return {k: np.array(transport.params[k], copy=True) for k in PARAM_KEYS}

    history = History(params=dict(epochs=epochs, batch_size=batch_size, optimizer=optimizer, learning_rate=lr,
                                  validation_split=validation_split, n_hidden=n_hidden, seed=seed,
                                  n_train=len(x_tr), n_val=len(x_val)))
    def validate(p):
        if measure is not None and transport.beside:
            return side_by_side(lambda: measure(p), lambda: evaluate(net, p, x_val, y_val))
        return evaluate(net, p, x_val, y_val)

    params, history = run_epochs(steps, snapshot, validate if len(x_val) else None,
                                 len(x_tr), history, epochs=epochs, batch_size=batch_size, seed=seed,
                                 restore_best_weights=restore_best_weights, stop=stop)
    return {"params": params, "history": history.to_dict()}
