"""Development tasks: ``nox -s tests lint typecheck``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True

# The last official release with the v1 extraction endpoints; its models check our v1 fixtures.
OFFICIAL_V1_SDK = "llama-cloud==1.6.0"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    v1_sdk = f"{session.virtualenv.location}/official-sdk-v1"
    session.install("--no-deps", "--upgrade", "--target", v1_sdk, OFFICIAL_V1_SDK)
    session.run("pytest", *session.posargs, env={"LLAMACLOUD_V1_SDK_PATH": v1_sdk})


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package with pyright in strict mode; the typing tests and every
    example in README.md and docs/ with pyright and mypy --strict."""
    session.install("-e", ".[test]", "pyright>=1.1.380", "mypy>=1.10")
    session.run("pyright")
    session.run("mypy", "--strict", "tests/typing")
    session.run("python", "scripts/typecheck_examples.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against the official SDK and the raw aiohttp + msgspec floor."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks.run", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; warnings are errors."""
    session.install("-e", ".", "mkdocs-material>=9.5", "mkdocstrings[python]>=0.26")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
