"""Notebook hygiene and course consistency: what every notebook, guide and README row must have."""
import ast
import json
import re
from pathlib import Path

import pytest

from utils import course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
# CNN and GAN lessons ask Colab for a GPU (08, transposed convolution, trains nothing).
GPU_LESSONS = {"02", "03", "05", "06", "07", "09", "10"}
# One lesson, one class: the most prose and code a notebook may hold.
MAX_WORDS, MAX_CODE_LINES = 2500, 450


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _ids(paths):
    return [p.name for p in paths]


def _asserted_checkers(code):
    """The checkers ``utils.exercises.<name>`` called inside ``assert`` statements of ``code`` (a
    comment or a string that merely mentions one does not count)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {call.func.attr for node in ast.walk(tree) if isinstance(node, ast.Assert)
            for call in ast.walk(node.test) if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and ast.unparse(call.func.value) == "utils.exercises"}


def test_there_are_notebooks_numbered_without_gaps():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        assert NAME.match(path.name), f"{path.name}: names are NN_lower_case.ipynb"
    numbers = [int(NAME.match(p.name).group(1)) for p in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), f"notebook numbers {numbers} must run 00, 01, 02, ... without gaps"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stripped(path):
    nb = _load(path)
    assert "widgets" not in nb["metadata"], "widget state must be stripped from the metadata"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_metadata(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    number = path.name[:2]
    assert (nb["metadata"].get("accelerator") == "GPU") == (number in GPU_LESSONS), \
        "CNN and GAN notebooks (and only they) carry accelerator: GPU"
    for i, cell in enumerate(nb["cells"]):
        assert "slide_type" in cell["metadata"].get("slideshow", {}), f"cell {i} has no slideshow metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_skeleton(path):
    nb = _load(path)
    cells = nb["cells"]
    stem = path.stem
    number = stem[:2]
    title = _source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and re.match(rf"# {number} · \S", title), \
        f"the first cell must be the title '# {number} · ...'"
    assert course.colab_url(f"notebooks/{path.name}") in title, "the title's Colab badge must open this very file"
    for part in ["objectives", "Prerequisites", "Time"]:
        assert part in title, f"the title cell must state {part}"
    setup = cells[1]
    assert setup["cell_type"] == "code" and f'utils.setup("{stem}")' in _source(setup), \
        f'the second cell must be the setup cell calling utils.setup("{stem}")'
    assert '"google.colab" in sys.modules' in _source(setup) and course.install_target() in _source(setup)
    settings = [c for c in cells if "settings" in c["metadata"].get("tags", [])]
    assert len(settings) == 1 and "utils.pick(" in _source(settings[0]), "one settings cell (tag 'settings') using utils.pick"
    headings = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    for heading in ["## Summary", "## Exercises", "## Further reading"]:
        assert heading in headings, f"missing the section '{heading}'"
    solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert solutions, "exercises need solution cells (tag 'solution')"
    for cell in solutions:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden"), "solution cells are collapsed"
        assert _asserted_checkers(_source(cell)), "a solution cell asserts its checker: assert utils.exercises.exNN_...(...)"


def test_badges_and_install_lines_follow_the_one_repository_address():
    assert course.sync(ROOT, write=False) == [], "run: python -m utils.course sync"


def _readme_rows(path):
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(\d\d)\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_lesson_has_its_guide_and_readme_rows_and_the_reverse():
    lessons = {p.stem for p in NOTEBOOKS if p.name[:2] != "00"}
    guides = {p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.md")}
    assert guides == lessons, f"guides without notebooks: {sorted(guides - lessons)}; notebooks without guides: {sorted(lessons - guides)}"
    for readme in [ROOT / "README.md", ROOT / "lessons" / "README.md"]:
        rows = _readme_rows(readme)
        expected = {p.name[:2]: p for p in NOTEBOOKS}
        assert set(rows) == set(expected), f"{readme.relative_to(ROOT)}: rows {sorted(rows)} but notebooks {sorted(expected)}"
        for number, path in expected.items():
            assert path.name in rows[number], f"{readme.relative_to(ROOT)} row {number} must link {path.name}"
            if number != "00":
                assert f"{path.stem}.md" in rows[number], f"{readme.relative_to(ROOT)} row {number} must link its guide"
    top = _readme_rows(ROOT / "README.md")
    for path in NOTEBOOKS:
        assert course.colab_url(f"notebooks/{path.name}") in top[path.name[:2]], f"README row {path.name[:2]} needs its Colab badge"


def test_course_sync_repairs_a_stale_address(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "id": "a",
                     "source": ["[x](https://colab.research.google.com/github/old/fork/blob/main/notebooks/x.ipynb)"]},
                    {"cell_type": "code", "metadata": {}, "id": "b", "outputs": [], "execution_count": None,
                     "source": ['%pip install "conv2gan @ git+https://github.com/old/fork"']}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks" / "01_x.ipynb").write_text(json.dumps(nb))
    (tmp_path / "README.md").write_text("[b](https://colab.research.google.com/github/old/fork/blob/main/notebooks/01_x.ipynb)")
    assert course.sync(tmp_path, write=True) == ["notebooks/01_x.ipynb", "README.md"]
    assert course.sync(tmp_path, write=False) == []
    text = (tmp_path / "notebooks" / "01_x.ipynb").read_text()
    assert course.colab_url("notebooks/01_x.ipynb") in text and course.install_target() in text
    assert course.colab_url("notebooks/01_x.ipynb") in (tmp_path / "README.md").read_text()


# --- one lesson, one class (issue "One lesson, one class") ------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_fits_one_class(path):
    cells = _load(path)["cells"]
    words = sum(len(re.findall(r"\w+", _source(c))) for c in cells if c["cell_type"] == "markdown")
    code = sum(len(_source(c).splitlines()) for c in cells if c["cell_type"] == "code")   # blank lines count too
    assert words <= MAX_WORDS, f"{words} words of prose; one class holds at most {MAX_WORDS} (move digressions to the guide)"
    assert code <= MAX_CODE_LINES, f"{code} lines of code; one class holds at most {MAX_CODE_LINES}"


GUIDES = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.md"))


@pytest.mark.parametrize("path", GUIDES, ids=_ids(GUIDES))
def test_guide_minute_plan_fits_one_class(path):
    text = path.read_text(encoding="utf-8")
    plan = text.split("## Lecture plan", 1)[1].split("\n## ", 1)[0]
    spans = [(int(a), int(b)) for a, b in re.findall(r"^\|\s*(\d+)\s*[–-]\s*(\d+)\s*\|", plan, flags=re.M)]
    assert spans, "the lecture plan needs a table of minutes ('| 0–5 | section | what to do |')"
    assert spans[0][0] == 0 and all(b == a2 for (_, b), (a2, _) in zip(spans, spans[1:])), \
        f"the plan's minutes must run on without gaps or overlaps: {spans}"
    assert spans[-1][1] <= 60, f"the plan takes {spans[-1][1]} minutes; one class is at most 60"
    assert "45-minute cut" in text, "say what to cut for a 45-minute class ('45-minute cut')"


def _text_files():
    """The repository's own text files: what git tracks or would track (not environments or outputs)."""
    import subprocess

    try:
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.splitlines()
        paths = [ROOT / name for name in listed]
    except (OSError, subprocess.CalledProcessError):   # not a git checkout: walk it, skipping the usual
        skip = ("outputs", "build", "node_modules", ".git")
        paths = [p for p in ROOT.rglob("*") if not any(part.startswith(".venv") or part in skip
                                                        for part in p.relative_to(ROOT).parts)]
    for path in paths:
        if path.is_file() and path.suffix in {".py", ".md", ".ipynb", ".toml", ".yml", ".cfg", ".txt", ""}:
            yield path


