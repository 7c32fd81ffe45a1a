"""Revision 0002: stored phones re-hyphenated by the library, the rest kept as typed, sync
columns untouched (every replica runs the same migration; see its docstring)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from db import migrate
from db.engine import sqlite_engine

BEFORE_AND_AFTER = [
    ("0312345678", "03-1234-5678"),
    ("0422-515-131", "0422-51-5131"),
    ("04992 2 1234", "04992-2-1234"),
    ("０９０１２３４５６７８", "090-1234-5678"),
    ("03-1234-5678", "03-1234-5678"),
    ("119", "119"),
    # Kept as typed: digits would change, an extension, a number the library does not know.
    ("+81 3 1234 5678", "+81 3 1234 5678"),
    ("03-1234-5678 内線12", "03-1234-5678 内線12"),
    ("03-0800-1001", "03-0800-1001"),
    ("", ""),
]


def test_phones_are_reformatted_and_the_rest_kept(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "old.sqlite")
    migrate.upgrade(engine, "0001_initial")
    with engine.begin() as conn:
        for i, (typed, _) in enumerate(BEFORE_AND_AFTER):
            conn.execute(
                text(
                    "INSERT INTO members (id, chapter_id, version, seen_version, local_seq, deleted,"
                    " family_name, given_name, family_kana, given_kana, reading_key, search_text,"
                    " member_number, coop, postal_code, address, phone, mobile, email, roles,"
                    " consent_contact, consent_photo, note, status)"
                    " VALUES (:id, NULL, :v, '', :seq, 0, '会員', '', '', '', '', '', '', '', '', '',"
                    " :phone, :mobile, '', '[]', 0, 0, '', 'active')"
                ),
                {"id": f"m{i}", "v": f"v{i}", "seq": 100 + i, "phone": typed, "mobile": typed},
            )
        contacts = [{"name": "長女", "relation": "", "phone": t} for t, _ in BEFORE_AND_AFTER]
        conn.execute(
            text(
                "INSERT INTO watched_persons (id, chapter_id, version, seen_version, local_seq,"
                " deleted, family_name, given_name, family_kana, given_kana, reading_key,"
                " search_text, postal_code, address, phone, household, emergency_contacts,"
                " visit_interval_days, preferred_method, watch_for, care_notes, status,"
                " end_reason, consent_scope, consent_by, consent_emergency_sharing, erased)"
                " VALUES ('w1', NULL, 'vw', '', 7, 0, '見守り', '', '', '', '', '', '', '',"
                " '0312345678', 'alone', :contacts, 14, 'visit', '', '', 'active', '', '', '', 0, 0)"
            ),
            {"contacts": json.dumps(contacts, ensure_ascii=False)},
        )
        conn.execute(
            text(
                "INSERT INTO organisations (id, chapter_id, version, seen_version, local_seq,"
                " deleted, name, short_name, kana, kind, municipality, phone, address, note)"
                " VALUES ('o1', NULL, 'vo', '', 8, 0, '社協', '', '', 'other', '', '0426263111', '', '')"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, phone, mobile, version, local_seq FROM members ORDER BY local_seq")
        ).all()
        person = conn.execute(
            text("SELECT phone, emergency_contacts, version, local_seq FROM watched_persons")
        ).one()
        org = conn.execute(text("SELECT phone, version, local_seq FROM organisations")).one()
    engine.dispose()
    for (_, phone, mobile, version, seq), (i, (_, expected)) in zip(
        rows, enumerate(BEFORE_AND_AFTER), strict=True
    ):
        assert (phone, mobile) == (expected, expected)
        assert (version, seq) == (f"v{i}", 100 + i)  # not stamped: no sync traffic, no conflicts
    assert person[0] == "03-1234-5678"
    assert [c["phone"] for c in json.loads(person[1])] == [a for _, a in BEFORE_AND_AFTER]
    assert tuple(person[2:]) == ("vw", 7)
    assert tuple(org) == ("042-626-3111", "vo", 8)
