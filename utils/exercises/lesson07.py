"""Lesson 07 checkers (CGAN): the optimal conditional discriminator under label smoothing, the
conditional discriminator's loss, and a generator that concatenates the label embedding with the
noise instead of multiplying."""
from __future__ import annotations

import numpy as np

from . import _mean_loss_from, _not_yet, _unanswered, _value_verdict, _verdict

__all__ = ["ex07_conditional_optimal_d", "ex07_d_loss", "ex07_concat_generator"]

REAL_LABEL = 0.9   # the notebook's one-sided label smoothing
NOISE_DIM, EMBED_DIM = 100, 50
BODY_UNITS = (256, 512, 1024, 784)   # section 2's dense layers after the joined input


# --- exercise 1: the optimal conditional discriminator ---------------------------------------------
def ex07_conditional_optimal_d(answer, p_1: float = 0.5, q_1: float = 0.2, p_7: float = 0.1,
                               q_7: float = 0.6) -> bool:
    """Lesson 07, exercise 1: one image x, judged with label 1 and with label 7. The real digits of
    each label have densities ``p_1`` = p(x | 1) and ``p_7`` = p(x | 7) at x, the generator's
    ``q_1``, ``q_7``. With real target 0.9, the best conditional discriminator is
    D*(x | y) = 0.9 p(x | y) / (p(x | y) + q(x | y)). ``answer`` is the pair (D*(x | 1), D*(x | 7)),
    to at least three decimals."""
    if _unanswered(answer) or (isinstance(answer, (tuple, list)) and any(_unanswered(a) for a in answer)):
        return _not_yet()
    try:
        values = np.asarray(answer, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give two numbers, (D*(x | 1), D*(x | 7)); got {answer!r}.")
    if values.shape != (2,):
        return _verdict(False, "", f"give two numbers, (D*(x | 1), D*(x | 7)); got {values.size}.")
    best = lambda p, q: REAL_LABEL * p / (p + q)
    truth = np.array([best(p_1, q_1), best(p_7, q_7)])
    close = lambda other: bool(np.all(np.abs(values - np.asarray(other, dtype="float64")) <= 5e-4))
    pooled = best(p_1 + p_7, q_1 + q_7)      # the unconditional D*: both labels' densities added
    hint = ("for each label on its own, D*(x | y) = 0.9 · p(x | y) / (p(x | y) + q(x | y)), "
            "to at least three decimals.")
    if close([p_1 / (p_1 + q_1), p_7 / (p_7 + q_7)]):
        hint = "that is D* without smoothing; with real targets 0.9 the top is 0.9 · p(x | y)."
    elif close([pooled, pooled]):
        hint = ("that is an unconditional discriminator, which sees only x and pools both labels. A CGAN's D "
                "also gets y, so it uses each label's own densities.")
    elif close(truth[::-1]):
        hint = "you swapped the two: label 1 has p = {p_1} and q = {q_1}.".format(p_1=p_1, q_1=q_1)
    elif close([REAL_LABEL * p_1 / (REAL_LABEL * p_1 + q_1), REAL_LABEL * p_7 / (REAL_LABEL * p_7 + q_7)]):
        hint = "the real samples' 0.1 share of target 0 counts too, so the bottom is p + q, not 0.9·p + q."
    elif close([0.5, 0.5]) or close([0.45, 0.45]):
        hint = "that is the equilibrium value, where p = q; here p and q differ."
    elif close(1 - truth):
        hint = "D is the probability that (x, y) is *real*: p(x | y) belongs on top."
    elif np.all(np.abs(values - truth) <= 1e-2):
        hint = "close, but give at least three decimals (truncating to two is not enough)."
    return _verdict(close(truth),
                    f"D*(x | 1) = {truth[0]:.3f} and D*(x | 7) = {truth[1]:.3f}: one image, two verdicts. An "
                    f"unconditional D would give both {pooled:.3f}.", hint)


# --- exercise 2: the conditional discriminator's loss -----------------------------------------------
def _toy_discriminator():
    """A small conditional discriminator with fixed weights, as section 2's: the flattened image
    times an embedding of the label, then one logit. Its verdict depends strongly on the label."""
    import keras
    from keras import layers

    x = keras.Input((28, 28, 1))
    y = keras.Input((), dtype="int32")
    e = layers.Embedding(10, 784, embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0, seed=71))(y)
    h = layers.Multiply()([layers.Flatten()(x), e])
    logit = layers.Dense(1, kernel_initializer=keras.initializers.RandomNormal(stddev=0.08, seed=72),
                         bias_initializer=keras.initializers.Constant(0.3))(h)
    return keras.Model([x, y], logit)


