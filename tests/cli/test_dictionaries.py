"""The CLI's stored simplemma dictionaries, contracts' lemmas and reader model: the same
answers as the engine's own loading, built once, read back, rebuilt when damaged or when
what they were built from changes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import simplemma

from roundwise.api.cli import cache, dictionaries, reader_cache
from roundwise.engine.understand import lemmas, statistical
from roundwise.engine.understand.lemmas import WORK, contract_lemmas, lemmas_of

from .conftest import NOW, SPEC, run, write

WORDS = (
    "opening paragraphs shorter laminated posts Instagram newsletters mugs"
    " odstavka skrajšate plastificirane razglednice vizitke opisov izdelkov"
    " πλαστικοποίησης κούπες running ran better Ran ČEK e-kartice"
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE, raising=False)
    return tmp_path / "cache"


def test_a_stored_dictionary_holds_exactly_simplemmas(cache_dir: Path) -> None:
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    _stored, how = dictionaries.cached_dictionary("sl")
    assert how == "built"
    again, how = dictionaries.cached_dictionary("sl")
    assert how == "cache"
    assert isinstance(again, dictionaries.StoredDictionary)
    own = DEFAULT_DICTIONARY_FACTORY.get_dictionary("sl")
    assert len(again) == len(own)
    assert dict(again.items()) == dict(own.items())
    assert again.get("no such word, surely") is None
    assert again.get("", "default") == "default"
    with pytest.raises(KeyError):
        again["no such word, surely"]


@pytest.mark.parametrize("language", ["en", "sl", "hbs", "el"])
def test_lemmas_through_the_stored_dictionaries_are_simplemmas(
    cache_dir: Path, language: str
) -> None:
    words = [*WORDS.split(), *WORK[language].split()]
    factory = dictionaries.dictionary_factory()
    with lemmas.using_dictionaries(factory):
        ours = [lemmas._lemmatizer()(word, language) for word in words]
    assert ours == [simplemma.lemmatize(word, lang=language) for word in words]
    assert factory.how == {language: "built"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "damage", [b"", b"RWLEMMA1", b"RWLEMMA1" + b"0" * 40, b"\xff" * 4096, "cut"]
)
def test_a_damaged_dictionary_file_is_rebuilt(cache_dir: Path, damage: bytes | str) -> None:
    dictionaries.cached_dictionary("en")
    path = dictionaries.dictionary_path("en", dictionaries.dictionary_key("en"))
    path.write_bytes(path.read_bytes()[:-3] if damage == "cut" else damage)  # type: ignore[operator]
    assert dictionaries.cached_dictionary("en")[1] == "built"
    assert dictionaries.cached_dictionary("en")[1] == "cache"


def test_the_dictionary_key_follows_simplemma_and_old_files_are_removed(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dictionaries.cached_dictionary("en")
    first = dictionaries.dictionary_key("en")
    os.utime(dictionaries.dictionary_path("en", first), (1e9 - 1, 1e9 - 1))
    keys = [first]
    for version in range(cache.KEEP + 1):
        monkeypatch.setattr(dictionaries, "_simplemma_version", lambda v=version: f"{v}".encode())
        keys.append(dictionaries.dictionary_key("en"))
        assert dictionaries.cached_dictionary("en")[1] == "built"
        os.utime(dictionaries.dictionary_path("en", keys[-1]), (1e9 + version,) * 2)
    assert len(set(keys)) == len(keys)
    kept = sorted(p.name for p in cache_dir.glob("lemmas-en-*.bin"))
    assert kept == sorted(f"lemmas-en-{key}.bin" for key in keys[-cache.KEEP :])


def test_no_cache_or_an_unwritable_dir_means_simplemmas_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.NO_CACHE_VARIABLE, "1")
    assert dictionaries.cached_dictionary("en")[1] == "uncached"
    assert reader_cache.cached_model_data()[1] == "uncached"
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(blocker / "cache"))
    assert dictionaries.cached_dictionary("en")[1] == "uncached"
    assert reader_cache.cached_model_data()[1] == "uncached"


CONTRACT = (
    (("home", "Home page copy"), ("opis", "Opisi izdelkov")),
    "Home page copy text bakery; product descriptions for the shop.",
    ("sl", "en"),
)


def test_a_contracts_lemmas_are_stored_and_read_back_the_same(cache_dir: Path) -> None:
    worked = contract_lemmas.__wrapped__(*CONTRACT)  # type: ignore[attr-defined]
    calls = []

    def work_out() -> lemmas.ContractLemmas:
        calls.append(1)
        return worked

    first = dictionaries.stored_contract_lemmas(*CONTRACT, work_out)
    second = dictionaries.stored_contract_lemmas(*CONTRACT, work_out)
    assert first == second == worked
    assert list(second.deliverables) == list(worked.deliverables)  # same order
    assert len(calls) == 1
    path = dictionaries.contract_path(dictionaries.contract_key(*CONTRACT))
    path.write_text('{"key": "x"', encoding="utf-8")
    assert dictionaries.stored_contract_lemmas(*CONTRACT, work_out) == worked
    assert len(calls) == 2
    stored = json.loads(path.read_bytes())
    stored["state"]["deliverables"] = 7
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert dictionaries.stored_contract_lemmas(*CONTRACT, work_out) == worked
    assert len(calls) == 3


def test_the_contract_key_follows_its_words_and_dictionaries() -> None:
    ids, covered, languages = CONTRACT
    key = dictionaries.contract_key(ids, covered, languages)
    assert key == dictionaries.contract_key(ids, covered, languages)
    assert key != dictionaries.contract_key(ids, covered + " mugs", languages)
    assert key != dictionaries.contract_key(ids[:1], covered, languages)
    assert key != dictionaries.contract_key(ids, covered, ("hbs", "en"))


def test_within_the_store_a_contract_is_lemmatised_once(cache_dir: Path) -> None:
    contract_lemmas.cache_clear()
    worked = contract_lemmas(*CONTRACT)
    contract_lemmas.cache_clear()
    with lemmas.using_contract_store(dictionaries.stored_contract_lemmas):
        assert contract_lemmas(*CONTRACT) == worked
        contract_lemmas.cache_clear()
        lemmas_of.cache_clear()
        assert contract_lemmas(*CONTRACT) == worked
    assert lemmas_of.cache_info().currsize == 0  # read from the file, nothing lemmatised
    contract_lemmas.cache_clear()


def _same_model(a: statistical.ReaderModel, b: statistical.ReaderModel) -> None:
    assert a.vocabulary == b.vocabulary
    assert a.idf == b.idf
    assert a.heads == b.heads
    assert a.rules == b.rules
    assert a.names == b.names
    assert a.weights.dtype == b.weights.dtype
    assert np.array_equal(a.weights, b.weights)


def test_the_cached_reader_model_is_the_packaged_one(cache_dir: Path) -> None:
    packaged = statistical.parse_model(statistical.packaged_model_data())
    data, how = reader_cache.cached_model_data()
    assert how == "built"
    _same_model(statistical.parse_model(data), packaged)
    data, how = reader_cache.cached_model_data()
    assert how == "cache"
    assert any(isinstance(v, np.ndarray) for v in data.values())  # read as arrays
    _same_model(statistical.parse_model(data), packaged)
    text = "Could you make the opening paragraph shorter? And five Instagram posts, please."
    assert statistical.read_statistically(
        text, statistical.parse_model(data)
    ) == statistical.read_statistically(text, packaged)


def test_split_and_join_are_inverse() -> None:
    data = {
        "a": [0.5] * 70,
        "b": {"c": [[1.5] * 80, [2.5] * 80], "d": [1.0, 2.0]},
        "e": [1, 2.0] * 40,  # not all floats: stays a list
        "f": ["x"] * 100,
        "g": [[0.5] * 70, [0.5] * 71],  # ragged: two arrays
    }
    floats: list[float] = []
    skeleton = json.loads(json.dumps(reader_cache.split_arrays(data, floats)))
    joined = reader_cache.join_arrays(skeleton, np.asarray(floats))
    assert isinstance(joined["a"], np.ndarray)
    assert joined["b"]["c"].shape == (2, 80)
    back = json.loads(json.dumps(joined, default=lambda a: a.tolist()))
    assert back == data


@pytest.mark.parametrize("damage", [b"", b"RWREADR1", b"\x00" * 100, "cut", "skeleton"])
def test_a_damaged_model_file_is_rebuilt(cache_dir: Path, damage: bytes | str) -> None:
    reader_cache.cached_model_data()
    key = reader_cache.model_key(reader_cache._packaged_bytes())
    path = reader_cache.model_path(key)
    raw = path.read_bytes()
    if damage == "cut":
        raw = raw[:-3]
    elif damage == "skeleton":
        raw = raw.replace(b"__float64__", b"__float32__", 1)
    else:
        raw = damage  # type: ignore[assignment]
    path.write_bytes(raw)
    _data, how = reader_cache.cached_model_data()
    assert how == "built"
    assert reader_cache.cached_model_data()[1] == "cache"


def test_the_cli_answers_as_the_server_does(tmp_path: Path) -> None:
    """``roundwise evaluate`` (cache cold, then warm) gives the decision the engine gives
    without any of the CLI's caches, as the server judges."""
    from roundwise.api.cli.inputs import load_request, load_terms, parse_now
    from roundwise.engine.decide import decision_json, evaluate
    from roundwise.engine.ledger import fold

    messages = {
        "en": "Could you make the opening paragraph shorter and also design five mugs?",
        "sl": "Pozdravljeni, ali lahko prosim skrajšate uvodni odstavek in dodate vizitke?",
        "el": "Γεια σας, μπορείτε να αλλάξετε τον τίτλο;",
    }
    env = {"ROUNDWISE_CACHE_DIR": str(tmp_path / "cache")}
    terms = load_terms("evaluate", str(SPEC))
    moment = parse_now("evaluate", NOW)
    for code, message in messages.items():
        body = json.dumps({"deliverable": "home", "message": message})
        request_file = write(tmp_path / f"{code}.json", body)
        request = load_request("evaluate", request_file)
        server = decision_json(evaluate(terms, fold((), moment, terms), request, moment))
        for _ in ("cold", "warm") if code == "en" else ("warm",):
            done = run("evaluate", str(SPEC), request_file, "--json", "--now", NOW, env=env)
            assert done.returncode == 0, done.stderr.decode()
            assert done.stdout.decode().strip() == server.strip()
    stored = {p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()}
    assert stored == {"contract", "cuebook", "lemmas", "reader"}


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"languages": ["en"], "deliverables": {"x": "home"}, "uncovered": [], "prefixes": []},
        {"languages": "en", "deliverables": {}, "uncovered": [], "prefixes": []},
        {"languages": ["en"], "deliverables": [], "uncovered": [], "prefixes": []},
        {"languages": ["en"], "deliverables": {}, "uncovered": [1], "prefixes": []},
    ],
)
def test_a_state_that_is_not_a_contracts_lemmas_is_refused(state: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not a contract's lemmas"):
        lemmas.lemmas_from_state(state)


def test_a_contracts_lemmas_survive_their_state() -> None:
    worked = contract_lemmas.__wrapped__(*CONTRACT)  # type: ignore[attr-defined]
    state = json.loads(json.dumps(lemmas.lemmas_state(worked)))
    assert lemmas.lemmas_from_state(state) == worked
