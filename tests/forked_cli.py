"""The command line run as its own process, forked from a server that imported it once.

Why: each ``python -m assistant.app.cli`` spent about 25 s importing torch, transformers,
spaCy's French tokenizer rules and Presidio before 2 s of work, and the crash tests start
about fifty of them. A ``forkserver`` pays the imports once; each run is still a separate
process with its own stores, and a fault point kills it for real (``SIGKILL``). The
server imports modules only: no model runs in it, so no thread pool is forked.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import traceback
from multiprocessing.process import BaseProcess
from pathlib import Path

# Imported by the server, never by a test: what a command line run would import itself.
WARM = ["tests.forked_cli_warm"]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(WARM)


def _run(args: list[str], env: dict[str, str], out: str, err: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.stdout = open(out, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    sys.stderr = open(err, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    code = 0
    try:
        from assistant.app.cli import cli

        cli.main(args, prog_name="canevas")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # a crash is what the caller reads, as from a real process
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def start_cli(args: list[str], env: dict[str, str], out: Path, err: Path) -> BaseProcess:
    """``canevas ARGS`` started in a forked process writing to ``out`` and ``err``."""
    process = _context.Process(target=_run, args=(args, env, str(out), str(err)))
    process.start()
    return process


def run_cli(args: list[str], env: dict[str, str],
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``canevas ARGS`` in a forked process: its exit code (``-9`` when a fault point
    killed it), standard output and error."""
    with tempfile.TemporaryDirectory(prefix="canevas-cli-") as folder:
        out, err = Path(folder) / "out", Path(folder) / "err"
        process = start_cli(args, env, out, err)
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(args, timeout)
        return subprocess.CompletedProcess(args, process.exitcode or 0, _read(out), _read(err))
