"""A small neural network in numpy: fully connected ReLU layers and a softmax.

For an input row ``x`` (64 pixels) and layer sizes ``(64, 32, 10)``::

    h      = relu(x W1 + b1)                 hidden layer, 32 units
    s      = h W2 + b2                       scores, one per class
    p      = softmax(s)                      p_j = exp(s_j) / Σ_k exp(s_k)
    loss   = −(1/N) Σ_i log p_{y_i}          softmax cross-entropy, averaged over the batch

All the parameters live in **one flat float vector** ``params``; the weights and
biases are views into it (:meth:`MLP.unpack`). An optimizer of the course updates
the whole network with one ``opt.step(params, grad)``, exactly as it updates the
linear classifier's ``W``.

Many networks at once: a ``params`` array of shape ``(M, n_params)`` (or any
``(..., n_params)``) holds independent networks, one per row, and every method
accepts it. The matrix products become stacks of products (``np.matmul``
broadcasts over the leading axes), and since the update rules are element-wise,
one optimizer step on the stacked array updates every network as if each had its
own optimizer. That is how the chapters train ten seeds for the price of one
Python loop.
"""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = ["MLP", "softmax_cross_entropy"]


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray):
    """Mean cross-entropy of softmax(``scores``) against labels ``y``, and its gradient.

    ``scores`` has shape ``(..., N, C)`` (a leading axis for stacked networks) and
    ``y`` shape ``(..., N)`` or ``(N,)``. Returns ``(loss, dscores)``: ``loss`` of
    shape ``(...)`` (a float for a single network) and ``dscores = (p − onehot(y)) / N``.

    The largest score is subtracted before ``exp`` (softmax does not change when every
    score moves by the same amount), so large scores cannot overflow.
    """
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    onehot = np.eye(scores.shape[-1])[y]                     # onehot[..., i, y_i] = 1
    n = scores.shape[-2]
    # log p_{y_i} = s_{y_i} − log Σ_k exp(s_k), with the shifted scores
    log_p_true = np.sum(shifted * onehot, axis=-1) - np.log(total[..., 0])
    loss = -log_p_true.mean(axis=-1)
    dscores = exp / total                                    # p = softmax(scores)
    dscores -= onehot
    dscores /= n                                             # (p − onehot(y)) / N
    return (float(loss) if loss.ndim == 0 else loss), dscores


