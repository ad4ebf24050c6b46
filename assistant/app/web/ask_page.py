"""« Poser une question »: chat with sourced answers, past conversations, feedback.

Every text that comes from the base (answers built from passages, titles, file names,
quotes) goes through ``text.inert``: it is shown as text, never as HTML or Markdown.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.app.web.errors import failure, user_error
from assistant.app.web.originals import Originals
from assistant.app.web.session import Sessions
from assistant.app.web.text import inert
from assistant.qa.answers import Answer, AnswerService
from knowledge.errors import CanevasError

Message = dict[str, Any]


def _source_title(citation: dict[str, Any]) -> str:
    where = [str(citation["title"])]
    if citation.get("section"):
        where.append(str(citation["section"]))
    if citation.get("page"):
        where.append(f"p. {citation['page']}")
    return inert(f"[{citation['n']}] " + " — ".join(where) + f" ({citation['source']})")


def _passage(citation: dict[str, Any]) -> str:
    """The cited passage, the quoted sentence highlighted."""
    text, quote = str(citation.get("text") or ""), str(citation.get("quote") or "").strip()
    at = text.find(quote) if quote else -1
    if at < 0:
        return inert(text)
    return (inert(text[:at]) + "<mark>" + inert(quote) + "</mark>"
            + inert(text[at + len(quote):]))


def answer_messages(answer: Answer | dict[str, Any],
                    offer: Callable[[str], str] | None = None) -> list[Message]:
    """The answer, then one collapsible message per cited passage, ending with what
    ``offer`` gives for its document (the link to the original)."""
    data = answer.as_dict() if isinstance(answer, Answer) else answer
    text = inert(data["text"])
    if data.get("refused") or data.get("uncertain"):
        text = f"⚠️ {text}"
    checks = ([f"« {inert(s)} » — sans source" for s in data.get("unsupported") or []]
              + [inert(s) for s in data.get("unsourced") or []])
    if checks:
        text += "\n\n⚠️ À vérifier dans les sources :\n" + "\n".join(f"- {c}" for c in checks)
    messages: list[Message] = [{"role": "assistant", "content": text}]
    for citation in data.get("citations", []):
        content = _passage(citation)
        if offer is not None:
            content += "\n\n" + offer(str(citation.get("chunk_id") or ""))
        messages.append({"role": "assistant", "content": content,
                         "metadata": {"title": _source_title(citation), "status": "done"}})
    return messages


def _when(timestamp: float) -> str:
    return time.strftime("%d/%m/%Y %H:%M", time.localtime(timestamp))


class AskPage:
    """Builds the chat tab and wires its events to the answer service."""

    def __init__(self, answers: AnswerService, sessions: Sessions, max_chars: int,
                 originals: Originals) -> None:
        self.answers = answers
        self.sessions = sessions
        self.max_chars = max_chars
        self.originals = originals

    def build(self) -> None:
        conversation = gr.State(None)
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                new = gr.Button("Nouvelle conversation", elem_id="new-conversation")
                past = gr.Radio(label="Mes conversations (les plus récentes d'abord)",
                                choices=[], elem_id="conversations", interactive=True)
                with gr.Accordion("Renommer ou supprimer", open=False,
                                  elem_id="conversation-tools"):
                    name = gr.Textbox(label="Nouveau titre", elem_id="conversation-name")
                    with gr.Row():
                        rename = gr.Button("Renommer", elem_id="rename-conversation")
                        delete = gr.Button("Supprimer", variant="stop",
                                           elem_id="delete-conversation")
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Réponses sourcées", elem_id="chat", height=520,
                                  feedback_options=("Like", "Dislike"), latex_delimiters=[],
                                  sanitize_html=True, buttons=["copy"])
                question = gr.Textbox(
                    label=f"Votre question (au plus {self.max_chars} caractères)",
                    elem_id="question", max_length=self.max_chars,
                    placeholder="Par exemple : C'est quoi l'ASLL ?")
                send = gr.Button("Demander", variant="primary", elem_id="ask-button")
        inputs = [question, chat, conversation]
        outputs = [chat, conversation, question, past]
        private: dict[str, Any] = {"api_visibility": "private"}
        send.click(self.ask, inputs, outputs, **private)
        question.submit(self.ask, inputs, outputs, **private)
        new.click(lambda: ([], None, gr.update(value=None)), None, [chat, conversation, past],
                  **private)
        past.select(self.open, past, [chat, conversation], **private)
        rename.click(self.rename, [past, name], [past, name], **private)
        delete.click(self.delete, past, [past, chat, conversation], **private)
        chat.like(self.rate, conversation, None, **private)
        self.refresh_outputs = [past]

    def conversations(self, request: gr.Request, selected: str | None = None) -> tuple[Any]:
        owner = self.sessions.owner(request)
        choices = [(f"{_when(c.updated)} — {c.title} ({c.turns})", c.id)
                   for c in self.answers.conversations.list(owner)]
        return (gr.update(choices=choices, value=selected),)

    def ask(self, question: str, history: list[Message], conversation_id: str | None,
            request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Stream the answer as it is written, then show its sources."""
        question = (question or "").strip()
        if not question:
            raise user_error("Écrivez une question.")
        if len(question) > self.max_chars:
            raise user_error(
                f"Votre question fait {len(question)} caractères ; la limite est de "
                f"{self.max_chars}. Raccourcissez-la (réglage CANEVAS_LIMIT_MAX_QUESTION_CHARS).")
        try:
            owner = self.sessions.owner(request)
        except CanevasError as exc:
            raise failure(exc) from exc
        history = [*history, {"role": "user", "content": inert(question)},
                   {"role": "assistant", "content": "◌ Recherche dans vos documents…"}]
        yield history, conversation_id, "", gr.update()
        pieces: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["answer"] = self.answers.ask(question, conversation_id,
                                                     on_token=pieces.put, owner=owner)
            except Exception as exc:
                outcome["error"] = exc
            finally:
                pieces.put(None)

        threading.Thread(target=work, daemon=True).start()
        written = ""
        while (piece := pieces.get()) is not None:
            written += piece
            history[-1] = {"role": "assistant", "content": inert(written)}
            yield history, conversation_id, "", gr.update()
        if "error" in outcome:
            raise failure(outcome["error"])
        answer: Answer = outcome["answer"]
        history = [*history[:-1], *answer_messages(answer, self.originals.offer)]
        yield (history, answer.conversation_id, "",
               *self.conversations(request, answer.conversation_id))

    def open(self, conversation_id: str | None,
             request: gr.Request) -> tuple[list[Message], str | None]:
        if not conversation_id:
            return [], None
        owner = self.sessions.owner(request)
        try:
            turns = self.answers.conversations.turns(conversation_id, owner)
        except CanevasError as exc:
            raise failure(exc) from exc
        history: list[Message] = []
        for turn in turns:
            history += [{"role": "user", "content": inert(turn.question)},
                        *answer_messages(turn.answer, self.originals.offer)]
        return history, conversation_id

    def rename(self, conversation_id: str | None, title: str,
               request: gr.Request) -> tuple[Any, ...]:
        if not conversation_id:
            raise user_error("Choisissez d'abord la conversation à renommer.")
        if not (title or "").strip():
            raise user_error("Écrivez le nouveau titre.")
        try:
            self.answers.conversations.rename(conversation_id, title,
                                              self.sessions.owner(request))
        except CanevasError as exc:
            raise failure(exc) from exc
        return (*self.conversations(request, conversation_id), "")

    def delete(self, conversation_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        if not conversation_id:
            raise user_error("Choisissez d'abord la conversation à supprimer.")
        try:
            self.answers.conversations.delete(conversation_id, self.sessions.owner(request))
        except CanevasError as exc:
            raise failure(exc) from exc
        gr.Info("Conversation supprimée.")
        return (*self.conversations(request), [], None)

    def rate(self, conversation_id: str | None, data: gr.LikeData,
             request: gr.Request) -> None:
        """Save a thumbs up or down on the answer the message belongs to."""
        if not conversation_id:
            return
        owner = self.sessions.owner(request)
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        history = self.open(conversation_id, request)[0]
        position = sum(1 for m in history[: int(index) + 1] if m["role"] == "user") - 1
        if 0 <= position < sum(1 for m in history if m["role"] == "user"):
            self.answers.conversations.rate(conversation_id, position, bool(data.liked), owner)
