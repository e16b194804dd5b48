"""Reviewer label corrections become training examples."""

from sqlmodel import Session

from app.comments import service as comments_service


def test_corrected_labels_become_training_examples(engine, settings) -> None:
    with Session(engine) as s:
        [stored] = comments_service.ingest(
            session=s,
            items=[
                comments_service.NewComment(platform="web", external_id="f1", text="menang 100jt")
            ],
            source="api",
            actor="test",
            settings=settings,
            classifier=None,
            drafter=None,
        )
        comments_service.correct_labels(
            session=s,
            comment_id=stored.comment.id,
            actor="reviewer",
            intent="spam",
            sentiment=None,
            abusive=None,
        )
        [example] = comments_service.feedback_examples(session=s)
    assert (example.text, example.source, example.intent) == ("menang 100jt", "feedback", "spam")
    assert example.sentiment is None
