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
ACTIONS: tuple[str, ...] = ("reply", "no_reply", "hide")
PII_TYPES: tuple[str, ...] = ("nik", "phone", "email", "address", "bank_account")
