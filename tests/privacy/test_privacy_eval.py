"""Scoring the detector on labelled sets: matching rules, text-level rates, the sets and the CLI."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import pytest

from benchmarks import privacy_eval
from benchmarks.privacy_sets import faker_set, load_set
from symbiotic_gym.privacy.evaluation import LabelledText, merged_labels, read_jsonl, score


def test_adjacent_parts_of_one_address_are_one_label_and_one_finding_recalls_them() -> None:
    text = "Ship to: 12 Baker Street\\n Suite 4\\n London NW1 6XE"
    parts = [("street_address", 9, 24), ("street_address", 27, 34), ("street_address", 37, 50), ("other:GPE", 37, 43)]
    sample = LabelledText(text, parts)
    assert merged_labels(sample)[0] == ("street_address", 9, 50)
    report = score([sample])
    assert report["types"]["street_address"]["tp"] == 1 and report["types"]["street_address"]["fn"] == 0
    assert report["texts"] == {"n": 1, "private": 1, "flagged": 1, "recall": 1.0, "precision": 1.0}


def test_a_finding_on_an_unclaimed_span_is_a_false_alarm_and_a_miss_counts() -> None:
    samples = [
        LabelledText("My zip code is 97400, card 4539 1488 0343 6467", [("other:ZIP_CODE", 15, 20)]),
        LabelledText("Call me at (415) 555-0142", []),
        LabelledText("Her name is Ann Lee", [("other:PERSON", 12, 19)]),
        LabelledText("my pin is blue", [("password", 10, 14)]),
    ]
    report = score(samples, keep_errors=5)
    assert report["types"]["payment_card"]["fp"] == 1 and report["types"]["phone"]["fp"] == 1
    assert report["types"]["password"]["fn"] == 1
    assert report["texts"]["private"] == 1 and report["texts"]["flagged"] == 2 and report["texts"]["recall"] == 0.0
    assert [e["type"] for e in report["errors"]["missed"]] == ["password"]


def test_a_saved_set_must_be_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "abc", "labels": [["phone", 1, 9]]}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: label phone \[1, 9\) lies outside"):
        read_jsonl(path.read_text().splitlines(), str(path))
    with pytest.raises(SystemExit, match="not one of synthetic, faker, presidio, web, web-mimesis and not a file"):
        load_set(str(tmp_path / "missing.jsonl"), 10, 0)


def test_faker_set_is_reproducible_and_labels_point_at_the_values() -> None:
    a, b = faker_set(200, 3), faker_set(200, 3)
    assert [s.to_json() for s in a] == [s.to_json() for s in b]
    kinds = {kind for s in a for kind, _, _ in s.labels}
    assert {"phone", "street_address", "payment_card", "iban", "email", "date_of_birth"} <= kinds
    for s in a:
        for _, start, end in s.labels:
            assert s.text[start:end].strip() == s.text[start:end] and end > start


def test_detector_meets_the_goals_on_a_held_out_faker_seed() -> None:
    """The acceptance goals of the detector on third-party values (a seed not used while writing it):
    text-level recall and precision >= 0.97, no type below 0.95 recall."""
    report = score(faker_set(1500, 7))
    assert report["texts"]["recall"] >= 0.97 and report["texts"]["precision"] >= 0.97, report["texts"]
    low = {k: round(v["recall"], 3) for k, v in report["types"].items() if v["recall"] < 0.95}
    assert not low, low


def test_cli_prints_sets_side_by_side_and_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "set.jsonl"
    assert privacy_eval.main(["--set", "faker", "--n", "60", "--export", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 60
    capsys.readouterr()
    assert privacy_eval.main(["--set", "synthetic", "--set", str(out), "--n", "60", "--errors", "1"]) == 0
    printed = capsys.readouterr().out
    assert "synthetic" in printed and str(out)[:26] in printed and "text level" in printed
    assert "embedded suite goals" in printed
    assert privacy_eval.main(["--set", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["versions"]["phonenumbers"] != "not installed" and report["sets"][str(out)]["texts"]["n"] == 60


def test_detector_meets_the_goals_on_presidios_generator() -> None:
    """On Microsoft Presidio's evaluation generator (third-party templates and values; installed by the
    default setup as the privacy-eval extra), with a seed not used while writing the recognizers."""
    pytest.importorskip("presidio_evaluator")
    report = score(load_set("presidio", 1500, 11))
    assert report["texts"]["recall"] >= 0.97 and report["texts"]["precision"] >= 0.97, report["texts"]
    # one of Presidio's date-of-birth templates is "It's like that since {{date_of_birth}}": a date after
    # "since" is no birth date (a member-since date; issue 45), so that type's recall is held lower
    low = {k: round(v["recall"], 3) for k, v in report["types"].items() if v["recall"] < 0.95}
    assert set(low) <= {"date_of_birth"} and report["types"]["date_of_birth"]["recall"] >= 0.4, low
    assert {"phone", "street_address", "payment_card", "date_of_birth"} <= set(report["types"])


@pytest.mark.parametrize("source", ["faker", "mimesis"])
def test_web_sets_are_multilingual_hard_and_labelled_where_the_values_are(source: str) -> None:
    pytest.importorskip(source)
    from benchmarks.privacy_web_set import LOCALES, web_set

    a, b = web_set(320, 5, source), web_set(320, 5, source)
    assert [s.to_json() for s in a] == [s.to_json() for s in b]  # a function of its seed
    assert {s.source.split(":")[1] for s in a} == set(LOCALES) and len(LOCALES) >= 12
    assert sum(not s.labels for s in a) / len(a) >= 0.4  # texts with look-alikes only
    for s in a:
        for _, start, end in s.labels:
            assert s.text[start:end].strip() == s.text[start:end] and end > start


def test_detector_meets_the_goals_on_the_web_sets_of_a_held_out_seed() -> None:
    """Issue 45's goals on a seed not used while writing the recognizers: text recall and precision
    >= 0.97, no type below 0.90 span recall, no locale below 0.93 text recall."""
    from benchmarks.privacy_web_set import web_set

    for source in ("faker", *(["mimesis"] if find_spec("mimesis") else [])):
        report = score(web_set(640, 13, source), group=lambda s: s.source.split(":")[1])
        assert report["texts"]["recall"] >= 0.97 and report["texts"]["precision"] >= 0.97, report["texts"]
        low = {k: round(v["recall"], 3) for k, v in report["types"].items() if v["recall"] < 0.9}
        assert not low, (source, low)
        weak = {k: round(v["recall"], 3) for k, v in report["groups"].items() if v["recall"] < 0.93}
        assert not weak, (source, weak)
