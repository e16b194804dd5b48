"""Queue priority: what a reviewer should look at first.

Higher is more urgent. The queue is ordered by priority, then by the comment's age (oldest first).

| signal                              | points |
|-------------------------------------|--------|
| intent keluhan (a concrete problem) | 50     |
| intent pertanyaan                   | 40     |
| intent kritik                       | 30     |
| intent saran                        | 20     |
| spam to hide                        | 15     |
| intent lainnya                      | 10     |
| intent apresiasi                    | 5      |
| negative sentiment                  | +25    |
| abusive                             | +20    |
| intent confidence >= 0.8            | +5     |
"""

from __future__ import annotations

from app.nlp.classifier import Prediction

INTENT_POINTS = {
    "keluhan": 50,
    "pertanyaan": 40,
    "kritik": 30,
    "saran": 20,
    "spam": 15,
    "lainnya": 10,
    "apresiasi": 5,
}


def priority(prediction: Prediction) -> int:
    """Score a classified comment for the review queue."""
    points = INTENT_POINTS.get(prediction.intent, 10)
    if prediction.sentiment == "negatif":
        points += 25
    if prediction.abusive:
        points += 20
    intent_scores = prediction.scores.get("intent", {}) if prediction.scores else {}
    if isinstance(intent_scores, dict) and intent_scores.get(prediction.intent, 0.0) >= 0.8:
        points += 5
    return points
