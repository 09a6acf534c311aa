"""The real-message corpus (``corpus/real/``): load, check, and split by source.

Every record is a message a real client wrote or said to a freelancer, quoted on a public
page (``docs/labelling.md`` says what is admitted and how it is labelled). The split is
made per *source*, never per message, so that one site's style, or one story reprinted on
two pages, cannot sit in two splits. ``corpus/splits.yaml`` is the record of the split:
once a source is in it, it never moves; ``python -m bench.real_messages split`` only
assigns sources that are new since, so the frozen test split stays what it was.

New sources are placed largest first (ties broken by a hash of the slug, so the order
does not depend on file names), each into the split furthest below its target share of
the records within the source's language group (``en``, ``gh`` for issue trackers,
``ru``…). Large collections therefore land in ``train`` and ``dev``/``test`` get many
small, diverse sources: a held-out figure then says how the reader of messages does on
sites it has never seen.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from roundwise.engine.understand.intent import INTENTS as INTENTS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REAL = CORPUS / "real"
SPLITS = CORPUS / "splits.yaml"

SCOPES = ("in_scope", "out_of_scope", "free_fix", "vague", "mixed", "none")
ITEM_SCOPES = ("in_scope", "out_of_scope", "free_fix", "vague")
STAGES = ("calm", "explosion")
WORKS = (
    "copywriting",
    "translation",
    "logo",
    "graphic_design",
    "web_design",
    "web_development",
    "illustration",
    "photography",
    "video",
    "other",
)
SPLIT_NAMES = ("train", "dev", "test")
TARGET_SHARE = {"train": 0.6, "dev": 0.2, "test": 0.2}
REQUIRED = (
    "id",
    "source",
    "source_url",
    "medium",
    "language",
    "work",
    "agreed",
    "agreed_from_page",
    "message",
    "intent",
    "scope",
    "stage",
    "items",
)


@dataclass(frozen=True, slots=True)
class Item:
    """One concrete change the client asks for: a span of the message and its scope."""

    text: str
    scope: str


@dataclass(frozen=True, slots=True)
class RealMessage:
    """One labelled message and where it was found."""

    id: str
    source: str
    source_url: str
    group: str
    language: str
    work: str
    agreed: str
    message: str
    intent: str
    scope: str
    stage: str
    items: tuple[Item, ...]


def problems(record: dict[str, Any]) -> list[str]:
    """What is wrong with one raw record, in words (empty when it is well formed)."""
    found = [f"missing {key}" for key in REQUIRED if key not in record]
    if found:
        return found
    allowed = {"intent": INTENTS, "scope": SCOPES, "stage": STAGES, "work": WORKS}
    found += [f"{key}={record[key]!r}" for key, ok in allowed.items() if record[key] not in ok]
    if record["medium"] not in ("written", "spoken"):
        found.append(f"medium={record['medium']!r}")
    if not str(record["source_url"]).startswith(("http://", "https://")):
        found.append("source_url is not a URL")
    for item in record["items"] or ():
        if item.get("scope") not in ITEM_SCOPES:
            found.append(f"item scope={item.get('scope')!r}")
        if str(item.get("text", "")) not in record["message"]:
            found.append(f"item text not in message: {item.get('text')!r}")
    return found


def _record(raw: dict[str, Any], path: Path) -> RealMessage:
    items = tuple(Item(str(i["text"]), str(i["scope"])) for i in raw["items"] or ())
    return RealMessage(
        id=str(raw["id"]),
        source=path.stem,
        source_url=str(raw["source_url"]),
        group=path.stem.split("-", 1)[0],
        language=str(raw["language"]),
        work=str(raw["work"]),
        agreed=str(raw["agreed"]),
        message=str(raw["message"]),
        intent=str(raw["intent"]),
        scope=str(raw["scope"]),
        stage=str(raw["stage"]),
        items=items,
    )


def load_raw(folder: Path = REAL) -> list[tuple[Path, dict[str, Any]]]:
    """Every raw record with the file it came from, files in name order."""
    out: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(folder.glob("*.yaml")):
        out += [(path, raw) for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or ()]
    return out


def load(folder: Path = REAL) -> list[RealMessage]:
    """Every record of the corpus. A file holds one source: its name (``en-clientcopia``)
    is the source's key in the splits, and its prefix (``en``, ``gh``…) the group."""
    return [_record(raw, path) for path, raw in load_raw(folder)]


def frozen_splits(path: Path = SPLITS) -> dict[str, str]:
    """Source -> split, as committed."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {source: name for name in SPLIT_NAMES for source in data.get(name) or ()}


def _order_key(source: str, size: int) -> tuple[int, str]:
    return (-size, hashlib.sha256(source.encode()).hexdigest())


def assign(messages: list[RealMessage], frozen: dict[str, str]) -> dict[str, str]:
    """Source -> split for every source: the frozen ones kept, new ones placed by need."""
    sizes = Counter(m.source for m in messages)
    groups = {m.source: m.group for m in messages}
    result = dict(frozen)
    filled: Counter[tuple[str, str]] = Counter()
    for source, name in frozen.items():
        filled[(groups.get(source, ""), name)] += sizes.get(source, 0)
    for source in sorted(
        (s for s in sizes if s not in frozen), key=lambda s: _order_key(s, sizes[s])
    ):
        group = groups[source]
        total = sum(n for s, n in sizes.items() if groups[s] == group)
        name = max(SPLIT_NAMES, key=lambda n: TARGET_SHARE[n] * total - filled[(group, n)])
        result[source] = name
        filled[(group, name)] += sizes[source]
    return result


def write_splits(splits: dict[str, str], path: Path = SPLITS) -> None:
    """``corpus/splits.yaml``: the sources of each split, sorted."""
    header = (
        "# Which sources of corpus/real/ are in which split (bench/real_messages.py).\n"
        "# A source never moves once it is here; the test split is never tuned on.\n"
    )
    body = {name: sorted(s for s, n in splits.items() if n == name) for name in SPLIT_NAMES}
    path.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True), "utf-8")


def split_of(messages: list[RealMessage], name: str) -> list[RealMessage]:
    """The messages of one split, by the committed split file."""
    splits = frozen_splits()
    return [m for m in messages if splits.get(m.source) == name]


def summary(messages: list[RealMessage]) -> str:
    """Counts per split, language, intent, scope and stage, for the corpus README."""
    splits = frozen_splits()
    lines = []
    for name in SPLIT_NAMES:
        part = [m for m in messages if splits.get(m.source) == name]
        sources = len({m.source for m in part})
        lines.append(f"{name}: {len(part)} messages from {sources} sources")
        for key in ("language", "intent", "scope", "stage"):
            counts = Counter(getattr(m, key) for m in part)
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return "\n".join(lines)


def main() -> None:
    """``split``: place new sources and write ``corpus/splits.yaml``; ``summary``: counts."""
    parser = argparse.ArgumentParser(prog="python -m bench.real_messages")
    parser.add_argument("command", choices=("split", "summary", "check"))
    args = parser.parse_args()
    if args.command == "check":
        bad = [(p.name, r.get("id"), problems(r)) for p, r in load_raw() if problems(r)]
        for name, rid, found in bad:
            print(f"{name} {rid}: {'; '.join(found)}")
        raise SystemExit(1 if bad else 0)
    messages = load()
    if args.command == "split":
        write_splits(assign(messages, frozen_splits()))
    print(summary(messages))


if __name__ == "__main__":
    main()