def _bce(target, logits) -> float:
    """keras.losses.BinaryCrossentropy(from_logits=True) for one target value, in float64."""
    a = np.asarray(logits, dtype="float64")
    return float(np.mean(target * np.logaddexp(0.0, -a) + (1 - target) * np.logaddexp(0.0, a)))


def ex07_d_loss(fn) -> bool:
    """Lesson 07, exercise 2: ``fn(discriminator, real, real_labels, fake, fake_labels)`` is the
    conditional discriminator's loss of the train step: real images judged with their own labels
    (target 0.9), fakes judged with the labels they were made for (target 0), the two binary
    cross-entropies added. Called on a small conditional discriminator and on batches whose real
    and fake labels differ, and compared with ``keras.losses.BinaryCrossentropy``."""
    import keras
    import tensorflow as tf

    if _unanswered(fn):
        return _not_yet()
    rng = np.random.default_rng(7)
    real = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (16, 28, 28, 1)), tf.float32)
    real_labels = rng.integers(0, 10, 16)
    fake_labels = (real_labels + rng.integers(1, 10, 16)) % 10          # never the real label
    real_labels, fake_labels = tf.constant(real_labels, tf.int32), tf.constant(fake_labels, tf.int32)
    discriminator = _toy_discriminator()
    value, verdict = _mean_loss_from(fn, discriminator, real, real_labels, fake, fake_labels)
    if verdict is not None:
        return verdict
    D = lambda x, y: discriminator([x, y], training=True).numpy()
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    real_logits, fake_logits = D(real, real_labels), D(fake, fake_labels)
    truth = float(bce(np.full_like(real_logits, REAL_LABEL), real_logits) + bce(np.zeros_like(fake_logits), fake_logits))
    wrong = {
        "each fake is judged with the label it was made for (fake_labels), not the real batch's labels: "
        "'is this a real image *of this digit*?'": _bce(REAL_LABEL, real_logits) + _bce(0.0, D(fake, real_labels)),
        "the labels are swapped: real images go with real_labels, fakes with fake_labels.":
            _bce(REAL_LABEL, D(real, fake_labels)) + _bce(0.0, D(fake, real_labels)),
        "the real target is smoothed to 0.9 (REAL_LABEL), not 1.": _bce(1.0, real_logits) + _bce(0.0, fake_logits),
        "the smoothing is one-sided: fakes keep target 0.": _bce(REAL_LABEL, real_logits) + _bce(0.1, fake_logits),
        "real and fake targets are swapped: real images get 0.9, fakes 0.":
            _bce(0.0, real_logits) + _bce(REAL_LABEL, fake_logits),
        "the train step adds the two terms; this is their mean.": (_bce(REAL_LABEL, real_logits) + _bce(0.0, fake_logits)) / 2,
        "the fakes' term is missing: D must also learn to reject fakes.": _bce(REAL_LABEL, real_logits),
        "the real images' term is missing: D must also accept real pairs.": _bce(0.0, fake_logits),
    }
    return _value_verdict(value, truth, wrong,
                          "L_D = BCE(0.9, D(x | y)) + BCE(0, D(G(z | y) | y)): each image judged with its own "
                          "label, as in the train step.",
                          "call discriminator([images, labels], training=True) for each batch with its own labels, "
                          "then add BCE(target 0.9) on the real logits and BCE(target 0) on the fake ones.")


