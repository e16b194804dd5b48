"""Label sets shared by the classifier, training, the API and the UI."""

INTENTS: tuple[str, ...] = (
    "pertanyaan",
    "keluhan",
    "kritik",
    "saran",
    "apresiasi",
    "spam",
    "lainnya",
)
SENTIMENTS: tuple[str, ...] = ("positif", "netral", "negatif")
TONES: tuple[str, ...] = ("santai", "netral", "formal")
