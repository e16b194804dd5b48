"""Generated training text: letter-like messages, disguised gambling names, look-alike comments."""

from __future__ import annotations

import random

from app.nlp.normalise import normalise
from app.nlp.synth import (
    bait_comments,
    disguise,
    everyday_comments,
    fake_handle,
    formal_messages,
    judol_messages,
    service_stories,
    site_name,
    terse_reports,
)


def test_formal_messages_are_unique_and_labeled_as_asked() -> None:
    out = formal_messages(random.Random(0), {"pertanyaan": 40, "kritik": 10})
    assert [i for _, i in out].count("pertanyaan") == 40
    assert [i for _, i in out].count("kritik") == 10
    assert len({t for t, _ in out}) == len(out)
    assert all("{" not in t for t, _ in out), "every placeholder is filled"


def test_questions_may_open_with_the_writers_situation() -> None:
    out = [t for t, _ in formal_messages(random.Random(1), {"pertanyaan": 200})]
    with_context = [t for t in out if t.startswith(("Anak saya", "Saya baru pindah", "Kami"))]
    assert with_context
    # The situation is its own sentence: whatever follows starts with a capital letter.
    rest = with_context[0].split(". ", 1)[1]
    assert rest[0].isupper()


def test_disguised_site_names_fold_back_to_the_name() -> None:
    rng = random.Random(3)
    folded = 0
    for _ in range(300):
        name = site_name(rng, ["5unsur", "123vegas"])
        shown = disguise(name, rng)
        plain = normalise(shown).lower()
        folded += name.lower() in plain.replace(" ", "")
    # Leetspeak (P3RM4T4) is partly left as written when digits end the name; the rest folds.
    assert folded >= 240


def test_disguise_uses_styled_letters() -> None:
    rng = random.Random(4)
    shown = [disguise("dewadora88", rng) for _ in range(50)]
    assert any(any(ord(c) > 0x1D000 for c in s) for s in shown)
    assert any(" " in s for s in shown), "some names are spaced out letter by letter"


def test_judol_messages_promote_a_site_and_bait_comments_do_not_name_one() -> None:
    sites = ["5unsur"]
    promo = judol_messages(random.Random(5), sites, 200)
    assert len(promo) == 200 and len(set(promo)) == 200
    assert all("{" not in t for t in promo)
    bait = bait_comments(random.Random(5), 200)
    assert len(bait) == 200
    assert not any("5unsur" in normalise(t).lower() for t in bait)
    assert any("pulau" in t for t in bait) and any("menang" in t for t in bait)


def test_fake_handles_look_like_user_names() -> None:
    rng = random.Random(6)
    handles = [fake_handle(rng) for _ in range(100)]
    assert all(" " not in h and h == h.lower() for h in handles)
    assert sum(any(c.isdigit() for c in h) for h in handles) > 60


def test_terse_reports_are_short_unique_and_filled() -> None:
    out = terse_reports(random.Random(6), 300)
    assert len(out) == 300 and len(set(out)) == 300
    assert all("{" not in t for t in out)
    assert max(len(t.split()) for t in out) < 40
    assert any("lapor" in t.lower() for t in out), "some carry anger after earlier reports"


def test_service_stories_tell_one_failure_in_the_first_person() -> None:
    out = service_stories(random.Random(7), 300)
    assert len(out) == 300 and len(set(out)) == 300
    assert all("{" not in t for t in out)
    assert all("saya" in t.lower() for t in out)


def test_everyday_comments_name_people_gadgets_and_prices_but_promote_nothing() -> None:
    out = everyday_comments(random.Random(8), 400)
    assert len(out) == 400 and len(set(out)) == 400
    assert all("{" not in t and "}" not in t for t in out), "every slot is filled"
    # The name parts site names are made of appear in ordinary talk ...
    assert any("win" in t for t in out) and any("toto" in t for t in out)
    assert sum(any(c.isdigit() for c in t) for t in out) > 150, "model numbers, prices, scores"
    # ... but never a promotion phrase.
    promo_words = ("depo", "maxwin", "gacor", "wd ", "slot", "rtp")
    assert not any(w in t for t in out for w in promo_words)
    assert everyday_comments(random.Random(8), 400) == out, "the same seed gives the same texts"