class MLP:
    """A multilayer perceptron: ReLU hidden layers, a linear output, softmax cross-entropy.

    Args:
        sizes: the width of every layer, input first and classes last, e.g.
            ``(64, 32, 10)`` for one hidden layer of 32 units, ``(64, 32, 32, 10)`` for two.

    Example::

        net = MLP((64, 32, 10))
        params = net.init(seed=0)                         # one flat vector
        loss, grad = net.loss_and_grad(params, X, y)      # grad has params' shape
        Adam(lr=1e-3).step(params, grad)
    """

    def __init__(self, sizes):
        try:
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(f"sizes must be a sequence of layer widths, got {sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width, got {sizes!r}")
        for i, n in enumerate(sizes):
            checks.count(f"sizes[{i}]", n)
        self.sizes = tuple(int(n) for n in sizes)
        # Where each layer's W (fan_in x fan_out) and b (fan_out) sit in the flat vector.
        self._slices = []
        start = 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            w = slice(start, start + fan_in * fan_out)
            b = slice(w.stop, w.stop + fan_out)
            self._slices.append((w, b, (fan_in, fan_out)))
            start = b.stop
        self.n_params = start

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, n_params={self.n_params})"

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self._slices)

    # --- parameters -------------------------------------------------------------------

    def weight_mask(self) -> np.ndarray:
        """A boolean vector over ``params``: True for the entries of the weight matrices
        ``W``, False for the biases ``b`` (for parameter groups, :mod:`optim_lib.param_groups`)."""
        mask = np.zeros(self.n_params, dtype=bool)
        for w, _, _ in self._slices:
            mask[w] = True
        return mask

    def _check_params(self, params):
        if not isinstance(params, np.ndarray) or not np.issubdtype(params.dtype, np.floating):
            raise TypeError(f"params must be a float numpy array, got {type(params).__name__}"
                            + (f" of dtype {params.dtype}" if isinstance(params, np.ndarray) else ""))
        if params.ndim < 1 or params.shape[-1] != self.n_params:
            raise ValueError(f"params must have shape ({self.n_params},) or (..., {self.n_params}) "
                             f"for {self!r}, got {params.shape}")

    def unpack(self, params: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The layers' ``(W, b)``, as views into ``params`` (writing to them writes ``params``).

        ``W`` has shape ``(fan_in, fan_out)`` and ``b`` ``(fan_out,)``, with ``params``'
        leading axes in front when it holds several networks.
        """
        self._check_params(params)
        lead = params.shape[:-1]
        return [(params[..., w].reshape(*lead, *shape), params[..., b])
                for w, b, shape in self._slices]

    def init(self, seed=0, n_models: int | None = None) -> np.ndarray:
        """Fresh parameters: He-initialised weights ``N(0, 2/fan_in)`` and zero biases.

        Args:
            seed: an int or a numpy Generator.
            n_models: None for one network (shape ``(n_params,)``), else the number of
                networks stacked along a leading axis, each drawn in turn from ``seed``.
        """
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        if n_models is not None:
            checks.count("n_models", n_models)
            return np.stack([self.init(rng) for _ in range(n_models)])
        params = np.zeros(self.n_params)
        for W, _ in self.unpack(params):
            W[...] = rng.standard_normal(W.shape) * np.sqrt(2.0 / W.shape[0])
        return params

    # --- forward and backward ---------------------------------------------------------

    def _check_data(self, X, y=None):
        X = np.asarray(X)
        if X.ndim < 2 or X.shape[-1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}) or (..., N, {self.sizes[0]}), "
                             f"got {X.shape}")
        if y is not None:
            y = np.asarray(y)
            if y.shape != X.shape[:-1]:
                raise ValueError(f"y must hold one label per row of X, shape {X.shape[:-1]}, "
                                 f"got {y.shape}")
            if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0
                           or y.max() >= self.sizes[-1]):
                raise ValueError(f"y must hold integer labels in [0, {self.sizes[-1]}), got "
                                 f"values from {y.min()} to {y.max()} (dtype {y.dtype})")
        return X, y

    def scores(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The class scores, shape ``(N, C)`` (``(..., N, C)`` for stacked networks)."""
        X, _ = self._check_data(X)
        h = X
        layers = self.unpack(params)
        for W, b in layers[:-1]:
            h = np.maximum(h @ W + b[..., None, :], 0.0)
        W, b = layers[-1]
        return h @ W + b[..., None, :]

    def loss(self, params: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float = 0.0):
        """The mean cross-entropy plus ``reg/2 · ‖params‖²`` (no gradient: cheaper)."""
        reg = checks.nonnegative("reg", reg)
        _, y = self._check_data(X, y)
        loss, _ = softmax_cross_entropy(self.scores(params, X), y)
        return loss + 0.5 * reg * np.sum(params * params, axis=-1) if reg else loss

    def loss_and_grad(self, params: np.ndarray, X: np.ndarray, y: np.ndarray,
                      reg: float = 0.0):
        """Forward pass, then backpropagation, written out layer by layer.

        Returns ``(loss, grad)``: the mean softmax cross-entropy on ``(X, y)`` plus the
        L2 penalty ``reg/2 · ‖params‖²`` (every parameter, biases included), and its
        gradient with ``params``' shape. With stacked networks (``params`` of shape
        ``(..., n_params)``), ``X`` is ``(N, D)`` (the same batch for all) or has leading
        axes that broadcast against ``params``' (one batch per network), and ``loss``
        has ``params``' leading shape.
        """
        reg = checks.nonnegative("reg", reg)
        X, y = self._check_data(X, y)
        layers = self.unpack(params)
        # Forward: keep every layer's input, the backward pass needs them.
        inputs = [X]
        for W, b in layers[:-1]:
            inputs.append(np.maximum(inputs[-1] @ W + b[..., None, :], 0.0))   # relu(h W + b)
        W, b = layers[-1]
        scores = inputs[-1] @ W + b[..., None, :]
        loss, d_out = softmax_cross_entropy(scores, y)           # d loss / d scores

        # Backward: from the scores down to the input, one layer at a time.
        grad = np.zeros_like(params)
        grads = self.unpack(grad)
        for k in range(self.n_layers - 1, -1, -1):
            h = inputs[k]
            dW, db = grads[k]
            dW[...] = np.swapaxes(h, -1, -2) @ d_out             # dL/dW = hᵀ · dL/d(out)
            db[...] = d_out.sum(axis=-2)                         # dL/db = Σ_rows dL/d(out)
            if k > 0:
                d_h = d_out @ np.swapaxes(layers[k][0], -1, -2)  # dL/dh = dL/d(out) · Wᵀ
                d_out = d_h * (h > 0)                            # relu passes where h > 0
        if reg:
            loss = loss + 0.5 * reg * np.sum(params * params, axis=-1)
            grad += reg * params                                 # d(reg/2 ‖θ‖²)/dθ = reg·θ
        return loss, grad

    def permute_hidden(self, params: np.ndarray, order, layer: int = 0) -> np.ndarray:
        """A copy of ``params`` with the units of hidden layer ``layer`` reordered by ``order``.

        Unit ``order[i]`` becomes unit ``i``: its incoming weights and bias move with it, and
        so do its outgoing weights. The network computes exactly the same function, so
        every loss is unchanged: a network's weights are never its only minimum.
        """
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
                or not 0 <= layer < self.n_layers - 1:
            raise ValueError(f"layer must be a hidden layer index in [0, {self.n_layers - 1}), "
                             f"got {layer!r}")
        width = self.sizes[layer + 1]
        order = np.asarray(order)
        if order.shape != (width,) or not np.array_equal(np.sort(order), np.arange(width)):
            raise ValueError(f"order must be a permutation of range({width}), got {order!r}")
        out = params.copy()
        (W_in, b_in), (W_out, _) = self.unpack(out)[layer:layer + 2]
        W_in[...] = W_in[..., order]
        b_in[...] = b_in[..., order]
        W_out[...] = W_out[..., order, :]
        return out

    # --- predictions ------------------------------------------------------------------

    def predict(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The predicted class of every row of ``X`` (the highest score)."""
        return np.argmax(self.scores(params, X), axis=-1)

    def accuracy(self, params: np.ndarray, X: np.ndarray, y: np.ndarray):
        """Share of rows of ``X`` whose predicted class is ``y`` (one per network if stacked)."""
        _, y = self._check_data(X, y)
        acc = np.mean(self.predict(params, X) == y, axis=-1)
        return float(acc) if np.ndim(acc) == 0 else acc
