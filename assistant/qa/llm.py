"""Chat models behind LangChain's interface: OpenAI-compatible servers, Ollama, llama.cpp.

Nothing is called unless the user configured a provider; keys come from the
environment only (``CANEVAS_LLM_API_KEY``), never from files or the command line.
Connection failures become French messages that say what to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from assistant.qa.llm_settings import LLMSettings
from knowledge.errors import CanevasError


class LLMUnavailable(CanevasError):
    """The configured model cannot be reached or loaded."""


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    """A GGUF model run in-process by llama-cpp-python (optional extra ``[llamacpp]``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 4096
    temperature: float = 0.1
    max_tokens: int = 512
    client: Any = None

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-canevas"

    def _load(self) -> Any:
        if self.client is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMUnavailable(
                    "Le fournisseur « llamacpp » demande le paquet llama-cpp-python : "
                    "pip install 'canevas[llamacpp]'."
                ) from exc
            self.client = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False)
        return self.client

    def _payload(self, messages: list[BaseMessage]) -> list[dict[str, str]]:
        return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)}
                for m in messages]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        result = self._load().create_chat_completion(
            messages=self._payload(messages), temperature=self.temperature,
            max_tokens=self.max_tokens, stop=stop)
        text = result["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self._load().create_chat_completion(
            messages=self._payload(messages), temperature=self.temperature,
            max_tokens=self.max_tokens, stop=stop, stream=True,
        ):
            delta = part["choices"][0]["delta"].get("content") or ""
            if delta:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk


def make_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """The configured chat model, or None for the extractive mode."""
    provider = settings.provider.lower()
    if provider in ("", "none", "aucun"):
        return None
    if provider == "openai":
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        if not settings.base_url:
            raise LLMUnavailable("CANEVAS_LLM_BASE_URL est requis pour le fournisseur « openai » "
                                 "(par exemple http://127.0.0.1:8080/v1).")
        return ChatOpenAI(base_url=settings.base_url, model=settings.model or "default",
                          api_key=SecretStr(settings.api_key or "sans-cle"),
                          temperature=settings.temperature, max_retries=1,
                          timeout=settings.timeout,
                          # « max_tokens », the field every compatible server reads (llama.cpp,
                          # vLLM, Mistral, Ollama); « max_completion_tokens », what
                          # langchain-openai sends, is ignored by llama-cpp-python's server,
                          # which then wrote until its context was full
                          extra_body={"max_tokens": settings.max_tokens})
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(base_url=settings.base_url or "http://127.0.0.1:11434",
                          model=settings.model or "mistral", temperature=settings.temperature,
                          num_predict=settings.max_tokens)
    if provider == "llamacpp":
        if not settings.gguf_path:
            raise LLMUnavailable("CANEVAS_LLM_GGUF_PATH est requis pour le fournisseur "
                                 "« llamacpp » (chemin d'un fichier .gguf).")
        return LlamaCppChat(model_path=str(settings.gguf_path),
                            temperature=settings.temperature, max_tokens=settings.max_tokens)
    raise LLMUnavailable(f"Fournisseur de modèle inconnu : « {settings.provider} ». Valeurs "
                         "possibles : aucun, openai, ollama, llamacpp.")


def explain_failure(exc: Exception, settings: LLMSettings) -> LLMUnavailable:
    """A French message for a connection or model error."""
    where = settings.base_url or settings.gguf_path or settings.provider
    return LLMUnavailable(
        f"Le modèle de langage ({settings.provider}, {where}) ne répond pas : {exc}. "
        "Vérifiez que le serveur est lancé, ou utilisez le mode extractif (sans modèle)."
    )
