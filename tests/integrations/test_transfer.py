"""Import (CSV/JSONL) and export (queue, audit): API and CLI round trips."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import Session, select

from app.tables import Comment
from tests.conftest import _clean

CSV = (
    "platform,id,message,username,created_at\n"
    'instagram,ig-1,"Jalan rusak, tolong diperbaiki",warga1,2026-01-05T08:00:00Z\n'
    "facebook,fb-1,Bagaimana cara daftar BPJS?,warga2,1767600000\n"
    "tiktok,tt-1,,warga3,\n"
    "myspace,ms-1,halo,warga4,\n"
)


def _upload(client, headers, content: bytes, name: str, **form):
    return client.post(
        "/api/v1/import", files={"file": (name, content)}, data=form, headers=headers
    )


def test_import_export_round_trip(iclient, engine, iworker, make_key):
    key = make_key("integration")
    r = _upload(iclient, key, CSV.encode(), "comments.csv", account="dinas")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["rows"], report["created"], report["failed"]) == (4, 2, 2)
    assert [e["line"] for e in report["errors"]] == [4, 5]
    assert "platform" in report["errors"][1]["message"]
    # Importing the same file again creates nothing.
    again = _upload(iclient, key, CSV.encode(), "comments.csv", account="dinas").json()
    assert (again["created"], again["existing"]) == (0, 2)

    iworker.drain()
    r = iclient.get("/api/v1/export/queue?format=csv", headers=key)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["external_id"] for row in rows} == {"ig-1", "fb-1"}
    assert all(row["account"] == "dinas" and row["draft_text"] for row in rows)
    assert rows[0]["intent"] == "keluhan"  # most urgent first

    audit = iclient.get("/api/v1/export/audit?format=jsonl", headers=key)
    events = [json.loads(line) for line in audit.text.splitlines()]
    assert {"comment.ingested", "comment.classified", "draft.created"} <= {
        e["action"] for e in events
    }
    assert isinstance(events[0]["details"], dict)

    # Round trip: the exported queue imports back into an empty database.
    exported = iclient.get("/api/v1/export/queue?format=jsonl", headers=key).content
    _clean(engine)
    key = make_key("integration")
    back = _upload(iclient, key, exported, "queue.jsonl").json()
    assert (back["created"], back["failed"]) == (2, 0)
    with Session(engine) as s:
        restored = {c.external_id: c for c in s.exec(select(Comment))}
    assert restored["ig-1"].text == "Jalan rusak, tolong diperbaiki"
    assert restored["fb-1"].account == "dinas" and restored["fb-1"].source == "import"
    assert restored["fb-1"].created_at.timestamp() == 1767600000


def test_import_needs_a_key_and_a_known_format(iclient, make_key):
    assert _upload(iclient, {}, b"x", "a.csv").status_code == 401
    r = _upload(iclient, make_key("integration"), b"x", "a.txt")
    assert r.status_code == 422
    bad = _upload(iclient, make_key("integration"), b'{"platform": "web"}\nnot json\n', "a.jsonl")
    assert bad.json()["failed"] == 2 and bad.json()["errors"][1]["message"] == "not valid JSON"


def test_cli_import_and_export(engine, isettings, tmp_path, monkeypatch, capsys):
    from app import cli
    from app.integrations import commands

    monkeypatch.setattr(commands, "get_settings", lambda: isettings)
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"external_id": "x-1", "text": "Kapan bansos cair?", "author": "a"}) + "\n"
    )
    assert cli.main(["import", "--input", str(src), "--platform", "x"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 1
    out = tmp_path / "audit.csv"
    assert cli.main(["export", "audit", "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["action"] for r in rows] == ["comment.ingested"]
    assert json.loads(rows[0]["details"])["external_id"] == "x-1"
