"""Replies to the real messages of the corpus, judged by the reply rubric.

For every message of a split (``corpus/splits.yaml``) the real engine judges it against a
shipped example contract of the same kind of work (text, translation or design) — the
client's language in the contract set to the language the message is in — and composes
the reply it would send; ``engine.replies.rubric`` then says whether that reply answers
the message (``docs/languages.md`` has the figures). ``python -m bench.reply_rubric``
prints the pass rate on the test split and each failure.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.real_messages import ROOT, RealMessage, load, split_of
from roundwise.engine.decide import Decision, RevisionRequest, evaluate
from roundwise.engine.ledger import ContractSigned, Event, VersionSubmitted, fold
from roundwise.engine.replies import Reply, choose_language, compose_reply
from roundwise.engine.replies.rubric import RubricFinding, check_reply
from roundwise.engine.terms import ContractTerms, parse_spec, terms_sha256

EXAMPLES = ROOT / "contracts" / "examples"
START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
DRAFT = " ".join(f"word{i}" for i in range(200))
# The example contract and deliverable for each line of work in the corpus.
CONTRACT_OF = {
    "copywriting": ("bakery-web-copy", "home"),
    "translation": ("manual-translation", "manual"),
    "other": ("bakery-web-copy", "home"),
}
DESIGN = ("fox-logo", "final")


@dataclass(frozen=True, slots=True)
class Judged:
    """One real message, the decision on it, the reply and what the rubric found."""

    message: RealMessage
    terms: ContractTerms
    decision: Decision
    reply: Reply
    findings: tuple[RubricFinding, ...]


def contract_for(message: RealMessage) -> tuple[ContractTerms, str]:
    """The example contract for the message's work, the client writing in its language."""
    name, deliverable = CONTRACT_OF.get(message.work, DESIGN)
    terms = parse_spec((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    client = terms.client.model_copy(update={"language": message.language})
    return terms.model_copy(update={"client": client}), deliverable


def _events(terms: ContractTerms, deliverable: str) -> list[Event]:
    kind = terms.deliverable(deliverable)
    visual = kind is not None and kind.kind == "design"
    content = (
        {"file_sha256": hashlib.sha256(deliverable.encode()).hexdigest()}
        if visual
        else {"text": DRAFT}
    )
    return [
        ContractSigned(at=START, contract_id=terms.id, terms_sha256=terms_sha256(terms)),
        VersionSubmitted(at=START, deliverable=deliverable, version=1, **content),
    ]


def judge(message: RealMessage) -> Judged:
    """The decision on one real message and the reply the engine composes for it."""
    terms, deliverable = contract_for(message)
    now = START + timedelta(hours=2)
    state = fold(_events(terms, deliverable), now, terms)
    decision = evaluate(
        terms, state, RevisionRequest(deliverable=deliverable, message=message.message), now
    )
    chosen = choose_language(decision, terms)
    reply = compose_reply(decision, terms, None, chosen.language, state=state)
    findings = check_reply(reply, decision, terms)
    return Judged(message, terms, decision, reply, tuple(findings))


def judged_split(split: str = "test") -> list[Judged]:
    """Every message of a split, judged and answered."""
    return [judge(m) for m in split_of(load(), split)]


def main() -> None:
    """Print the rubric pass rate of a split and each failing reply's findings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="test")
    parser.add_argument("--show", action="store_true", help="print every reply")
    args = parser.parse_args()
    results = judged_split(args.split)
    passed = sum(1 for r in results if not r.findings)
    for r in results:
        if r.findings or args.show:
            print(
                f"== {r.message.id} ({r.message.intent}/{r.message.stage}) -> "
                f"{r.decision.intent}/{r.decision.verdict} [{r.reply.language}]"
            )
            for f in r.findings:
                print(f"   ! {f.rule}: {f.detail}")
            if args.show:
                print(r.reply.text)
    print(f"{passed}/{len(results)} replies pass the rubric on {args.split}")


if __name__ == "__main__":
    main()
