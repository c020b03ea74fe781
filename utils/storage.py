"""Writing files where students run the course: folders that may not be writable, files written
whole or not at all, paths with characters that tools read as patterns, files that may be damaged.

- :func:`writable_folder`: a folder the course may write to, or a temporary one (said in one line),
  or an error that names the environment variable choosing it (``C2G_OUTPUT_DIR``,
  ``C2G_CACHE_DIR``). Used by ``utils.output_dir``.
- :func:`atomic_path`: write through a temporary file in the same folder, then ``os.replace``; an
  interrupted save leaves the old file (or none), never half a file. Used for samples, grids,
  GIFs, the checkpoint history, the judge and saved models.
- :func:`tf_path`: a path TensorFlow's checkpoint code can use for a folder whose name holds
  ``[ ] * ? \\`` (TensorFlow reads checkpoint paths as glob patterns).
- :func:`keras_filepath`: a path for ``keras.callbacks.ModelCheckpoint``, which formats its path
  with ``str.format`` (braces in a folder name would break it). Used by lesson 02.
- :func:`save_model` and :func:`load_model`: a Keras model saved atomically, and loaded with a
  one-line notice (``required=False``) or a clear error when the file is missing or damaged.

Used by lessons 02-10 through ``utils.output_dir``, the GAN modules and ``utils.judge``.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from . import checks

GLOB_CHARACTERS = "[]*?\\"   # what TensorFlow's file matching reads as a pattern
_told: set = set()           # notices already printed in this process


def notice(message: str, key=None) -> None:
    """Print ``message`` (one line), once per process for each ``key`` (default: the message)."""
    key = message if key is None else key
    if key not in _told:
        _told.add(key)
        print(message, flush=True)


def _reason(error: BaseException) -> str:
    """A short reason from an OSError: 'Read-only file system', 'Permission denied', ..."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {error}"


def can_write(folder) -> bool:
    """True when a file can be created in the existing folder ``folder`` (found by trying, because
    permission bits do not tell the whole story: read-only mounts, root, network drives)."""
    folder = checks.path("folder", folder)
    try:
        handle, name = tempfile.mkstemp(prefix=".c2g-write-test-", dir=folder)
    except OSError:
        return False
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return True


def _problem(folder: Path, create: bool) -> str | None:
    """None when ``folder`` is (or can be made) a writable folder, else what is wrong with it."""
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            return "a file is in the way"
        except OSError as error:
            return _reason(error)
        return None if can_write(folder) else "it cannot be written"
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return "no such drive"
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file"
    return None if can_write(probe) else "it cannot be written"


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def writable_folder(folder, *, variable: str, explicit: bool = False, fallback: str | None = None,
                    create: bool = True) -> Path:
    """``folder`` if the course can write there; otherwise a fallback or an error.

    ``variable``: the environment variable that chooses this folder (named in every message).
    ``explicit``: the folder came from that variable, so a failure is an error (the student asked
    for this very folder); otherwise, with ``fallback`` (a folder name), the course writes to
    ``<temporary folder>/<fallback>-<user>`` instead and says so in one line, once.
    ``create``: make the folder (with ``create=False`` it is only checked that it could be made).
    Raises ``ValueError`` naming ``variable`` when no folder can be used.
    """
    checks.text("variable", variable, empty=False)
    folder = checks.path("folder", folder).expanduser()
    problem = _problem(folder, create)
    if problem is None:
        return folder
    if explicit or fallback is None:
        raise ValueError(f"{variable}={str(folder)!r} cannot be used ({problem}); it must be a folder you can "
                         f"write to: set {variable} to one, or unset it.")
    spare = Path(tempfile.gettempdir()) / f"{fallback}-{_user()}"
    spare_problem = _problem(spare, create)
    if spare_problem is not None:
        raise ValueError(f"Cannot write to {folder} ({problem}) nor to {spare} ({spare_problem}): "
                         f"set {variable} to a folder you can write to.")
    notice(f"Cannot write to {folder} ({problem}); writing to {spare} instead. "
           f"Set {variable} to choose another folder.", key=("fallback", str(folder)))
    return spare


