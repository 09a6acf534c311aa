"""`roundwise reply` and `roundwise lint` through the real Typer app.

(They live beside the engine tests because they exercise this area end to end and run
in milliseconds; nothing here is mocked.)
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from roundwise.api.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
BAKERY = str(EXAMPLES / "bakery-web-copy.yaml")
MIXED = {
    "deliverable": "home",
    "message": 'Please swap "family tradition" for "three generations" in the headline, and '
    "could you also translate the whole page into German for our Austrian customers?",
}
NOW = "2026-05-06T10:00:00+00:00"
runner = CliRunner()


def _request(tmp_path: Path, body: dict[str, str]) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def test_reply_prints_the_subject_the_reply_and_the_techniques(tmp_path: Path) -> None:
    result = runner.invoke(app, ["reply", BAKERY, _request(tmp_path, MIXED), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Your message about the home page copy\n\nHi Marko,")
    assert "clause 6.7" in result.stdout
    assert "- T05 Make the client feel heard" in result.stderr


def test_reply_on_stdout_holds_only_what_the_client_reads(tmp_path: Path) -> None:
    """``roundwise reply > mail.txt``: techniques and the language rule go to stderr."""
    result = runner.invoke(app, ["reply", BAKERY, _request(tmp_path, MIXED), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert "technique" not in result.stdout
    assert "T05" not in result.stdout
    assert "for you, not for the client" not in result.stdout
    assert result.stdout.rstrip().endswith("Ana Novak")  # the sign-off is the last line
    assert "language: en (chosen by: " in result.stderr


def test_reply_json_records_which_rule_chose_the_language(tmp_path: Path) -> None:
    base = ["reply", BAKERY, _request(tmp_path, MIXED), "--now", NOW, "--json"]
    chosen = json.loads(runner.invoke(app, base).stdout)["reply"]
    assert chosen["language"] == "en"
    assert chosen["language_rule"] == "client_message"
    forced = json.loads(runner.invoke(app, [*base, "--language", "sl"]).stdout)["reply"]
    assert (forced["language"], forced["language_rule"]) == ("sl", "override")
    assert [t["id"] for t in forced["techniques"]]


def test_reply_json_carries_the_reply_and_its_decision(tmp_path: Path) -> None:
    args = ["reply", BAKERY, _request(tmp_path, MIXED), "--now", NOW, "--json", "--tone", "formal"]
    result = runner.invoke(app, args)
    body = json.loads(result.output)
    assert body["reply"]["text"].startswith("Dear Marko Horvat,")
    assert body["decision"]["verdicts"] == ["out_of_scope", "included"]


def test_reply_refuses_an_unknown_tone_in_one_line(tmp_path: Path) -> None:
    args = ["reply", BAKERY, _request(tmp_path, MIXED), "--tone", "loud"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "roundwise reply: --tone:" in result.output


def test_reply_names_a_missing_request_file() -> None:
    result = runner.invoke(app, ["reply", BAKERY, "/nonexistent/request.json"])
    assert result.exit_code == 2
    assert "/nonexistent/request.json: no such file" in result.output


def test_reply_with_a_referral_recommends_them(tmp_path: Path) -> None:
    body = {"deliverable": "home", "message": "Could you also write five Instagram posts?"}
    args = [
        "reply", BAKERY, _request(tmp_path, body), "--now", NOW,
        "--no-out-of-scope-work", "--referral", "Maja Kos",
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert "I can recommend Maja Kos" in result.output


def test_lint_explains_each_finding_and_exits_one(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Marko,\nThanks. As I already said, no.\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(draft)])
    assert result.exit_code == 1
    assert f"{draft}:2:9: passive-aggressive" in result.output
    assert "why:" in result.output
    assert "better:" in result.output


def test_lint_json_lists_findings_with_spans_and_sources(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Dear client,\nI promise it is fine.\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(draft), "--json"])
    findings = json.loads(result.output)["findings"]
    assert {f["rule"] for f in findings} == {"missing-name", "missing-thanks", "risky-promise"}
    promise = next(f for f in findings if f["rule"] == "risky-promise")
    assert promise["span"] == [13, 22]
    assert promise["sources"]


def test_lint_of_a_clean_reply_exits_zero(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Marko,\nThank you! I'll send the revised page today.\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(draft)])
    assert result.exit_code == 0
    assert "no findings" in result.output


def test_lint_names_an_unsupported_language(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Marko, thanks.", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(draft), "--language", "xx"])
    assert result.exit_code == 2
    assert "no lint patterns for language 'xx'" in result.output


def test_lint_refuses_an_unreadable_draft_in_one_line_like_every_other_command(
    tmp_path: Path,
) -> None:
    binary = tmp_path / "draft.docx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00")
    cases = {
        str(tmp_path / "missing.txt"): "no such file",
        str(tmp_path): "is a directory, not a text file",
        str(binary): "not UTF-8 text (byte 0xff at offset 4)",
    }
    for name, problem in cases.items():
        result = runner.invoke(app, ["lint", name])
        assert result.exit_code == 2
        assert result.output == f"roundwise lint: {name}: {problem}\n"
