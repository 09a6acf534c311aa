"""``make bench-corrections``: do an account's corrections help it on later messages?

Simulation (issue 16.6) on a split of the real corpus: a freelancer receives the split's
messages one after another and corrects the first ``k`` (their gold labels become the
account's examples, ``engine.understand.examples``); the later messages are read by the
rules + model reader, following an example when one is similar enough. For k = 0, 5,
10 and 20, the scope and intent accuracy are measured on the same messages — those after
the first 20 — so the rows compare like with like. The order of arrival matters, so the
figures are the mean over ``ORDERS`` seeded shuffles of the split (the first order is the
corpus order).

``--split dev`` prints dev figures and the similarity-threshold sweep (``SIMILAR_AT`` was
chosen there); the default writes the test figures into ``docs/understanding.md``,
computed once for the finished change, never to choose anything.
"""

from __future__ import annotations

import argparse
import random
import statistics
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bench.real_messages import ROOT
from bench.understanding import Case, real_cases
from roundwise.engine.understand import analyse_request
from roundwise.engine.understand import examples as corrections
from roundwise.engine.understand.examples import Example, ExampleBook, example_book, follow, nearest
from roundwise.engine.understand.reader import Assessment, assess

DOC = ROOT / "docs" / "understanding.md"
KS = (0, 5, 10, 20)
ORDERS = 20
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Mean figures over the orders for one k: accuracies, review share, examples used."""

    k: int
    scope: float
    intent: float
    review: float
    followed: float
    followed_scope: float | None
    followed_before: float | None  # the same messages' scope accuracy without examples


def reading(case: Case, book: ExampleBook) -> tuple[Assessment, bool]:
    """The assessment of ``case`` given the account's examples, and whether one was followed."""
    analysis = analyse_request(case.text, case.context, assessed=False)
    analysis = replace(analysis, assessment=assess(case.text, analysis))
    found = nearest(book, case.text)
    if found is None:
        assert analysis.assessment is not None
        return analysis.assessment, False
    followed = follow(analysis, *found, case.text).assessment
    assert followed is not None
    return followed, True


def _example(case: Case) -> Example:
    return Example(case.text, case.intent or "revision_request", case.scope, case.stage)


def simulate(cases: list[Case], k: int, orders: int = ORDERS) -> Outcome:
    """The mean figures over ``orders`` arrival orders for ``k`` corrections."""
    scope, intent, review, followed = [], [], [], []
    followed_right: list[bool] = []
    followed_before: list[bool] = []
    unaided = {id(c): reading(c, example_book(()))[0] for c in cases}
    for seed in range(orders):
        order = list(cases)
        if seed:
            random.Random(seed).shuffle(order)
        book = example_book(_example(c) for c in order[:k])
        rest = order[max(KS) :]
        read = [reading(c, book) for c in rest]
        scope.append(
            statistics.fmean(a.scope == c.scope for c, (a, _) in zip(rest, read, strict=True))
        )
        labelled = [(c, a) for c, (a, _) in zip(rest, read, strict=True) if c.intent is not None]
        intent.append(statistics.fmean(a.intent == c.intent for c, a in labelled))
        review.append(statistics.fmean(a.needs_review for a, _ in read))
        followed.append(statistics.fmean(f for _, f in read))
        followed_right += [a.scope == c.scope for c, (a, f) in zip(rest, read, strict=True) if f]
        followed_before += [
            unaided[id(c)].scope == c.scope for c, (_, f) in zip(rest, read, strict=True) if f
        ]
    return Outcome(
        k,
        statistics.fmean(scope),
        statistics.fmean(intent),
        statistics.fmean(review),
        statistics.fmean(followed),
        statistics.fmean(followed_right) if followed_right else None,
        statistics.fmean(followed_before) if followed_before else None,
    )


def table(cases: list[Case]) -> list[str]:
    """One row per k."""
    n = len(cases) - max(KS)
    lines = [
        f"| corrected first k | scope acc. (last {n}) | intent acc. | to review "
        "| followed an example | scope acc. when followed | same messages without examples |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in KS:
        o = simulate(cases, k)
        when = "–" if o.followed_scope is None else f"{o.followed_scope:.1%}"
        before = "–" if o.followed_before is None else f"{o.followed_before:.1%}"
        lines.append(
            f"| {k} | {o.scope:.1%} | {o.intent:.1%} | {o.review:.1%} | {o.followed:.1%} "
            f"| {when} | {before} |"
        )
    return lines


def sweep(cases: list[Case]) -> list[str]:
    """k = 20 at each similarity threshold (dev only: how ``SIMILAR_AT`` was chosen)."""
    lines = [
        "| threshold (k = 20) | scope acc. | intent acc. | followed "
        "| scope acc. when followed | same messages without examples |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    chosen = corrections.SIMILAR_AT
    try:
        for threshold in SWEEP:
            corrections.SIMILAR_AT = threshold
            o = simulate(cases, 20)
            when = "–" if o.followed_scope is None else f"{o.followed_scope:.1%}"
            before = "–" if o.followed_before is None else f"{o.followed_before:.1%}"
            lines.append(
                f"| {threshold} | {o.scope:.1%} | {o.intent:.1%} | {o.followed:.1%} | {when} "
                f"| {before} |"
            )
    finally:
        corrections.SIMILAR_AT = chosen
    return lines


def main() -> None:
    """Print dev figures and the sweep (``--split dev``) or write test figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.corrections")
    parser.add_argument("--split", choices=("dev",), help="print dev figures and the sweep")
    args = parser.parse_args()
    if args.split:
        cases = real_cases(args.split)
        print("\n".join(table(cases)))
        print("\n".join(sweep(cases)))
        return
    dev, test = real_cases("dev"), real_cases("test")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    start, end = "<!-- corrections:start -->", "<!-- corrections:end -->"
    block = [
        start,
        f"Run {stamp} (`make bench-corrections`; mean over {ORDERS} arrival orders, "
        f"similarity threshold {corrections.SIMILAR_AT}).",
        "",
        f"**Test split** ({len(test)} messages; accuracy on the last {len(test) - max(KS)} "
        "of each order, computed once for the finished change):",
        "",
        *table(test),
        "",
        f"**Dev split** ({len(dev)} messages), where the threshold was chosen (k = 20):",
        "",
        *table(dev),
        "",
        *sweep(dev),
        end,
    ]
    text = DOC.read_text(encoding="utf-8")
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    DOC.write_text(head + "\n".join(block) + tail, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
