"""One training path for the GAN lessons 07, 09 and 10: :func:`fit`.

A GAN is written in its lesson as a ``keras.Model`` with its own ``train_step`` (the losses, the
two optimizers, the metric trackers: the lesson's code). :func:`fit` runs it through Keras'
``fit`` with one callback that does what lesson 06's loop does by hand: the progress bar, the
live view (``utils.live``), the per-epoch grid (``utils.grids``), the judge's scores and the
checkpoints (``utils.checkpoints``), with exact resume.
"""
from __future__ import annotations

import math
import time

from . import checks
from .checkpoints import Checkpoints
from .live import LiveView



CHECKPOINTED = ("generator", "discriminator", "generator_ema", "g_optimizer", "d_optimizer")


def fit(gan, dataset, epochs, *, sample_fn=None, metrics_fn=None, panels=None, title="GAN training",
        checkpoint_dir=None, every=1, fresh=False, grid_dir=None, stop_after=None, time_limit=None,
        steps_per_epoch=None, output=None, verbose=True) -> LiveView:
    """Train a GAN written as a ``keras.Model`` with its own ``train_step``:
    Keras' ``gan.fit`` runs the epochs, and one callback does what lesson 06's loop does by hand.

    Before training, the latest checkpoint in ``checkpoint_dir`` is restored (``fresh=True``
    deletes it first), and ``fit`` starts at the epoch after it (``initial_epoch``). After every
    batch the progress bar moves; after every epoch the epoch's means of the train step's metrics
    (the model's ``keras.metrics.Mean`` trackers), the metrics of ``metrics_fn(images)`` on a
    fresh ``sample_fn()`` grid and the epoch's ``seconds`` (training, judging and drawing: the clock of
    ``time_limit``) go into the ``utils.live.LiveView``, and a
    checkpoint is saved every ``every`` epochs and at the end.

    ``gan``: a compiled ``keras.Model``; its attributes among ``generator``, ``discriminator``,
    ``generator_ema``, ``g_optimizer`` and ``d_optimizer`` are what a checkpoint holds (the
    optimizers built). ``dataset``: batches as ``train_step`` takes them. ``epochs``: the run's
    last epoch. ``stop_after``: stop after this epoch, as if the kernel had died (a checkpoint is
    saved). ``time_limit``: seconds; stop at the first batch past it (an equal-time race).
    ``steps_per_epoch``: batches an epoch, for the progress bar (read from the dataset if it
    knows). Returns the closed ``LiveView``: ``history`` (every epoch, a resumed run's earlier
    ones included), ``seconds``, ``initial_epoch``, ``last_epoch``, ``checkpoints``.
    Used by lessons 07, 09 and 10.
    """
    import keras
    import tensorflow as tf

    if not isinstance(gan, keras.Model):
        raise ValueError(f"gan must be a keras.Model with its own train_step; got {type(gan).__name__}.")
    if not getattr(gan, "compiled", getattr(gan, "_is_compiled", False)):
        raise ValueError("gan must be compiled before fit (call gan.compile(), which builds its optimizers); "
                         "got one that is not compiled.")
    if not isinstance(dataset, tf.data.Dataset):
        raise ValueError(f"dataset must be a tf.data.Dataset of batches; got {type(dataset).__name__}.")
    epochs = checks.whole("epochs", epochs, 1)
    if steps_per_epoch is None:
        known = int(dataset.cardinality())
        if known < 1:
            raise ValueError("steps_per_epoch must be given when the dataset does not know its length; got None "
                             f"(the dataset's cardinality is {known}).")
        steps_per_epoch = known
    steps_per_epoch = checks.whole("steps_per_epoch", steps_per_epoch, 1)
    if stop_after is not None:
        stop_after = checks.whole("stop_after", stop_after, 1)
    if time_limit is not None:
        time_limit = checks.number("time_limit", time_limit)
        if not time_limit > 0:
            checks.fail("time_limit", "a number of seconds > 0, or None", time_limit)
    if metrics_fn is not None and (not callable(metrics_fn) or sample_fn is None):
        raise ValueError("metrics_fn must be a function of the sampled images that returns a dict of numbers, "
                         f"and needs sample_fn; got metrics_fn={metrics_fn!r}, sample_fn={sample_fn!r}.")
    ckpt, done, history = None, 0, None
    if checkpoint_dir is not None:
        parts = {name: getattr(gan, name) for name in CHECKPOINTED if getattr(gan, name, None) is not None}
        ckpt = Checkpoints(checkpoint_dir, every=every, fresh=fresh, **parts)
        done = ckpt.restore(verbose=verbose)
        history = ckpt.history
        if done > epochs:
            raise ValueError(f"The checkpoint in {ckpt.folder} is at epoch {done}, past epochs = {epochs} (saved in "
                             "another mode?). Set START_FRESH = True (fresh=True) to start over.")
    view = LiveView(epochs, steps_per_epoch, sample_fn, panels=panels, title=title, grid_dir=grid_dir,
                    initial_epoch=done, history=history, output=output)
    view.checkpoints = ckpt
    if done == epochs:
        view.close()
        return view

    class Monitor(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            view.step()
            if time_limit is not None and time.perf_counter() - view._start >= time_limit:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            epoch += 1                                    # Keras counts from 0, the course from 1
            metrics = {k: float(v) for k, v in (logs or {}).items()}
            if metrics_fn is not None:
                metrics.update(metrics_fn(sample_fn()))
            view.update(epoch, metrics)
            seconds = view.history.setdefault("seconds", [math.nan] * (len(view.epoch_numbers) - 1))
            if len(seconds) == len(view.epoch_numbers):        # update() filled this epoch's in with NaN
                seconds.pop()
            seconds.append(time.perf_counter() - self.start)   # the epoch with its judge and drawing
            stop = epoch == stop_after
            if ckpt is not None:
                ckpt.save(epoch, view.history, force=stop or epoch == epochs or self.model.stop_training)
            if stop:
                self.model.stop_training = True
                print(f"Stopped after epoch {epoch}, as if the kernel had died; last checkpoint: "
                      f"{ckpt.latest if ckpt else None}", flush=True)

    with view:
        gan.fit(dataset, epochs=epochs, initial_epoch=done, callbacks=[Monitor()], verbose=0, shuffle=False)
    return view
