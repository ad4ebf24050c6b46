"""The same knowledge base through a real ``chroma run`` server on loopback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from knowledge.search.vector_store import COLLECTION
from tests.forked_cli import run_cli

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    executable = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [executable, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"chroma run n'a pas démarré : {(tmp_path / 'chroma.log').read_text()}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()


def canevas(data: Path, url: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("CANEVAS_CHROMA_URL", None)
    if url:
        env["CANEVAS_CHROMA_URL"] = url
    return run_cli(["--data-dir", str(data), *args], env)


def test_ingest_and_search_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, demo_dir: Path
) -> None:
    data = tmp_path / "data"
    ingested = canevas(data, chroma_server, "ingest", str(demo_dir))
    assert ingested.returncode == 0, ingested.stderr
    assert not (data / "chroma").exists()

    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    documents = json.loads(canevas(data, chroma_server, "documents", "--json").stdout)
    assert client.get_collection(COLLECTION).count() == sum(d["chunk_count"] for d in documents)

    found = canevas(data, chroma_server, "search", "dépôt de garantie", "-k", "3", "--json")
    assert found.returncode == 0, found.stderr
    passages = json.loads(found.stdout)
    assert passages[0]["source"] == "procedure-accueil.pdf"

    removed = canevas(data, chroma_server, "remove", "procedure-accueil.pdf")
    assert removed.returncode == 0
    remaining = client.get_collection(COLLECTION).get(include=["metadatas"])["metadatas"] or []
    assert all(m["source"] != "procedure-accueil.pdf" for m in remaining)


def test_unreachable_server_gives_a_french_error(tmp_path: Path, demo_dir: Path) -> None:
    result = canevas(tmp_path / "data", f"http://127.0.0.1:{free_port()}", "ingest",
                     str(demo_dir))
    assert result.returncode == 1
    assert "ne répond pas" in result.stderr
    assert "Traceback" not in result.stderr