# --- exercise 3: a generator that concatenates -------------------------------------------------------
# Layers and ops that only reshape or retype a tensor (Activation counts when linear).
_PASS_THROUGH = {"Reshape", "Flatten", "Squeeze", "ExpandDims", "Identity", "Cast", "Activation"}


def _source(tensor):
    """The operation that made ``tensor`` and its node, or (None, None) outside a Keras graph."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, None
    op = history.operation
    nodes = getattr(op, "_inbound_nodes", [])
    return op, (nodes[history.node_index] if history.node_index < len(nodes) else None)


def _is_pass_through(op) -> bool:
    name = type(op).__name__
    if name == "Activation":
        return getattr(getattr(op, "activation", None), "__name__", "") == "linear"
    return name in _PASS_THROUGH


def _trace(tensor):
    """Follow ``tensor`` back through shape-only layers (Flatten, Reshape, ...) to the operation that
    computed it; returns (operation, node)."""
    op, node = _source(tensor)
    while op is not None and node is not None and _is_pass_through(op) and len(node.input_tensors) == 1:
        op, node = _source(node.input_tensors[0])
    return op, node


def _graph_nodes(model):
    """Every (operation, node) of a functional model's own graph, found from its outputs backwards."""
    seen, found, todo = set(), [], list(model.outputs)
    while todo:
        op, node = _source(todo.pop())
        if op is None or node is None or id(node) in seen:
            continue
        seen.add(id(node))
        found.append((op, node))
        todo.extend(node.input_tensors)
    return found


def _all_layers(model):
    """The layers of ``model`` and of the models inside it, in order."""
    out = []
    for layer in getattr(model, "layers", []):
        out.append(layer)
        out.extend(_all_layers(layer))
    return out


def _activation_name(op) -> str:
    if type(op).__name__.lower() == "tanh":   # keras.ops.tanh
        return "tanh"
    return getattr(getattr(op, "activation", None), "__name__", "")


def _last_activation(model) -> str:
    """The activation of the last layer that computes something (shape-only layers skipped)."""
    op, _ = _trace(model.outputs[0])
    while op is not None and hasattr(op, "layers") and op.layers:    # a model inside: its last layers
        inner = [layer for layer in op.layers if not _is_pass_through(layer) and type(layer).__name__ != "InputLayer"]
        if not inner:
            break
        op = inner[-1]
    return _activation_name(op) if op is not None else ""


