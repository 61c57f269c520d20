"""What the distributions carry: the licence, the changelog and the project's links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")

ROOT = Path(__file__).resolve().parent.parent
PROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_licence_is_mit_and_ships_in_the_wheel_and_the_sdist() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 llamacloud-async contributors\n")
    assert PROJECT["project"]["license"] == "MIT"
    assert PROJECT["project"]["license-files"] == ["LICENSE"]
    assert {"LICENSE", "CHANGELOG.md"} <= set(
        PROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    )


def test_the_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text
    assert "keepachangelog.com" in text


def test_the_metadata_links_to_the_project() -> None:
    urls = PROJECT["project"]["urls"]
    assert set(urls) == {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(
        url.startswith("https://github.com/llamacloud-async/llamacloud-async") for url in urls.values()
    )
