"""Type-check every ```python block of README.md and docs/ with pyright and mypy --strict.

Each block becomes a module of its own, beside typed stand-ins for the sample names the
docs use; as tests/test_docs_examples.py runs them, a block with top-level ``await``
becomes the body of ``async def example(client: AsyncLlamaCloud)``::

    python scripts/typecheck_examples.py        # exits non-zero on any error
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PROLOGUE = """\
# Generated from {source}, block {number}.
# pyright: reportUnusedImport=false, reportUnusedVariable=false, reportUnusedFunction=false
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llamacloud_async import AsyncLlamaCloud

run_id: str = "run-1"
job_id: str = "job-1"
run_ids: list[str] = []
job_ids: list[str] = []


def read_ids() -> Iterator[str]:
    yield from run_ids


def save(value: Any) -> None: ...
def store(value: Any) -> None: ...
def log(*values: Any) -> None: ...
"""
ASYNC_WRAPPER = "\n\nasync def example(client: AsyncLlamaCloud) -> None:\n"


def write_examples(directory: Path) -> list[Path]:
    """One module per block of README.md and docs/*.md, written into ``directory``."""
    written: list[Path] = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, match in enumerate(BLOCK.finditer(page.read_text()), start=1):
            module = directory / f"{page.stem.replace('-', '_').lower()}_{number}.py"
            code = match.group(1)
            if _awaits_at_top_level(code):
                code = ASYNC_WRAPPER + textwrap.indent(code, "    ") + "    return None\n"
            module.write_text(PROLOGUE.format(source=page.relative_to(ROOT), number=number) + "\n" + code)
            written.append(module)
    return written


def _awaits_at_top_level(code: str) -> bool:
    compiled = compile(code, "<example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    return bool(compiled.co_flags & inspect.CO_COROUTINE)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="examples-") as tmp:
        modules = [str(path) for path in write_examples(Path(tmp))]
        checks = [
            ["pyright", "--pythonpath", sys.executable, *modules],
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *modules],
        ]
        failed = [check[0] for check in checks if subprocess.run(check, cwd=ROOT).returncode != 0]
    if failed:
        print(f"examples failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
