"""KeywordClassifier: a small rule baseline behind the `Classifier` protocol.

Used when no model folder is present and as a fast fake in tests. It is not the shipped model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.nlp.action import decide
from app.nlp.classifier import Prediction
from app.nlp.labels import INTENTS, SENTIMENTS

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("spam", re.compile(r"\b(slot|gacor|maxwin|jp|depo|deposit|wd|togel|judi)\b|\w+(88|77|4d)\b")),
    ("apresiasi", re.compile(r"\b(terima ?kasih|makasih|mantap|keren|hebat|sukses|semangat)\b")),
    ("saran", re.compile(r"\b(saran|sebaiknya|usul|mohon dipertimbangkan|alangkah baiknya)\b")),
    (
        "keluhan",
        re.compile(r"\b(rusak|mati|banjir|belum (cair|dapat|terima)|lapor|aduan|tolong)\b"),
    ),
    (
        "pertanyaan",
        re.compile(r"\?|\b(bagaimana|gimana|kapan|dimana|di mana|apakah|berapa|cara)\b"),
    ),
    ("kritik", re.compile(r"\b(lambat|buruk|kecewa|percuma|gagal|payah|lelet)\b")),
]
_NEGATIVE = re.compile(
    r"\b(rusak|kecewa|buruk|lambat|mati|banjir|parah|payah|lelet|gagal|tolong)\b"
)
_POSITIVE = re.compile(r"\b(terima ?kasih|makasih|mantap|keren|hebat|bagus|sukses|semangat)\b")
_ABUSIVE = re.compile(r"\b(anjing|bangsat|goblok|tolol|bego|kampret|babi|tai)\b")


class KeywordClassifier:
    """Regex rules over lower-cased text; deterministic and dependency-free."""

    model_version = "keyword-baseline-1"

    def warmup(self) -> None:
        self.predict(["halo"])

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> Prediction:
        low = text.lower()
        intent = next((name for name, rx in _RULES if rx.search(low)), "lainnya")
        if _NEGATIVE.search(low):
            sentiment = "negatif"
        elif _POSITIVE.search(low):
            sentiment = "positif"
        else:
            sentiment = "netral"
        abusive = bool(_ABUSIVE.search(low))
        prediction = Prediction(
            intent=intent,
            sentiment=sentiment,
            abusive=abusive,
            scores={
                "intent": {i: (0.7 if i == intent else 0.05) for i in INTENTS},
                "sentiment": {s: (0.8 if s == sentiment else 0.1) for s in SENTIMENTS},
                "abusive": 0.9 if abusive else 0.05,
            },
        )
        return decide(prediction, text)
