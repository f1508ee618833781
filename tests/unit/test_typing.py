"""mypy passes without the optional extras installed (onnx, postgres, distributed)."""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO

EXTRAS = ("tokenizers", "onnxruntime", "onnx", "psycopg", "dask", "distributed")


@pytest.mark.slow
def test_mypy_passes_without_optional_extras(tmp_path: Path) -> None:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.skip("mypy is not installed (the dev extra)")
    # a virtualenv that sees every installed package but the extras
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    target = next((tmp_path / "venv" / "lib").glob("python*/site-packages"))
    for entry in Path(site.getsitepackages()[0]).iterdir():
        name = entry.name.split("-")[0].split(".")[0].lower()
        if name not in EXTRAS and not name.startswith(("onnx", "psycopg", "dask", "tokenizers")):
            (target / entry.name).symlink_to(entry)
    python = tmp_path / "venv" / "bin" / "python"
    hidden = subprocess.run([str(python), "-c", "import tokenizers"], capture_output=True, check=False)
    assert hidden.returncode != 0, "the extras are still importable: the test would prove nothing"
    res = subprocess.run([mypy, "--python-executable", str(python)], cwd=REPO, capture_output=True, text=True,
                         timeout=900, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
