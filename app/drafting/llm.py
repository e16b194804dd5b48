"""Optional LLM polishing through any OpenAI-compatible chat-completions endpoint.

vLLM, Ollama and the llama.cpp server all speak this contract. The model writes the same plan
as the template drafter (the prompt carries the acts and the facts it may state, and the
template text as a reference); the drafter runs the guardrails on its answer and keeps the
template text when the answer breaks a rule, drops every concrete detail of the comment, the
call fails or it takes longer than ``llm_timeout_seconds``.
After a failure the backend rests for `cooldown_seconds` so a dead server does not slow every
draft down.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jinja2
import yaml

from app.drafting.guardrails import personal_data_of
from app.drafting.templates import latest_file, tidy
from app.drafting.text import fold

log = logging.getLogger("tanggap.drafting.llm")


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL (``…/v1``) or a full endpoint URL."""
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return f"{url}/chat/completions"
    return f"{url}/v1/chat/completions"


@dataclass(frozen=True)
class LlmPrompts:
    system: jinja2.Template
    user: jinja2.Template
    tone_hints: dict[str, str]
    source_id: str
    act_hints: dict[str, str]

    @classmethod
    def from_dir(cls, prompts_dir: Path) -> LlmPrompts:
        path = latest_file(prompts_dir, "llm")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701
        return cls(
            system=env.from_string(data["system"]),
            user=env.from_string(data["user"]),
            tone_hints=dict(data.get("tone_hints") or {}),
            source_id=path.name.rsplit(".", 1)[0],
            act_hints=dict(data.get("act_hints") or {}),
        )


def mask_personal(text: str) -> str:
    """The comment with personal data replaced, before it leaves the process."""
    for item in sorted(set(personal_data_of(text)), key=len, reverse=True):
        text = text.replace(item, "[data pribadi]")
    return text


CONDOLENCE = re.compile(r"turut berduka|berduka cita|turut menyesal|innalillahi", re.IGNORECASE)


def keeps_detail(answer: str, details: list[str]) -> bool:
    """Whether the answer still names at least one concrete detail of the comment."""
    wanted = [d for d in details if d]
    if not wanted:
        return True
    low = fold(answer)
    return any(fold(d) in low for d in wanted) or any(
        w in low for d in wanted for w in fold(d).split() if len(w) >= 4
    )


_PREFIX = re.compile(r"^\s*(?:balasan|draf(?: balasan)?|jawaban|reply)\s*:\s*", re.IGNORECASE)


def clean_answer(content: str) -> str:
    """Strip wrappers models like to add: quotes, a "Balasan:" label, think blocks."""
    content = re.sub(r"<think>.*?</think>", "", content, flags=re.DOTALL)
    content = _PREFIX.sub("", content.strip())
    content = content.strip().strip('"“”').strip()
    return tidy(content)


class LlmPolisher:
    """Rewrites template drafts with a chat model; returns None whenever it cannot."""

    def __init__(
        self,
        *,
        url: str,
        model: str,
        prompts: LlmPrompts,
        api_key: str | None = None,
        timeout: float = 8.0,
        cooldown_seconds: float = 30.0,
        temperature: float = 0.4,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = endpoint(url)
        self.model = model
        self.prompts = prompts
        self.api_key = api_key
        self.timeout = timeout
        self.cooldown_seconds = cooldown_seconds
        self.temperature = temperature
        self._client = client or httpx.Client(timeout=timeout)
        self._resting_until = 0.0
        self._lock = threading.Lock()

    @property
    def generator(self) -> str:
        return f"llm:{self.model}"

    def messages(self, values: dict[str, Any]) -> list[dict[str, str]]:
        values = dict(values)
        values["tone_hint"] = self.prompts.tone_hints.get(values["tone"], values["tone"])
        values.setdefault("act_hints", self.prompts.act_hints)
        values.setdefault("acts", [])
        values.setdefault("facts", [])
        values["comment"] = mask_personal(values["comment"])
        return [
            {"role": "system", "content": self.prompts.system.render(values).strip()},
            {"role": "user", "content": self.prompts.user.render(values).strip()},
        ]

    def realise(
        self,
        *,
        draft: str,
        comment: str,
        tone: str,
        acts: list[str],
        facts: list[str],
        details: list[str],
        platform: str,
        inst: str,
        max_chars: int,
        death: bool = False,
    ) -> str | None:
        """The plan written by the model, or None on timeout, error, cooldown or a bad answer.

        The prompt carries the acts of the plan and the facts the reply may state; an answer
        that drops every concrete detail of the comment, uses condolence words when nobody
        died, or is far too long is refused (the drafter then keeps the template text).
        """
        with self._lock:
            if time.monotonic() < self._resting_until:
                return None
        body = {
            "model": self.model,
            "messages": self.messages(
                {
                    "draft": draft,
                    "comment": comment,
                    "tone": tone,
                    "acts": acts,
                    "facts": facts,
                    "platform": platform,
                    "inst": inst,
                    "max_chars": max_chars,
                }
            ),
            "temperature": self.temperature,
            "max_tokens": 512,
            "stream": False,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        started = time.monotonic()
        try:
            response = self._client.post(self.url, json=body, headers=headers, timeout=self.timeout)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("drafting.llm.failed error=%s", type(exc).__name__)
            with self._lock:
                self._resting_until = time.monotonic() + self.cooldown_seconds
            return None
        answer = clean_answer(str(content or ""))
        log.info("drafting.llm.done seconds=%.2f", time.monotonic() - started)
        if not answer or len(answer) > max(2 * len(draft), max_chars):
            return None
        if not keeps_detail(answer, details):
            log.info("drafting.llm.rejected reason=no_detail")
            return None
        if not death and CONDOLENCE.search(answer):
            log.info("drafting.llm.rejected reason=condolence")
            return None
        return answer

    def close(self) -> None:
        self._client.close()
