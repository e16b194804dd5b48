"""Optional LLM polishing through any OpenAI-compatible chat-completions endpoint.

vLLM, Ollama and the llama.cpp server all speak this contract. The model only rewrites the
template draft; the drafter runs the guardrails on its answer and keeps the template draft when
the answer breaks a rule, the call fails or it takes longer than ``llm_timeout_seconds``.
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
        )


def mask_personal(text: str) -> str:
    """The comment with personal data replaced, before it leaves the process."""
    for item in sorted(set(personal_data_of(text)), key=len, reverse=True):
        text = text.replace(item, "[data pribadi]")
    return text


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
        values["comment"] = mask_personal(values["comment"])
        return [
            {"role": "system", "content": self.prompts.system.render(values).strip()},
            {"role": "user", "content": self.prompts.user.render(values).strip()},
        ]

    def polish(
        self,
        *,
        draft: str,
        comment: str,
        tone: str,
        intent: str,
        sentiment: str,
        platform: str,
        inst: str,
        max_chars: int,
        kb: dict[str, Any] | None = None,
    ) -> str | None:
        """The polished draft, or None on timeout, error, cooldown or an unusable answer."""
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
                    "intent": intent,
                    "sentiment": sentiment,
                    "platform": platform,
                    "inst": inst,
                    "max_chars": max_chars,
                    "kb": kb,
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
        return answer

    def close(self) -> None:
        self._client.close()
