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


def _not_yet() -> bool:
    print("⏳ Not answered yet: replace the ... with your answer and run the cell again.")
    return False


from .lesson00 import *  # noqa: E402,F401,F403
from .lesson01 import *  # noqa: E402,F401,F403
