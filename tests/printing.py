"""Documents printed by LibreOffice, as an officer prints them (tests skip without it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is not installed")


def to_pdf(source: Path, folder: Path) -> Path | None:
    """``source`` printed to PDF by LibreOffice, or None if it could not."""
    profile = (folder / "profile").as_uri()  # its own profile: no clash with an open office
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   capture_output=True, timeout=300, check=False)
    pdf = folder / (source.stem + ".pdf")
    return pdf if pdf.is_file() else None


def page_count(pdf: Path) -> int:
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page[^s]", data))
