"""Nothing typed into a contract is ever fetched: not from the network, not from disk.

A real HTTP server on 127.0.0.1 records every request it receives; the tests type image
tags, stylesheet imports, ``url()`` and ``file:///etc/passwd`` into contract fields, and
also feed raw hostile markup straight to the PDF layer (as if escaping had failed), and
assert the server was never contacted and nothing from outside the templates leaked in.
"""

from __future__ import annotations

import io
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from roundwise.contracts.documents import render_document
from roundwise.contracts.errors import UnsafeResourceError
from roundwise.contracts.fetcher import ConfinedFetcher, RefusedURLError
from roundwise.contracts.pdf import html_to_pdf
from roundwise.contracts.templating import TEMPLATES_DIR
from roundwise.engine.terms import load_spec
from tests.contracts.conftest import CREATED, example_mapping, read_back


def _pixel() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PIXEL = _pixel()


class Recorder:
    """A local HTTP server that remembers every path anyone asked it for."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.hits.append(self.path)
                body = b"p{color:red}" if self.path.endswith(".css") else PIXEL
                self.send_response(200)
                kind = "text/css" if self.path.endswith(".css") else "image/png"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=recorder.server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()


def test_the_recording_server_really_records_a_request(server: Recorder) -> None:
    with urllib.request.urlopen(f"{server.base}/control.png", timeout=5) as response:
        assert response.read() == PIXEL
    assert "/control.png" in server.hits
    server.hits.clear()


def hostile_spec(base: str) -> dict[str, object]:
    data = example_mapping("bakery-web-copy")
    data["client"]["name"] = f'<img src="{base}/client.png"> Marko'
    data["client"]["business"] = f'"><link rel="stylesheet" href="{base}/business.css">'
    data["freelancer"]["name"] = '<img src="file:///etc/passwd"> Ana'
    data["deliverables"][0]["brief"] = (
        f'<style>@import url("{base}/brief.css");</style>'
        f'<div style="background: url({base}/bg.png)">x</div>'
        f'<svg><image href="{base}/svg.png"/></svg> file:///etc/passwd'
    )
    data["exclusions"] = [
        "file:///etc/passwd",
        '<iframe src="file:///etc/passwd"></iframe>',
        f'<object data="{base}/object.png"></object>',
        f"@import url({base}/exclusion.css);",
    ]
    data["glossary_note"] = f'<a href="{base}/link">link</a><base href="{base}/">'
    return data


def test_html_css_and_file_urls_typed_into_contract_fields_are_never_fetched(
    server: Recorder,
) -> None:
    server.hits.clear()
    terms = load_spec(hostile_spec(server.base))
    back = read_back(render_document(terms, (), "agreement", created=CREATED))
    assert server.hits == []
    assert back.doc.warnings == ()
    # Printed as the literal text the user typed, not interpreted.
    assert f'<img src="{server.base}/client.png"> Marko' in back.text
    assert "file:///etc/passwd" in back.text
    assert "root:x:0:0" not in back.text
    assert b"root:x:0:0" not in back.doc.pdf


RAW_VECTORS = {
    "img over http": '<img src="{base}/raw.png">',
    "stylesheet link": '<link rel="stylesheet" href="{base}/raw.css">',
    "style @import": '<style>@import url("{base}/import.css");</style>',
    "css url()": '<div style="background: url({base}/bg.png); height: 5mm">x</div>',
    "svg image": '<svg width="9" height="9"><image href="{base}/s.png" width="9"/></svg>',
    "file passwd img": '<img src="file:///etc/passwd">',
    "file passwd import": '<style>@import url("file:///etc/passwd");</style>',
    "traversal": '<img src="file://{templates}/../../../../../etc/passwd">',
    "relative traversal": '<img src="../../../../../../etc/passwd">',
    "file with a host": '<img src="file://127.0.0.1/etc/passwd">',
}


@pytest.mark.parametrize("vector", sorted(RAW_VECTORS))
def test_raw_hostile_markup_stops_the_render_before_anything_is_fetched(
    server: Recorder, vector: str
) -> None:
    server.hits.clear()
    snippet = RAW_VECTORS[vector].format(base=server.base, templates=TEMPLATES_DIR)
    with pytest.raises(UnsafeResourceError):
        html_to_pdf(f"<html><body><p>hello</p>{snippet}</body></html>")
    assert server.hits == []


def test_a_stylesheet_passed_beside_the_document_is_confined_too(server: Recorder) -> None:
    server.hits.clear()
    with pytest.raises(UnsafeResourceError):
        html_to_pdf("<p>hello</p>", extra_css=f'@import url("{server.base}/beside.css");')
    with pytest.raises(UnsafeResourceError):
        html_to_pdf("<p>hello</p>", extra_css="p { background: url(file:///etc/passwd) }")
    assert server.hits == []


def test_the_fetcher_serves_template_files_and_data_urls_and_refuses_the_rest(
    server: Recorder, tmp_path: Path
) -> None:
    server.hits.clear()
    fetcher = ConfinedFetcher(TEMPLATES_DIR)
    css = fetcher.fetch((TEMPLATES_DIR / "documents.css").as_uri())
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    link = TEMPLATES_DIR / "zz-test-link.txt"
    for url in (
        f"{server.base}/direct.png",
        "ftp://127.0.0.1/x",
        outside.as_uri(),
        "file:///etc/passwd",
    ):
        with pytest.raises(RefusedURLError):
            fetcher.fetch(url)
    try:
        link.symlink_to(outside)
        with pytest.raises(RefusedURLError):
            fetcher.fetch(link.as_uri())
    finally:
        link.unlink(missing_ok=True)
    assert server.hits == []


def test_a_data_image_inside_the_document_renders_cleanly() -> None:
    from base64 import b64encode

    src = "data:image/png;base64," + b64encode(PIXEL).decode()
    # PDF/UA: the document needs a language and the image a text alternative.
    html = f'<html lang="en"><p>pixel <img src="{src}" alt="one pixel" style="width:2mm"></p>'
    rendered = html_to_pdf(html)
    assert rendered.warnings == ()
    assert rendered.pages == 1


def test_the_pdf_ua_checks_report_an_image_without_alt_text_and_a_page_without_lang() -> None:
    from base64 import b64encode

    src = "data:image/png;base64," + b64encode(PIXEL).decode()
    rendered = html_to_pdf(f'<p>pixel <img src="{src}" style="width:2mm"></p>')
    assert any("alt description" in w for w in rendered.warnings)
    assert any('"lang" attribute' in w for w in rendered.warnings)


def test_the_installed_weasyprint_has_the_stylesheets_fetcher_fix() -> None:
    import weasyprint

    major = int(weasyprint.__version__.split(".")[0])
    assert major >= 70, "WeasyPrint < 70 lets stylesheets= bypass the url_fetcher"


def test_weasyprint_warnings_are_captured_so_tests_can_insist_on_none() -> None:
    rendered = html_to_pdf('<p style="colour: red; display: nonsense">x</p>')
    assert any("Ignored" in warning for warning in rendered.warnings)
