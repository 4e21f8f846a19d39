# Found by the red team: a backward with no backpropagation, differentiating the student's own
# forward numerically (one forward pass per parameter). Exact on small problems, since forward
# is piecewise linear in every parameter; an honest student who cannot derive backprop gets
# nothing for gradients, so this must not get the 15 points for equalling the reference.
from solution_copy import *  # noqa: F401,F403 - the reference's other functions


def backward(params, cache, dlogits):
    X = cache["X"]
    grads = {}
    for key, value in params.items():
        grad = np.zeros_like(value)
        flat, out = value.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + 1e-5
            up = np.sum(forward(params, X)[0] * dlogits)
            flat[i] = old - 1e-5
            down = np.sum(forward(params, X)[0] * dlogits)
            flat[i] = old
            out[i] = (up - down) / 2e-5
        grads[key] = grad
    return grads
