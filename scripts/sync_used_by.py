"""Rewrite the "Used by lesson NN" notes in utils' docstrings from the notebooks that call each name.

    python scripts/sync_used_by.py          # rewrite the notes
    python scripts/sync_used_by.py --check  # list what would change; exit 1 if anything would

tests/test_used_by.py fails while a note and the notebooks disagree; this script is the fix. A note
is the sentence "Used by lesson(s) ..." in a public function's or class's docstring; the lessons are
the notebooks whose code calls ``utils.<module>.<name>`` (or ``utils.<name>`` for re-exported names).
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_used_by import callers, lessons_named  # noqa: E402

NOTE = re.compile(r"Used by (?:every lesson|lessons?)\b[^.]*?(?:\.(?=\s|$)|$)", re.S)


def phrase(numbers: set[str]) -> str:
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"Used by lesson {numbers[0]}."
    return f"Used by lessons {', '.join(numbers[:-1])} and {numbers[-1]}."


def sync(check: bool = False) -> list[str]:
    changed = []
    for path in sorted((ROOT / "utils").rglob("*.py")):
        if "exercises" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        edits = []
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith("_"):
                continue
            doc = ast.get_docstring(node, clean=False)
            if not doc or not node.body or not isinstance(node.body[0], ast.Expr):
                continue
            actual = callers(module, node.name)
            named = lessons_named(doc)
            if (named or set()) == actual:
                continue
            const = node.body[0].value
            start = _offset(text, const.lineno, const.col_offset)
            end = _offset(text, const.end_lineno, const.end_col_offset)
            literal = text[start:end]
            quote = literal[-3:]
            body = literal[3:-3]
            flat = " ".join(body.split())
            if NOTE.search(body.replace("\n", " ")) or NOTE.search(flat):
                new_body = _replace_note(body, phrase(actual) if actual else "")
            else:
                new_body = _append(body, phrase(actual), node.col_offset + 4)
            edits.append((start, end, quote + new_body + quote))
            changed.append(f"{module}.{node.name}: {sorted(named or [])} -> {sorted(actual)}")
        if edits and not check:
            for start, end, new in sorted(edits, reverse=True):
                text = text[:start] + new + text[end:]
            path.write_text(text, encoding="utf-8")
    return changed


def _append(body: str, note: str, indent: int, width: int = 110) -> str:
    """The docstring body with the note after its last sentence, on a line of its own if too long."""
    trailing = body[len(body.rstrip()):]
    text = body.rstrip()
    last = text.splitlines()[-1] if text else ""
    start = indent + 3 if "\n" not in text else 0   # a one-line docstring starts after the quotes
    if start + len(last) + 1 + len(note) + 3 <= width:
        return text + " " + note + trailing
    return text + "\n" + " " * indent + note + (trailing if trailing.strip(" ") else "")


def _offset(text: str, line: int, col: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(x) for x in lines[:line - 1]) + len(lines[line - 1].encode("utf-8")[:col].decode("utf-8"))


def _replace_note(body: str, new: str) -> str:
    # The note may wrap over lines: match it with any whitespace between its words.
    words = re.compile(r"Used\s+by\s+(?:every\s+lesson|lessons?)\b(?:[^.]|\.(?!\s|$))*\.?", re.S)
    result = words.sub(new, body, count=1)
    result = re.sub(r"(?<=\S)  +(?=\S)", " ", re.sub(r"[ \t]+\n", "\n", result))
    return re.sub(r"(?<=\S)[ \t]+$", "", result)


if __name__ == "__main__":
    check = "--check" in sys.argv[1:]
    changes = sync(check=check)
    print("\n".join(changes) if changes else "every Used-by note matches the notebooks")
    sys.exit(1 if (check and changes) else 0)
