"""The draft evaluation set and its checks (`tanggap eval drafts`)."""

from __future__ import annotations

from pathlib import Path

from app.config import ROOT
from app.drafting import evaluation
from app.drafting.composer import PlanDrafter
from app.drafting.drafter import DraftContext, DraftResult

DATA = ROOT / "tests" / "drafting" / "data"


def test_the_set_is_large_labeled_and_split() -> None:
    dev = evaluation.load(DATA / "evalset.dev.yaml")
    held = evaluation.load(DATA / "evalset.heldout.yaml")
    assert len(dev) + len(held) >= 200 and len(held) >= 80
    ids = [i.id for i in dev + held]
    assert len(ids) == len(set(ids))
    texts = {i.text for i in dev} & {i.text for i in held}
    assert not texts
    actions = {i.action for i in dev + held}
    assert actions == {"reply", "no_reply", "hide"}
    for item in dev + held:
        for _, value in item.pii:
            assert value in item.text, item.id


def test_the_dev_part_passes(drafter: PlanDrafter, demo: DraftContext) -> None:
    items = evaluation.load(DATA / "evalset.dev.yaml")
    outcomes = evaluation.run(drafter, items, context=lambda _: demo)
    report = evaluation.summary(outcomes)
    assert report["pass_share"] >= 0.9, [(o.item.id, o.reasons) for o in outcomes if not o.passed]
    assert report["duplicate_share"] <= 0.05


def test_checks_catch_what_a_reviewer_would(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(
        "items:\n"
        "- {id: a, text: 'KTP sudah 3 minggu belum jadi', intent: keluhan, sentiment: negatif,"
        " action: reply, acts: [empathy], facts: [], must: ['3 minggu'], must_not: [kronologi]}\n",
        encoding="utf-8",
    )
    [item] = evaluation.load(path)
    bad = DraftResult(
        action="reply",
        text="Halo Bapak/Ibu, kami turut berduka. Kirim kronologinya ya. Kami senang sekali!",
        acts=["empathy"],
        facts=["jam-layanan"],
    )
    reasons = evaluation.check(item, bad, tone="santai")
    joined = " | ".join(reasons)
    for expected in ("states KB entry", "missing '3 minggu'", "kronologi", "condolence",
                     "good news", "santai reply says Bapak/Ibu"):  # fmt: skip
        assert expected in joined, joined
    assert evaluation.check(item, DraftResult(action="hide", text=None), tone="santai") == [
        "action hide, expected reply"
    ]
    assert evaluation.duplicate_share(["a", "a", "b", None]) == (1 / 3, 1, 3)
