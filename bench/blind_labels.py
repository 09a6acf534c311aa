"""A second, blind labeller for the real-message corpus: how far two labellers agree.

``export`` draws a sample of the **train and dev** splits only (the test split is never
read here), stratified by source, with a fixed seed, and writes it without any label or
note to ``corpus/second_labeller/blind.yaml``. A second labeller labels that file, from
``docs/labelling.md`` alone, into ``corpus/second_labeller/labels.yaml``. ``compare``
then sets those labels against the corpus's and prints raw agreement and Cohen's kappa
for intent, scope, stage, "asks a change" (scope other than ``none``) and a coarse scope
(``vague`` and ``mixed`` read as ``in_scope``): overall with a bootstrap interval, per
language, and on the messages the second labeller doubted while labelling and the rest;
then the confusion tables of scope and intent, the kinds of disagreement written in
``disagreements.yaml`` (after comparing), and every disagreement.

Stratified by source: each source gets ``size * n / total`` places, rounded down, and the
places left over go to the largest remainders (ties broken by the seeded generator), so a
large collection cannot crowd out the small sites and every draw is reproducible.
"""

from __future__ import annotations

import argparse
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.real_messages import CORPUS, frozen_splits, load_raw

FOLDER = CORPUS / "second_labeller"
BLIND = FOLDER / "blind.yaml"
LABELS = FOLDER / "labels.yaml"
KINDS = FOLDER / "disagreements.yaml"
SAMPLE_SIZE = 120
SEED = 20261207
SPLITS_SAMPLED = ("train", "dev")
BLIND_FIELDS = ("id", "message", "language", "work", "agreed", "agreed_from_page", "medium")
LABEL_KEYS = ("intent", "scope", "stage")
# Scope with the judgement "vague or concrete?" taken out: vague and mixed read as in_scope.
COARSE_SCOPE = {"vague": "in_scope", "mixed": "in_scope"}
MEASURES = (*LABEL_KEYS, "asks_change", "scope_coarse")
BOOTSTRAP_ROUNDS = 2000


def sampled_records(splits: Sequence[str] = SPLITS_SAMPLED) -> list[tuple[str, dict[str, Any]]]:
    """(source, raw record) for every record whose source lies in ``splits``."""
    placed = frozen_splits()
    return [(p.stem, raw) for p, raw in load_raw() if placed.get(p.stem) in splits]


def allocate(sizes: dict[str, int], n: int, rng: random.Random) -> dict[str, int]:
    """Places per source, proportional to its size (largest remainders, seeded ties)."""
    total = sum(sizes.values())
    quota = {s: size * n / total for s, size in sizes.items()}
    places = {s: math.floor(q) for s, q in quota.items()}
    order = sorted(sizes, key=lambda s: (-(quota[s] - places[s]), rng.random(), s))
    for source in order[: n - sum(places.values())]:
        places[source] += 1
    return places


def draw(n: int = SAMPLE_SIZE, seed: int = SEED) -> list[dict[str, Any]]:
    """The blind sample: ``n`` records of train and dev, label-free, in a seeded order."""
    rng = random.Random(seed)
    records = sampled_records()
    by_source: dict[str, list[dict[str, Any]]] = {}
    for source, raw in records:
        by_source.setdefault(source, []).append(raw)
    places = allocate({s: len(r) for s, r in sorted(by_source.items())}, n, rng)
    chosen = [raw for s in sorted(by_source) for raw in rng.sample(by_source[s], places[s])]
    rng.shuffle(chosen)
    return [{key: raw[key] for key in BLIND_FIELDS} for raw in chosen]


