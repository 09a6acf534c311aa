"""Issue 16.4: negated asks and quoted replacement text are not asks.

(Messages written for this test.)
"""

from __future__ import annotations

from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand.negation import SINGLE_QUOTE

CONTEXT = RequestContext(deliverable_id="home", exclusions=("social media posts",))


def _scopes(message: str) -> list[str]:
    return [item.scope for item in analyse_request(message, CONTEXT, assessed=False).items]


def test_a_negated_wish_to_change_is_no_concrete_change() -> None:
    assert _scopes("We didn't want to change any of the copy, it reads well.") == ["vague"]
    assert _scopes("We did not ask for a new chapter.") == ["vague"]


def test_a_negated_new_work_ask_is_not_new_work() -> None:
    assert _scopes("Could you also write five Instagram posts?") == ["out_of_scope"]
    assert _scopes("There is no need to also write Instagram posts.") == ["vague"]
    assert _scopes("We never asked you to also write Instagram posts.") == ["vague"]


def test_an_imperative_dont_is_still_an_instruction() -> None:
    assert "in_scope" in _scopes("Don't change the headline, but shorten the second paragraph.")


def test_quoted_replacement_text_is_not_new_work() -> None:
    quoted = "Please change the slogan to 'We also write social media posts for you'."
    assert _scopes(quoted) == ["in_scope"]
    assert "out_of_scope" in _scopes("Please also write three social media posts for us.")


def test_apostrophes_never_open_a_quote() -> None:
    assert SINGLE_QUOTE.search("We don't like the clients' logo, it's too dark.") is None
    found = SINGLE_QUOTE.search("Change it to 'Fresh bread daily' please")
    assert found is not None
    assert found.group() == "'Fresh bread daily'"


def test_a_misspelt_party_name_in_quotes_is_still_a_free_fix() -> None:
    context = RequestContext(deliverable_id="home", names=("Horvat Bakery",))
    message = "The opening line calls us 'Horvath Bakery' with an h. It's Horvat, no h."
    scopes = [i.scope for i in analyse_request(message, context, assessed=False).items]
    assert "free_fix" in scopes
