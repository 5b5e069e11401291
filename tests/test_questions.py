"""The question map: every timestamp in the comments is covered, every claim named exists, own words only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivations.claims.questions import QUESTIONS, Question
from derivations.registry import REQUIRED_IDS, all_claims

#: The seed sits beside the clone (CI keeps ``shared/`` at the same relative path).
SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "lecture-comments.txt"
#: "m:ss" anywhere, and the "@m.ss" spelling one comment uses (19.57 means 19:57).
COLON_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
DOT_TIME = re.compile(r"@(\d{1,2})\.(\d{2})(?!\d)")
#: A run of this many words copied from a comment counts as quoting it.
QUOTE_WORDS = 8


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed comments not found at {SEED} (shared/ must sit beside the clone)")
    return SEED.read_text(encoding="utf-8")


def seed_timestamps(text: str) -> set[str]:
    return {f"{int(m)}:{ss}" for m, ss in (*COLON_TIME.findall(text), *DOT_TIME.findall(text))}


def test_timestamp_parser_reads_both_spellings() -> None:
    assert seed_timestamps("at 4:48 and @19.57, not 1.5 or 12:345 (26:19)") == {"4:48", "19:57", "26:19"}


def test_every_timestamp_in_the_comments_is_covered(seed_text: str) -> None:
    found = seed_timestamps(seed_text)
    covered = {q.timestamp for q in QUESTIONS}
    assert found, "no timestamps parsed from the seed: the parser or the file changed"
    assert sorted(found - covered) == []


def test_every_covered_timestamp_appears_in_the_comments(seed_text: str) -> None:
    timed = {q.timestamp for q in QUESTIONS if q.timestamp is not None}
    assert sorted(timed - seed_timestamps(seed_text)) == []


def test_untimed_questions_are_included() -> None:
    untimed = [q.question for q in QUESTIONS if q.timestamp is None]
    for topic in ("negative of the objective", "N(0, I)", "theta and phi", "expectation", "x-hat"):
        assert any(topic in question for question in untimed), topic


def test_every_entry_has_a_question_claims_and_an_answer() -> None:
    for q in QUESTIONS:
        assert q.question.strip(), q
        assert q.answer.strip(), q
        assert q.claim_ids, q


def test_no_question_is_listed_twice() -> None:
    keys = [(q.timestamp, q.question) for q in QUESTIONS]
    assert len(keys) == len(set(keys))


def test_named_claim_ids_are_registered_or_promised() -> None:
    # A typo fails here at once, even while a promised claim's module is still being written.
    known = {c.id for c in all_claims()} | set(REQUIRED_IDS)
    named = {cid for q in QUESTIONS for cid in q.claim_ids}
    assert sorted(named - known) == []


def test_every_claim_id_named_exists_in_the_registry() -> None:
    known = {c.id for c in all_claims()}
    missing = sorted({cid for q in QUESTIONS for cid in q.claim_ids} - known)
    if missing and set(missing) <= set(REQUIRED_IDS):
        pytest.skip(f"promised claims not yet in the registry: {missing}")
    assert missing == []


def word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_questions_and_answers_do_not_quote_the_comments(seed_text: str) -> None:
    quoted = word_runs(seed_text, QUOTE_WORDS)
    for q in QUESTIONS:
        for field in (q.question, q.answer):
            assert not (word_runs(field, QUOTE_WORDS) & quoted), field


@pytest.mark.parametrize(
    ("timestamp", "claim_ids", "answer"),
    [("4.48", ("kl-identity",), "a"), ("", ("kl-identity",), "a"), ("4:48", (), "a"), ("4:48", ("x",), " ")],
    ids=["dot-time", "empty-time", "no-claims", "blank-answer"],
)
def test_malformed_entry_is_rejected(timestamp: str, claim_ids: tuple[str, ...], answer: str) -> None:
    with pytest.raises(ValueError, match=r"timestamp|claim id"):
        Question(timestamp, "q?", claim_ids, answer)
