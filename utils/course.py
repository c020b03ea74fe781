"""The repository address, defined once, and the links derived from it.

The Open-in-Colab badges (notebooks and README) and the Colab install line in every notebook's
setup cell are derived from :data:`REPOSITORY`. A fork changes that one line and runs
``python -m utils.course sync``; ``tests/test_hygiene.py`` fails while anything is out of step.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPOSITORY = "https://github.com/conv2gan/conv2gan"
BRANCH = "main"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"

_COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+")
_INSTALL = re.compile(r"git\+(?:https|file)://[^\s\"']+")


def _slug() -> str:
    return REPOSITORY.removeprefix("https://github.com/").rstrip("/")


def colab_url(path: str) -> str:
    """The Colab address that opens ``path`` (relative to the repository root) from GitHub."""
    return f"https://colab.research.google.com/github/{_slug()}/blob/{BRANCH}/{path}"


def colab_badge(path: str) -> str:
    """Markdown for the Open-in-Colab badge of ``path``."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(path)})"


def install_target() -> str:
    """What pip installs on Colab: this repository's ``utils`` package (distribution conv2gan)."""
    return f"git+{REPOSITORY}"


def _fix_text(text: str, path: str | None) -> str:
    """``text`` with its Colab links pointing at ``path`` (or, in a README, at the path in the
    link itself) and its install line pointing at :data:`REPOSITORY`."""
    def link(match):
        target = path or match.group(0).split("/blob/", 1)[-1].split("/", 1)[-1]
        return colab_url(target)

    return _INSTALL.sub(install_target(), _COLAB_LINK.sub(link, text))


def sync(root: Path | str = ".", write: bool = True) -> list[str]:
    """Bring every badge and install line under ``root`` in step with :data:`REPOSITORY`.

    Returns the files that were (or, with ``write=False``, would be) changed.
    """
    root = Path(root)
    changed = []
    for nb_path in sorted((root / "notebooks").glob("*.ipynb")):
        rel = nb_path.relative_to(root).as_posix()
        raw = nb_path.read_text(encoding="utf-8")
        nb = json.loads(raw)
        for cell in nb["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            fixed = _fix_text(source, rel)
            if fixed != source:
                cell["source"] = fixed.splitlines(keepends=True)
        new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if json.loads(new) != json.loads(raw):
            changed.append(rel)
            if write:
                nb_path.write_text(new, encoding="utf-8")
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        fixed = _fix_text(text, None)
        if fixed != text:
            changed.append("README.md")
            if write:
                readme.write_text(fixed, encoding="utf-8")
    return changed


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["sync"], ["check"]):
        sys.exit("usage: python -m utils.course [sync|check]")
    check = sys.argv[1:] == ["check"]
    files = sync(".", write=not check)
    verb = "out of step" if check else "updated"
    print(f"{verb}: {', '.join(files)}" if files else "all badges and install lines match REPOSITORY")
    sys.exit(1 if (check and files) else 0)
