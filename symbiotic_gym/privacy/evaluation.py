"""Scoring the detector on labelled texts: span and text-level precision, recall and F2, per type.

A labelled text has the (type, start, end) spans of the private values in it; types outside
:data:`symbiotic_gym.privacy.detector.TYPES` (a person's name, a city, a zip code alone) are kept as
``other`` spans: not counted as positives, and a finding on one is a false positive. Matching:

- adjacent labels of one type separated only by spaces, commas, line breaks (or the two characters ``\\n``)
  are one value (an address block labelled street / unit / postcode is one address);
- a label is recalled when a finding of its type overlaps it; a finding that overlaps no label of its type
  is a false positive (one finding covering two labels recalls both);
- a text is *private* when it has a label of a claimed type, *flagged* when the detector reports anything;
  text-level recall and precision are what hybrid routing cares about (a flagged step runs locally).

- an SSN is a national identifier: a ``national_id`` finding recalls a ``us_ssn`` label (generators label
  the social security numbers of other countries, e.g. Faker's en_GB NINO, as SSNs) and vice versa.

F2 weighs recall twice as much as precision: for privacy routing a miss (a leak) costs more than a false
alarm (a step run locally).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from symbiotic_gym.privacy.detector import TYPES, Detector, default_detector

SEPARATOR_ONLY = re.compile(r"(?:[\s,;]|\\n)*")
# finding types that recall a label of another type (the same kind of value)
SAME_KIND = {"us_ssn": {"us_ssn", "national_id"}, "national_id": {"us_ssn", "national_id"}}


def _same_kind(finding_type: str, label_type: str) -> bool:
    return label_type in SAME_KIND.get(finding_type, {finding_type})


@dataclass
class LabelledText:
    text: str
    labels: list[tuple[str, int, int]] = field(default_factory=list)
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "labels": [list(x) for x in self.labels], "source": self.source}

    @classmethod
    def from_json(cls, d: dict[str, Any], where: str = "") -> LabelledText:
        try:
            text = d["text"]
            labels = [(str(t), int(s), int(e)) for t, s, e in d.get("labels", [])]
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(
                f"{where}: a labelled text needs 'text' and 'labels' [[type, start, end], ...]: {e}"
            ) from e
        for t, s, e in labels:
            if not 0 <= s < e <= len(text):
                raise ValueError(f"{where}: label {t} [{s}, {e}) lies outside the text ({len(text)} characters)")
        return cls(text, labels, str(d.get("source", "")))


def merged_labels(sample: LabelledText) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for kind, s, e in sorted(sample.labels, key=lambda x: (x[0], x[1], x[2])):
        if (out and out[-1][0] == kind and SEPARATOR_ONLY.fullmatch(sample.text[out[-1][2] : s]) is not None) or (
            out and out[-1][0] == kind and s < out[-1][2]
        ):
            out[-1] = (kind, out[-1][1], max(out[-1][2], e))
        else:
            out.append((kind, s, e))
    return sorted(out, key=lambda x: (x[1], x[2]))


def _rates(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f2": 5 * p * r / (4 * p + r) if p + r else 0.0}


def _text_rates(private: int, flagged: int, both: int, n: int) -> dict[str, Any]:
    return {
        "n": n,
        "private": private,
        "flagged": flagged,
        "recall": both / private if private else 1.0,
        "precision": both / flagged if flagged else 1.0,
    }


def score(
    samples: Sequence[LabelledText],
    detector: Detector | None = None,
    *,
    keep_errors: int = 0,
    group: Callable[[LabelledText], str] | None = None,
) -> dict[str, Any]:
    """Per-type span counts and rates, micro totals, text-level rates and (``keep_errors``) examples of
    misses and false alarms (texts included: only for labelled sets, never for real observations).
    ``group``: also text-level rates per group of texts (e.g. per locale), under ``groups``."""
    det = detector or default_detector()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    texts = Counter()
    groups: dict[str, Counter[str]] = {}
    errors: dict[str, list[dict[str, Any]]] = {"missed": [], "false_alarm": []}
    start = time.perf_counter()
    for sample in samples:
        found = det.scan(sample.text)
        labels = merged_labels(sample)
        claimed = [x for x in labels if x[0] in TYPES]
        for kind, s, e in claimed:
            if any(_same_kind(f.type, kind) and f.start < e and s < f.end for f in found):
                tp[kind] += 1
            else:
                fn[kind] += 1
                if len(errors["missed"]) < keep_errors:
                    errors["missed"].append({"type": kind, "value": sample.text[s:e], "text": sample.text})
        for f in found:
            if not any(_same_kind(f.type, kind) and f.start < e and s < f.end for kind, s, e in claimed):
                fp[f.type] += 1
                if len(errors["false_alarm"]) < keep_errors:
                    errors["false_alarm"].append(
                        {"type": f.type, "value": sample.text[f.start : f.end], "recognizer": f.recognizer,
                         "text": sample.text}
                    )  # fmt: skip
        private, flagged = bool(claimed), bool(found)
        texts["private"] += private
        texts["flagged"] += flagged
        texts["flagged_private"] += private and flagged
        if group is not None:
            g = groups.setdefault(group(sample), Counter())
            g.update(n=1, private=private, flagged=flagged, both=private and flagged)
    elapsed = time.perf_counter() - start
    types = {}
    for kind in TYPES:
        if tp[kind] + fn[kind] + fp[kind]:
            types[kind] = {"tp": tp[kind], "fp": fp[kind], "fn": fn[kind], **_rates(tp[kind], fp[kind], fn[kind])}
    total = {k: sum(v[k] for v in types.values()) for k in ("tp", "fp", "fn")}
    total.update(_rates(total["tp"], total["fp"], total["fn"]))
    text_level = _text_rates(texts["private"], texts["flagged"], texts["flagged_private"], len(samples))
    report: dict[str, Any] = {
        "types": types,
        "micro": total,
        "texts": text_level,
        "texts_per_s": len(samples) / elapsed if elapsed else 0.0,
    }
    if group is not None:
        report["groups"] = {
            k: _text_rates(g["private"], g["flagged"], g["both"], g["n"]) for k, g in sorted(groups.items())
        }
    if keep_errors:
        report["errors"] = errors
    return report


def read_jsonl(lines: Iterable[str], where: str) -> list[LabelledText]:
    import json

    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}:{i}: not JSON: {e}") from e
        out.append(LabelledText.from_json(d, f"{where}:{i}"))
    return out