@contextlib.contextmanager
def atomic_path(path):
    """``with atomic_path(target) as tmp: write(tmp)``: write to a temporary file next to
    ``target`` (same folder, same suffix, so writers that go by the suffix still work), then
    replace ``target`` with it in one step. On any error (or an interrupt) the temporary file is
    removed and ``target`` is left as it was."""
    target = checks.path("path", path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the suffix in lower case: writers that go by it, or add their own when it is missing (np.savez
    # adds ".npz" to "x.NPZ"), then write the temporary file itself, whatever the target's case
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.partial-", suffix=target.suffix.lower(), dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def tf_path(folder) -> str:
    """A path to ``folder`` that TensorFlow's checkpoint code can use.

    TensorFlow finds checkpoint files with glob patterns, so a folder whose path holds
    ``[ ] * ? \\`` breaks resuming and ``max_to_keep``. For such a folder this returns a link with a
    plain name in the temporary folder (the same link for the same folder, in every session), or
    failing that a relative path without those characters; else it raises a ``ValueError`` that
    says which characters and how to avoid them. Other folders come back unchanged.
    """
    folder = checks.path("folder", folder).expanduser().absolute()
    text = str(folder)
    if not any(c in text for c in GLOB_CHARACTERS):
        return text
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot make the checkpoint folder {text} ({_reason(error)}); set C2G_OUTPUT_DIR "
                         "to a folder you can write to.") from error
    real = os.path.realpath(folder)
    links = Path(tempfile.gettempdir()) / f"conv2gan-paths-{_user()}"
    link = links / hashlib.sha256(real.encode("utf-8")).hexdigest()[:16]
    if not any(c in str(link) for c in GLOB_CHARACTERS):
        try:
            links.mkdir(parents=True, exist_ok=True)
            if not (link.is_symlink() and os.readlink(link) == real):
                with contextlib.suppress(FileNotFoundError):
                    link.unlink()
                os.symlink(real, link, target_is_directory=True)
            return str(link)
        except OSError:   # no symbolic links (e.g. Windows without developer mode)
            pass
    with contextlib.suppress(ValueError):   # another drive on Windows
        relative = os.path.relpath(real)
        if not any(c in relative for c in GLOB_CHARACTERS):
            return relative
    bad = "".join(sorted({c for c in text if c in GLOB_CHARACTERS}))
    raise ValueError(f"TensorFlow reads checkpoint paths as patterns, and {text} contains {bad!r}. "
                     "Set C2G_OUTPUT_DIR to a folder whose path has none of [ ] * ? \\ (or rename the folder).")


def keras_filepath(path) -> str:
    """``path`` as a string for ``keras.callbacks.ModelCheckpoint``, which fills in ``{epoch}`` and
    the like with ``str.format``: braces that are part of the folder name are doubled. Used by lesson 02."""
    return str(checks.path("path", path)).replace("{", "{{").replace("}", "}}")


def save_model(model, path) -> Path:
    """``model.save(path)`` through a temporary file, so an interrupted save never leaves half a
    ``.keras`` file for the next lesson to trip on. Returns the path. Used by :func:`utils.judge.get_judge`,
    and meant for every model a notebook saves for another lesson. Used by lesson 02."""
    target = checks.path("path", path, suffix=".keras")
    if target.suffix != ".keras":   # Keras reads back only the lower-case ending
        raise ValueError(f"path must end in .keras, in lower case (Keras cannot load {target.suffix!r}); got {str(target)!r}.")
    if not hasattr(model, "save"):
        checks.fail("model", "a Keras model", model)
    with atomic_path(target) as temporary:
        model.save(temporary)
    return target


def _made_by(path: Path) -> str:
    """' (written by notebook 07_cgan)' when the file sits in a lesson's output folder, else ''."""
    name = path.parent.name
    return f" (written by notebook {name})" if name[:2].isdigit() and name[2:3] == "_" else ""


def load_model(path, *, required: bool = True, **kwargs):
    """``keras.models.load_model(path)`` that says what is wrong with a missing or damaged file.

    With ``required=False`` a missing or unreadable file gives a one-line notice and None, so a
    lesson that only compares with it goes on. With ``required=True`` it raises a ``ValueError``
    (``FileNotFoundError`` when missing, as every loader of the package does) that names the file and the fix. ``kwargs`` go to
    ``load_model`` (e.g. ``compile=False``). Meant for a notebook that reads another lesson's saved model.
    Used by lessons 02 and 03.
    """
    import keras

    target = checks.path("path", path)
    required = checks.flag("required", required)
    made_by = _made_by(target)
    if target.exists() and not target.is_file():
        message = f"{target}{made_by} is a folder, not a saved model. Delete it and run the lesson that saves it again."
        if required:
            raise ValueError(message)
        notice(message, key=("damaged", str(target)))
        return None
    if not target.is_file():
        message = f"No saved model at {target}{made_by}: run {target.parent.name if made_by else 'the lesson that saves it'} first."
        if required:
            raise FileNotFoundError(message)
        notice(message, key=("missing", str(target)))
        return None
    try:
        return keras.models.load_model(target, **kwargs)
    except Exception as error:
        message = (f"The saved model {target}{made_by} is damaged or from another version "
                   f"({type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}). "
                   "Delete it and run the lesson that saves it again.")
        if required:
            raise ValueError(message) from error
        notice(message, key=("damaged", str(target)))
        return None