# Names that look like notebook names on purpose: a test asks for a notebook that does not exist.
NOT_NOTEBOOKS = {"99_nothing", "99_stall"}


def test_no_old_or_unknown_notebook_names_survive():
    """Every `NN_name` that looks like a notebook or guide name names one that exists (the re-cut
    renamed 03_lstm_gates, 04_gan, 05_cgan, 06_acgan and 07_dcgan_transposed_convolution)."""
    stems = {p.stem for p in NOTEBOOKS}
    pattern = re.compile(r"(?<![\w/.-])(\d\d_[a-z][a-z0-9_]*?)(?:\.ipynb|\.md|\b)")
    stale = []
    for path in _text_files():
        if path.name == "test_hygiene.py":
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for match in pattern.finditer(text):
            name = match.group(1)
            if name not in stems and name not in NOT_NOTEBOOKS:
                stale.append(f"{path.relative_to(ROOT)}: {name}")
    assert not stale, "names of notebooks that do not exist: " + ", ".join(sorted(set(stale)))


def test_no_control_characters_in_text():
    """A Python string that meant LaTeX ("$\\beta$", "$\\times$") but lost its backslash leaves a
    backspace or a tab in the prose; no text file git tracks may hold a control character (tabs are
    allowed only in a Makefile)."""
    bad = []
    for path in _text_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        allowed = "\n\r\t" if path.name == "Makefile" else "\n\r"
        for lineno, line in enumerate(text.splitlines(), 1):
            if any(ord(ch) < 32 and ch not in allowed for ch in line):
                bad.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:60]!r}")
    assert not bad, "control characters (a lost backslash?): " + "; ".join(bad[:10])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_exercises_use_their_own_lessons_checkers(path):
    import utils.exercises as exercises

    number = path.name[:2]
    code = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "code")
    called = set(re.findall(r"utils\.exercises\.(ex\d\d_\w+)", code))
    assert called, "a lesson has exercises with checkers"
    wrong = sorted(name for name in called if not name.startswith(f"ex{number}_"))
    assert not wrong, f"notebook {number} calls other lessons' checkers: {wrong}"
    missing = sorted(name for name in called if not hasattr(exercises, name))
    assert not missing, f"no such checkers: {missing}"
    module = __import__(f"utils.exercises.lesson{number}", fromlist=["__all__"])
    unused = sorted(set(module.__all__) - called)
    assert not unused, f"utils/exercises/lesson{number}.py has checkers that its notebook never calls: {unused}"
    assert len(called) >= 2, "at least two exercises with checkers"
    guide = ROOT / "lessons" / f"{path.stem}.md"
    if guide.is_file():
        named = set(re.findall(r"\bex(\d\d)_", guide.read_text(encoding="utf-8")))
        assert named <= {number}, f"{guide.name} names other lessons' checkers: ex{sorted(named - {number})}_*"