def ex07_concat_generator(build) -> bool:
    """Lesson 07, exercise 3: ``build()`` returns section 2's generator with the noise and a label
    embedding **concatenated** instead of multiplied: inputs ``[noise (N, 100), labels (N,)]``; a
    ``Concatenate`` whose inputs are the noise input itself and ``Embedding(10, 50)`` of the label
    input (shape-only layers such as Flatten may sit in between), 150 numbers wide; the dense body
    256 -> 512 -> 1024 -> 784; a tanh output of shape (N, 28, 28, 1); and outputs that change with
    the label for the same noise. The checks read the model's Keras graph."""
    if _unanswered(build):
        return _not_yet()
    if not callable(build):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    import keras
    import tensorflow as tf

    try:
        model = build()
    except Exception as error:  # the student's code raised: say what happened
        hint = f"build() raised {type(error).__name__}: {error}."
        if "not connected" in str(error):   # Keras up to 3.13 refuses an Input that does not reach the output
            hint += (" An input of your model does not reach its output: the label input must go through the "
                     "Embedding, and the noise (not the noise's embedding) into the Concatenate.")
        return _verdict(False, "", hint)
    if model is None:
        return _not_yet()
    if not isinstance(model, keras.Model):
        return _verdict(False, "", f"build() must return a keras.Model; got {type(model).__name__}.")
    if len(getattr(model, "inputs", None) or []) != 2:
        return _verdict(False, "", "the generator takes two inputs, keras.Model([noise, label], image); yours takes "
                                   f"{len(getattr(model, 'inputs', None) or [])}.")
    z = tf.random.normal((4, NOISE_DIM), seed=1)
    try:
        out_a = model([z, tf.constant([3, 3, 3, 3])], training=False).numpy()
        out_b = model([z, tf.constant([8, 8, 8, 8])], training=False).numpy()
    except Exception as error:  # wrong input shapes, dtypes, ...
        return _verdict(False, "", f"calling it on [noise (4, 100), labels (4,)] raised {type(error).__name__}: {error}.")
    if out_a.shape != (4, 28, 28, 1):
        return _verdict(False, "", f"the output must be images (N, 28, 28, 1); got {out_a.shape}.")

    kinds = {type(layer).__name__ for layer in _all_layers(model)}
    nodes = _graph_nodes(model)
    joins = [(op, node) for op, node in nodes if type(op).__name__ == "Concatenate"]
    if not joins:
        if "Multiply" in kinds:
            return _verdict(False, "", "your generator still multiplies; join the noise and the label embedding "
                                       "with layers.Concatenate() instead.")
        if "Concatenate" in kinds:
            return _verdict(False, "", "the Concatenate sits inside a sub-model; put it in the generator itself, "
                                       "where it can see both inputs.")
        return _verdict(False, "", "no layers.Concatenate found: join the noise and the label embedding with it.")
    if len(joins) > 1:
        return _verdict(False, "", f"one Concatenate is enough (yours has {len(joins)}): [noise, embedding(label)].")
    (join, node), = joins
    noise_op, _ = _source(model.inputs[0])
    label_op, _ = _source(model.inputs[1])
    parts = []
    for tensor in node.input_tensors:
        op, inner = _trace(tensor)
        if op is noise_op:
            parts.append("noise")
        elif type(op).__name__ == "Embedding":
            source, _ = _trace(inner.input_tensors[0]) if inner is not None and inner.input_tensors else (None, None)
            parts.append("embedding(label)" if source is label_op else
                         "embedding(noise)" if source is noise_op else "embedding(?)")
        elif op is label_op:
            parts.append("label")
        else:
            parts.append(type(op).__name__ if op is not None else "?")
    if sorted(parts) != ["embedding(label)", "noise"]:
        hints = {
            "label": "you concatenated the raw label (one whole number); look it up in layers.Embedding(10, 50) "
                     "first, so each digit gets a learned vector.",
            "embedding(noise)": "the embedding must look up the *label* input, not the noise.",
            "embedding(?)": "the embedding must look up the label input of this model (keras.Model([noise, label], ...)).",
        }
        why = next((hints[p] for p in parts if p in hints), None)
        if why is None and parts.count("noise") > 1:
            why = "you concatenated the noise with itself; join the noise with the label's embedding: [z, e_y]."
        if why is None:
            why = ("the Concatenate must join exactly two tensors: the noise input itself and "
                   "layers.Embedding(10, 50)(label) (a Flatten in between is fine); yours joins "
                   f"{', '.join(parts)}.")
        return _verdict(False, "", why)
    width = node.output_tensors[0].shape[-1]
    if width != NOISE_DIM + EMBED_DIM:
        return _verdict(False, "", f"the joined input should be {NOISE_DIM} + {EMBED_DIM} = {NOISE_DIM + EMBED_DIM} "
                                   f"numbers wide (an embedding of {EMBED_DIM}); yours is {width}.")
    units = tuple(layer.units for layer in _all_layers(model) if type(layer).__name__ == "Dense")
    if units != BODY_UNITS:
        return _verdict(False, "", "keep section 2's body after the join: Dense 256, 512, 1024, then 784 "
                                   f"(batch normalization and LeakyReLU in between); your dense layers: {units}.")
    if _last_activation(model) != "tanh" or out_a.min() < -1 - 1e-6 or out_a.max() > 1 + 1e-6:
        return _verdict(False, "", "the images are in [-1, 1] like the training digits: end with "
                                   "Dense(784, activation='tanh') before the Reshape.")
    if np.allclose(out_a, out_b):
        return _verdict(False, "", "the output does not change with the label: does the embedding reach the Dense layers?")
    return _verdict(True, "the generator joins [z, Embedding(10, 50)(y)] (150 numbers), so its first Dense layer has "
                          "150 inputs: shared weights for z, a learned bias for each label.", "")
