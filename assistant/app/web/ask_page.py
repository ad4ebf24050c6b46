"""« Poser une question »: chat with sourced answers, past conversations, feedback."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.app.web.session import owner_of
from assistant.qa.answers import Answer, AnswerService
from knowledge.errors import CanevasError

Message = dict[str, Any]


def _source_title(citation: dict[str, Any]) -> str:
    where = [citation["title"]]
    if citation.get("section"):
        where.append(citation["section"])
    if citation.get("page"):
        where.append(f"p. {citation['page']}")
    return f"[{citation['n']}] " + " — ".join(where) + f" ({citation['source']})"


def answer_messages(answer: Answer | dict[str, Any]) -> list[Message]:
    """The answer, then one collapsible message per cited passage."""
    data = answer.as_dict() if isinstance(answer, Answer) else answer
    text = data["text"]
    if data.get("refused"):
        text = f"⚠️ {text}"
    messages: list[Message] = [{"role": "assistant", "content": text}]
    for citation in data.get("citations", []):
        messages.append({"role": "assistant", "content": citation["text"],
                         "metadata": {"title": _source_title(citation), "status": "done"}})
    return messages


class AskPage:
    """Builds the chat tab and wires its events to the answer service."""

    def __init__(self, answers: AnswerService) -> None:
        self.answers = answers

    def build(self, browser_id: gr.BrowserState) -> None:
        conversation = gr.State(None)
        with gr.Row():
            with gr.Column(scale=1, min_width=220):
                past = gr.Dropdown(label="Conversations précédentes", choices=[],
                                   elem_id="conversations", interactive=True)
                new = gr.Button("Nouvelle conversation", elem_id="new-conversation")
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Réponses sourcées", elem_id="chat", height=520,
                                  feedback_options=("Like", "Dislike"))
                question = gr.Textbox(label="Votre question", elem_id="question",
                                      placeholder="Par exemple : C'est quoi l'ASLL ?")
                send = gr.Button("Demander", variant="primary", elem_id="ask-button")
        inputs = [question, chat, conversation, browser_id]
        outputs = [chat, conversation, question, past]
        send.click(self.ask, inputs, outputs)
        question.submit(self.ask, inputs, outputs)
        new.click(lambda: ([], None, gr.update(value=None)), None, [chat, conversation, past])
        past.select(self.open, [past, browser_id], [chat, conversation])
        chat.like(self.rate, [conversation, browser_id], None)
        self.refresh_inputs = [browser_id]
        self.refresh_outputs = [past]

    def conversations(self, browser_id: str, request: gr.Request) -> Any:
        owner = owner_of(request, browser_id)
        choices = [(f"{c.title} ({c.turns})", c.id)
                   for c in self.answers.conversations.list(owner)]
        return gr.update(choices=choices)

    def ask(self, question: str, history: list[Message], conversation_id: str | None,
            browser_id: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Stream the answer as it is written, then show its sources."""
        question = (question or "").strip()
        if not question:
            raise gr.Error("Écrivez une question.")
        owner = owner_of(request, browser_id)
        history = [*history, {"role": "user", "content": question},
                   {"role": "assistant", "content": "…"}]
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
            history[-1] = {"role": "assistant", "content": written}
            yield history, conversation_id, "", gr.update()
        if "error" in outcome:
            error = outcome["error"]
            message = str(error) if isinstance(error, CanevasError) else (
                f"La réponse a échoué ({type(error).__name__}). Réessayez.")
            raise gr.Error(message)
        answer: Answer = outcome["answer"]
        history = [*history[:-1], *answer_messages(answer)]
        yield history, answer.conversation_id, "", self.conversations(browser_id, request)

    def open(self, conversation_id: str | None, browser_id: str,
             request: gr.Request) -> tuple[list[Message], str | None]:
        if not conversation_id:
            return [], None
        owner = owner_of(request, browser_id)
        try:
            turns = self.answers.conversations.turns(conversation_id, owner)
        except CanevasError as exc:
            raise gr.Error(str(exc)) from exc
        history: list[Message] = []
        for turn in turns:
            history += [{"role": "user", "content": turn.question}, *answer_messages(turn.answer)]
        return history, conversation_id

    def rate(self, conversation_id: str | None, browser_id: str, data: gr.LikeData,
             request: gr.Request) -> None:
        """Save a thumbs up or down on the answer the message belongs to."""
        if not conversation_id:
            return
        owner = owner_of(request, browser_id)
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        history = self.open(conversation_id, browser_id, request)[0]
        position = sum(1 for m in history[: int(index) + 1] if m["role"] == "user") - 1
        if 0 <= position < sum(1 for m in history if m["role"] == "user"):
            self.answers.conversations.rate(conversation_id, position, bool(data.liked), owner)
