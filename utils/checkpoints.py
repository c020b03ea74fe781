"""Save and resume training: ``tf.train.CheckpointManager`` with an epoch counter.

Lesson 06 drives :class:`Checkpoints` by hand; ``utils.gan.fit`` drives it for lessons 07, 09 and
10. A run that stops (a closed laptop, a Colab disconnect) continues from its last checkpoint.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import checks, storage



class Checkpoints:
    """Save and resume training with ``tf.train.CheckpointManager``. Used by lessons 06 and 10.

    ``Checkpoints(folder, generator=G, discriminator=D, g_optimizer=..., d_optimizer=...)`` tracks
    the given objects (Keras models, built optimizers, ``tf.Variable``) plus an epoch counter.
    :meth:`restore` loads the latest checkpoint in ``folder`` if there is one and returns the
    number of epochs already done (0 for a fresh start); :attr:`history` then holds the metrics
    saved with it. :meth:`save` writes a checkpoint every ``every`` epochs (or when forced) and
    keeps the last ``max_to_keep``. ``fresh=True`` first deletes this helper's old checkpoints in
    ``folder``, to start a run over.

    Any folder name works, also one with ``[ ] * ?`` (TensorFlow reads checkpoint paths as glob
    patterns; such a folder is reached through a plain-named link, see ``utils.storage.tf_path``).
    A damaged latest checkpoint (an interrupted run) is skipped for the one before, with a notice;
    a save that fails (a full disk) prints one line and lets the training go on.
    """

    HISTORY_FILE = "history.json"

    def __init__(self, folder, *, every=1, max_to_keep=3, fresh=False, **objects):
        import tensorflow as tf

        if not isinstance(folder, (str, Path)) or not str(folder).strip():
            raise ValueError(f"folder must be a path (str or Path); got {checks.describe(folder)}.")
        self.folder = Path(folder).expanduser()
        self.every = checks.whole("every", every, 1)
        self.max_to_keep = checks.whole("max_to_keep", max_to_keep, 1)
        fresh = checks.flag("fresh", fresh)
        if not objects:
            raise ValueError("Checkpoints needs the objects to save as keywords, e.g. "
                             "Checkpoints(folder, generator=G, discriminator=D, g_optimizer=opt_g).")
        if "epoch" in objects:
            raise ValueError("'epoch' is the name of the checkpoint's own epoch counter; name your object otherwise.")
        for name, obj in objects.items():
            if not isinstance(obj, tf.__internal__.tracking.Trackable):
                raise ValueError(f"{name} must be something TensorFlow can checkpoint (a Keras model or "
                                 f"optimizer, a tf.Variable, a tf.Module); got {type(obj).__name__}.")
        self.objects = objects
        if fresh:
            self.clear()
        self._tf_folder = storage.tf_path(self.folder)   # the folder as TensorFlow may be given it
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.checkpoint = tf.train.Checkpoint(epoch=self.epoch, **objects)
        self.manager = tf.train.CheckpointManager(self.checkpoint, self._tf_folder, max_to_keep=self.max_to_keep)
        self.history = None
        self._save_error = None

    def clear(self):
        """Delete this helper's files in the folder (ckpt-*, the ``checkpoint`` index, history.json)."""
        if self.folder.is_dir():
            for p in self.folder.iterdir():
                if re.match(r"^ckpt-\d+\.(index|data-\d+-of-\d+)$", p.name) \
                        or p.name in ("checkpoint", self.HISTORY_FILE):
                    p.unlink()

    def _real(self, path):
        """A path TensorFlow returned, in ``folder`` as the student named it (not through the link)."""
        return None if path is None else str(self.folder / Path(path).name)

    @property
    def latest(self):
        """The path prefix of the latest checkpoint (``<folder>/ckpt-<epoch>``), or None."""
        return self._real(self.manager.latest_checkpoint)

    def _check_built(self):
        import keras

        for name, obj in self.objects.items():
            if isinstance(obj, keras.optimizers.Optimizer) and not obj.built:
                raise ValueError(f"{name} is an optimizer that is not built yet, so its state (e.g. Adam's "
                                 f"moments) cannot be restored: call {name}.build(model.trainable_variables) first.")
            if isinstance(obj, keras.Model) and not obj.built:
                raise ValueError(f"{name} is a model that is not built yet: give it an Input or call it once first.")

    def restore(self, verbose=True) -> int:
        """Restore the latest checkpoint if there is one. Returns the epochs already done (0: none).

        A latest checkpoint that cannot be read (damaged by an interrupted run) is skipped for the
        one before it, with a notice; when none can be read, a ``ValueError`` names the folder and
        the fix (``fresh=True``). A checkpoint of other models raises TensorFlow's error."""
        import tensorflow as tf

        verbose = checks.flag("verbose", verbose)
        self._check_built()
        candidates = list(reversed(self.manager.checkpoints))
        if not candidates:
            self.history = None
            if verbose:
                print(f"No checkpoint in {self.folder}: starting at epoch 1.")
            return 0
        damaged = []
        for path in candidates:
            try:   # read every value first: a damaged file fails here, a checkpoint of other models below
                reader = tf.train.load_checkpoint(path)
                for name in reader.get_variable_to_shape_map():
                    reader.get_tensor(name)
            except Exception as error:   # truncated, zeroed or missing files
                damaged.append((Path(path).name, error))
                continue
            status = self.checkpoint.restore(path)
            status.assert_existing_objects_matched()
            break
        else:
            first = damaged[0][1]
            raise ValueError(f"The checkpoints in {self.folder} cannot be restored: they are damaged "
                             f"({type(first).__name__}: {str(first).splitlines()[0][:150]}). Start over with "
                             "fresh=True (START_FRESH = True in the notebook), or delete the folder.")
        if damaged:
            names = ", ".join(name for name, _ in damaged)
            print(f"Checkpoint {names} in {self.folder} is damaged (an interrupted run?); resuming from "
                  f"{Path(path).name} instead.", flush=True)
        epoch = int(self.epoch.numpy())
        self.history = self._read_history(epoch)
        if verbose:
            print(f"Resumed from {self._real(path)}: {epoch} epochs done, continuing at epoch {epoch + 1}.")
        return epoch

    def _read_history(self, epoch):
        """The saved metrics of the first ``epoch`` epochs, or None (a damaged file gives a notice)."""
        history_file = self.folder / self.HISTORY_FILE
        if not history_file.is_file():
            return None
        try:
            saved = json.loads(history_file.read_text(encoding="utf-8"))
            history = saved["history"]
            if not isinstance(history, dict) or not all(isinstance(v, list) for v in history.values()):
                raise ValueError("no metric lists")
        except (OSError, ValueError, KeyError, TypeError) as error:
            # a damaged history only loses the curves, not the weights
            print(f"{history_file} is damaged ({type(error).__name__}); the curves of the epochs before "
                  "this run are lost, the weights are not.", flush=True)
            return None
        if saved.get("epoch") == epoch:
            return history
        if isinstance(saved.get("epoch"), int) and saved["epoch"] > epoch \
                and all(len(v) == saved["epoch"] for v in history.values()):
            return {k: v[:epoch] for k, v in history.items()}   # resumed from an older checkpoint
        return None

    def save(self, epoch, history=None, *, force=False):
        """Save a checkpoint for ``epoch`` (epochs done) when it is a multiple of ``every``, or when
        ``force``; ``history`` (a dict of metric lists, e.g. ``utils.live.LiveView.history``) is saved with it.
        Returns the checkpoint's path, or None when it skipped this epoch. A save that fails (a
        full disk, a folder that vanished) prints one line, returns None and training goes on."""
        import tensorflow as tf

        epoch = checks.whole("epoch", epoch, 0)
        force = checks.flag("force", force)
        if history is not None:
            if not isinstance(history, dict) or not all(isinstance(k, str) and isinstance(v, (list, tuple))
                                                        for k, v in history.items()):
                raise ValueError(f"history must be a dict {{metric: [values]}} or None; got {checks.describe(history)}.")
            history = {k: [checks.number(f"history[{k!r}]", x, finite=False) for x in v] for k, v in history.items()}
        if not force and epoch % self.every:
            return None
        self.epoch.assign(epoch)
        try:
            path = self.manager.save(checkpoint_number=epoch)
            if history is not None:
                with storage.atomic_path(self.folder / self.HISTORY_FILE) as temporary:
                    temporary.write_text(json.dumps({"epoch": epoch, "history": history}), encoding="utf-8")
        except (OSError, tf.errors.OpError) as error:
            if self._save_error is None:
                reason = storage._reason(error) if isinstance(error, OSError) else str(error).splitlines()[0][:150]
                print(f"Could not save the checkpoint of epoch {epoch} in {self.folder} ({reason}); training goes "
                      "on, but cannot resume from here. Set C2G_OUTPUT_DIR to a folder with room.", flush=True)
            self._save_error = error
            return None
        return self._real(path)