def export(path: Path = BLIND) -> None:
    """Write the blind sample (no label, no note, no source URL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Blind sample for a second labeller (python -m bench.blind_labels export):\n"
        f"# {SAMPLE_SIZE} messages of the train and dev splits, stratified by source,"
        f" seed {SEED}.\n# No labels, no notes. Label into labels.yaml from docs/labelling.md.\n"
    )
    body = yaml.safe_dump(draw(), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + body, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Pair:
    """One message labelled twice: the corpus's labels (``first``) and the second's.
    ``doubt`` is true when the second labeller wrote down a doubt while labelling."""

    id: str
    language: str
    message: str
    first: dict[str, str]
    second: dict[str, str]
    doubt: bool


def _with_derived(labels: dict[str, Any]) -> dict[str, str]:
    out = {key: str(labels[key]) for key in LABEL_KEYS}
    out["asks_change"] = "yes" if out["scope"] != "none" else "no"
    out["scope_coarse"] = COARSE_SCOPE.get(out["scope"], out["scope"])
    return out


def pairs(labels_path: Path = LABELS, blind_path: Path = BLIND) -> list[Pair]:
    """Every message of the blind sample with both labellings (all must be labelled)."""
    blind = yaml.safe_load(blind_path.read_text(encoding="utf-8"))
    second = {str(r["id"]): r for r in yaml.safe_load(labels_path.read_text(encoding="utf-8"))}
    missing = [r["id"] for r in blind if str(r["id"]) not in second]
    if missing:
        raise SystemExit(f"not labelled yet: {', '.join(missing)}")
    corpus = {str(raw["id"]): raw for _, raw in sampled_records()}
    return [
        Pair(
            id=str(r["id"]),
            language=str(r["language"]),
            message=str(r["message"]),
            first=_with_derived(corpus[str(r["id"])]),
            second=_with_derived(second[str(r["id"])]),
            doubt=bool(second[str(r["id"])].get("doubt")),
        )
        for r in blind
    ]


def kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two labellings of the same items (None when chance is certain)."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def kappa_interval(a: Sequence[str], b: Sequence[str], seed: int = SEED) -> tuple[float, float]:
    """A 95% percentile bootstrap interval of kappa (messages resampled, seeded)."""
    rng = random.Random(seed)
    n = len(a)
    values = []
    for _ in range(BOOTSTRAP_ROUNDS):
        picks = [rng.randrange(n) for _ in range(n)]
        k = kappa([a[i] for i in picks], [b[i] for i in picks])
        if k is not None:
            values.append(k)
    values.sort()
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def _fmt(k: float | None) -> str:
    return "  n/a" if k is None else f"{k:5.2f}"


def agreement_rows(group: Sequence[Pair], name: str) -> list[str]:
    """One line per label: raw agreement and kappa within ``group``."""
    rows = []
    for key in MEASURES:
        a = [p.first[key] for p in group]
        b = [p.second[key] for p in group]
        same = sum(x == y for x, y in zip(a, b, strict=True))
        line = f"{name:8} {key:12} n={len(group):3}  agree {same:3} ({same / len(group):6.1%})"
        rows.append(f"{line}  kappa {_fmt(kappa(a, b))}")
    return rows


def confusion(group: Sequence[Pair], key: str) -> list[str]:
    """A table: rows the corpus's label, columns the second labeller's."""
    cells = Counter((p.first[key], p.second[key]) for p in group)
    values = sorted({v for pair in cells for v in pair})
    width = max(len(v) for v in values) + 1
    corner = "corpus \\ second"
    head = f"{corner:>{width + 4}}" + "".join(f"{v[:10]:>11}" for v in values)
    lines = [f"{key}:", head]
    for row in values:
        counts = "".join(f"{cells[(row, col)]:>11}" for col in values)
        lines.append(f"{row:>{width + 4}}{counts}")
    return lines


def explosion_line(group: Sequence[Pair]) -> str:
    """The second labeller's explosion precision and recall, the corpus taken as truth."""
    first = {p.id for p in group if p.first["stage"] == "explosion"}
    second = {p.id for p in group if p.second["stage"] == "explosion"}
    both = len(first & second)
    precision = both / len(second) if second else float("nan")
    recall = both / len(first) if first else float("nan")
    return (
        f"explosion: corpus {len(first)}, second {len(second)}, both {both}; second vs corpus"
        f" precision {precision:.2f}, recall {recall:.2f}"
    )


def kind_summary(group: Sequence[Pair], kinds_path: Path = KINDS) -> list[str]:
    """How many disagreements of each label fall in each kind of ``disagreements.yaml``
    (the reasons written after comparing); empty when that file is absent."""
    if not kinds_path.exists():
        return []
    kinds = {str(r["id"]): r for r in yaml.safe_load(kinds_path.read_text(encoding="utf-8"))}
    lines = ["Disagreement kinds (disagreements.yaml):"]
    for key in (*LABEL_KEYS, "asks_change"):
        differ = [p.id for p in group if p.first[key] != p.second[key]]
        counts = Counter(str(kinds.get(i, {}).get("kind", "unclassified")) for i in differ)
        rules = Counter(str(kinds[i]["rule"]) for i in differ if i in kinds)
        lines.append(
            f"  {key} ({len(differ)}): " + ", ".join(f"{k} {n}" for k, n in counts.most_common())
        )
        lines.append("    by rule: " + ", ".join(f"{k} {n}" for k, n in rules.most_common()))
    return lines


def disagreements(group: Sequence[Pair]) -> list[str]:
    """Every message on which the two labellings differ, with what differs."""
    lines = []
    for p in group:
        diff = [
            f"{k} {p.first[k]} / {p.second[k]}" for k in LABEL_KEYS if p.first[k] != p.second[k]
        ]
        if diff:
            text = " ".join(p.message.split())
            lines.append(f"{p.id} [{p.language}]: {'; '.join(diff)}")
            lines.append(f"    {text[:160]}{'…' if len(text) > 160 else ''}")
    return lines


def report(group: Sequence[Pair]) -> str:
    """The whole comparison as text (corpus labels first, the second labeller's second)."""
    lines = ["Agreement (corpus labeller vs second labeller; label: corpus / second)", ""]
    lines += agreement_rows(group, "all")
    for key in MEASURES:
        low, high = kappa_interval([p.first[key] for p in group], [p.second[key] for p in group])
        lines.append(f"all      {key:12} kappa 95% bootstrap interval [{low:.2f}, {high:.2f}]")
    for language, _ in Counter(p.language for p in group).most_common():
        lines += agreement_rows([p for p in group if p.language == language], language)
    lines += agreement_rows([p for p in group if p.doubt], "doubted")
    lines += agreement_rows([p for p in group if not p.doubt], "sure")
    lines += ["", explosion_line(group)]
    for key in ("scope", "intent"):
        lines += ["", *confusion(group, key)]
    lines += ["", *kind_summary(group)]
    lines += ["", "Disagreements:", *disagreements(group)]
    return "\n".join(lines)


COMMANDS: dict[str, Callable[[], None]] = {
    "export": export,
    "compare": lambda: print(report(pairs())),
}


def main() -> None:
    """``export``: write the blind sample; ``compare``: print the agreement report."""
    parser = argparse.ArgumentParser(prog="python -m bench.blind_labels")
    parser.add_argument("command", choices=tuple(COMMANDS))
    COMMANDS[parser.parse_args().command]()


if __name__ == "__main__":
    main()
