"""The "Used by lesson NN" notes in utils' docstrings say which notebooks call each public name.

The notes cannot drift: this test reads the notebooks, finds which of them call each public function
or class of `utils` (as ``utils.<module>.<name>`` or, for what the package re-exports, ``utils.<name>``),
and compares that with the lessons the docstring names. A name that no notebook calls names the
functions that use it instead (e.g. "Used by :func:`setup`"), not lessons.
"""
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import utils

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALL = {p.name[:2] for p in NOTEBOOKS}


def _code(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


CODE = {p.name[:2]: _code(p) for p in NOTEBOOKS}


def _modules():
    for info in pkgutil.walk_packages(utils.__path__, "utils."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        yield importlib.import_module(info.name)


def _public_names():
    for module in _modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__ or not obj.__doc__:
                continue
            yield module.__name__, name, obj


def lessons_named(doc: str):
    """The lesson numbers that a docstring's note "Used by lesson(s) NN ..." (or "Used by every
    lesson") names, or None when it has no such note. "Used by :func:`x`" names no lessons."""
    flat = " ".join(doc.split())
    notes = re.findall(r"Used by ((?:every lesson|lessons? \d\d)(?:[^.]|\.(?! |$))*)", flat)
    if not notes:
        return None
    found = set()
    for note in notes:
        if note.startswith("every lesson"):
            found |= ALL
            continue
        for a, b in re.findall(r"\b(\d\d)\s*[-–]\s*(\d\d)\b", note):
            found |= {f"{n:02d}" for n in range(int(a), int(b) + 1)}
        found |= set(re.findall(r"\b(\d\d)\b", re.sub(r"\b\d\d\s*[-–]\s*\d\d\b", "", note)))
    return found


def callers(module: str, name: str):
    short = module.removeprefix("utils.")
    pattern = re.compile(rf"\butils\.(?:{re.escape(short)}\.)?{re.escape(name)}\b")
    if getattr(utils, name, None) is None:  # not re-exported: only the module path counts
        pattern = re.compile(rf"\butils\.{re.escape(short)}\.{re.escape(name)}\b")
    return {number for number, code in CODE.items() if pattern.search(code)}


CASES = [(m, n, o) for m, n, o in _public_names()]


@pytest.mark.parametrize("module,name,obj", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_used_by_note_matches_the_notebooks(module, name, obj):
    named = lessons_named(obj.__doc__)
    actual = callers(module, name)
    if named is None:
        assert not actual or module.startswith("utils.exercises"), \
            f"{module}.{name} is called by lessons {sorted(actual)}; its docstring should say 'Used by lesson(s) ...'"
        return
    assert named == actual, (f"{module}.{name}: the docstring says lessons {sorted(named)}, the notebooks that call it "
                             f"are {sorted(actual)}. Fix: python scripts/sync_used_by.py")


def test_the_parser_reads_the_usual_forms():
    assert lessons_named("Does x. Used by lessons 02-04 and 07.") == {"02", "03", "04", "07"}
    assert lessons_named("Used by lesson 01's widget.") == {"01"}
    assert lessons_named("Used by every lesson.") == ALL
    assert lessons_named("Used by :func:`setup`.") is None
    assert lessons_named("Used by :class:`LiveView` (every GAN lesson).") is None
    assert lessons_named("Used by lessons 06, 07 and 10.") == {"06", "07", "10"}
    assert lessons_named("No note here.") is None


# --- utils cut by concern: each module is shared, or one lesson's own ------------------------------------
# One lesson's own module holds what that lesson alone calls (a later lesson may reuse it, as lesson 08
# reuses lesson 01's conv2d). A shared module holds only what two or more lessons call, directly or
# through another utils module (LiveView: lesson 06 by hand, 07, 09 and 10 through utils.gan.fit).
LESSON_MODULES = {"browse": "00", "conv": "01", "cnn": "02", "rnn": "04", "toy": "05", "cgan": "07", "transposed": "08",
                  "acgan": "09"}
TOOLING = {"checks", "storage", "course"}   # the package's own tools: argument checks, files, Colab links
UTILS_CODE = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "utils").glob("*.py")}


def _used_by_other_modules(short: str, name: str) -> set[str]:
    """The other utils modules whose code names ``name`` (imported from, or called through, ``short``)."""
    pattern = re.compile(rf"(?:\b{short}\.{name}\b|from \.{short} import [^\n]*\b{name}\b)")
    return {stem for stem, code in UTILS_CODE.items() if stem != short and pattern.search(code)}


def test_every_module_is_shared_or_one_lessons():
    modules = {m.__name__.removeprefix("utils.") for m in _modules() if not m.__name__.startswith("utils.exercises")}
    unknown = modules - set(LESSON_MODULES) - TOOLING - {
        "settings", "data", "images", "viz", "live", "grids", "checkpoints", "samples", "latent", "gan", "judge", "metrics"}
    assert not unknown, f"new modules {sorted(unknown)}: say whether each is shared or one lesson's (LESSON_MODULES)"
    wrong = []
    for module, name, _ in CASES:
        short = module.removeprefix("utils.")
        if short.startswith("exercises"):
            continue
        lessons, modules_using = callers(module, name), _used_by_other_modules(short, name)
        if re.search(rf"(?<!def )(?<![\w.]){name}\(", UTILS_CODE[short]):   # called by its own module's functions
            modules_using.add(short)
        if short in TOOLING:
            if not lessons and not modules_using and short != "course":   # course is a command-line tool
                wrong.append(f"{module}.{name}: a tool that nothing calls")
            continue
        if short in LESSON_MODULES:
            if LESSON_MODULES[short] not in lessons:
                wrong.append(f"{module}.{name}: in lesson {LESSON_MODULES[short]}'s module, called by {sorted(lessons)}")
        elif len(lessons) < 2 and not modules_using:
            wrong.append(f"{module}.{name}: in a shared module, but called only by lessons {sorted(lessons)}")
    assert not wrong, "move each to its lesson's module, or make it private:\n" + "\n".join(wrong)
