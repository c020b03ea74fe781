"""Exercise checkers, one module a lesson. Each returns True or False and prints a short verdict.

An answer left as ``None`` or ``...`` counts as "not answered yet" (False, no error), so a
notebook with open exercises still runs top to bottom. Solution cells ``assert`` the checker.
Each checker's name starts with its lesson's number (``ex01_...``), and ``utils.exercises``
exposes them all, so notebooks call ``utils.exercises.ex01_output_size(...)``.
"""
from __future__ import annotations


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def _verdict(ok: bool, good: str, hint: str) -> bool:
    print(("✅ Correct: " + good) if ok else ("❌ Not yet: " + hint))
    return bool(ok)


def _close(a: float, b: float) -> bool:
    """Equal up to float32 rounding: how the loss checkers compare a student's number with the truth."""
    import math

    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5)


def _value_verdict(value: float, truth: float, wrong: dict, good: str, fallback: str) -> bool:
    """The verdict for a computed number: correct if it is ``truth``; otherwise the hint of the first
    plausible mistake in ``wrong`` (hint -> the value that mistake gives) that it matches, else ``fallback``."""
    if _close(value, truth):
        return _verdict(True, good, "")
    return _verdict(False, "", next((hint for hint, other in wrong.items() if _close(value, other)), fallback))


def _not_yet() -> bool:
    print("⏳ Not answered yet: replace the ... with your answer and run the cell again.")
    return False


def _whole_number_verdict(answer, truth: int, good: str, hint: str) -> bool:
    """The verdict for an answer that should be the whole number ``truth``."""
    if _unanswered(answer):
        return _not_yet()
    try:
        ok = float(answer) == truth
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a whole number, not {answer!r}.")
    return _verdict(ok, good, hint)


def _output_of(fn, *args, where: str = ""):
    """Call a student's function on ``args``. Returns ``(output, None)``, the output as a NumPy
    value, or ``(None, verdict)`` when there is nothing to check: not answered, not a function, it
    raised (``where`` names the test case), or it returned None. Used by lessons 01, 04, 06 and 07."""
    import numpy as np

    if _unanswered(fn):
        return None, _not_yet()
    if not callable(fn):
        return None, _verdict(False, "", "pass your function itself (its name, without parentheses).")
    try:
        out = fn(*args)
    except Exception as error:  # the student's code raised: say what happened
        return None, _verdict(False, "", f"your function raised {type(error).__name__}: {error}{where}.")
    if out is None:
        return None, _not_yet()
    return np.asarray(out.numpy() if hasattr(out, "numpy") else out), None


def _mean_loss_from(fn, *args):
    """Call a student's loss function on ``args``. Returns ``(value, None)`` with the loss as a
    float, or ``(None, verdict)`` when there is nothing to check (see :func:`_output_of`) or it
    returned something that is not one number. Used by lessons 04 and 06."""
    out, verdict = _output_of(fn, *args)
    if verdict is not None:
        return None, verdict
    try:
        return float(out), None
    except (TypeError, ValueError):
        return None, _verdict(False, "", "return one number: the mean loss over the batch.")


from .lesson00 import *  # noqa: E402,F401,F403
from .lesson01 import *  # noqa: E402,F401,F403
from .lesson02 import *  # noqa: E402,F401,F403
from .lesson03 import *  # noqa: E402,F401,F403
from .lesson04 import *  # noqa: E402,F401,F403
from .lesson05 import *  # noqa: E402,F401,F403
from .lesson06 import *  # noqa: E402,F401,F403
from .lesson07 import *  # noqa: E402,F401,F403
from .lesson08 import *  # noqa: E402,F401,F403
from .lesson09 import *  # noqa: E402,F401,F403
from .lesson10 import *  # noqa: E402,F401,F403
