"""The API's documentation (issue 20.4): offline pages, an example on every request schema,
a description on every field a client sends.

The schema checks walk the generated OpenAPI document, so a route added later is checked
too; a failure lists each operation, schema and field that lacks what it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from roundwise.api.docs_pages import assets_directory
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import signed_contract

Schema = dict[str, Any]
REF = "#/components/schemas/"
CONTENT_TYPES = {
    ".js": {"text/javascript", "application/javascript"},
    ".css": {"text/css"},
    ".png": {"image/png"},
}


def _request_bodies(document: Schema) -> Iterator[tuple[str, str, str, Schema]]:
    """(method, path, media type, schema) of every request body in the document."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for media, content in (body or {}).get("content", {}).items():
                yield method.upper(), path, media, content.get("schema", {})


def _resolve(document: Schema, schema: Schema) -> tuple[str | None, Schema]:
    """A schema's component name (None if inline) and the schema itself."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF):
        name = ref.removeprefix(REF)
        return name, document["components"]["schemas"][name]
    return None, schema


def _nested(schema: Schema) -> Iterator[Schema]:
    """The schemas a property's schema is built of (list items, unions, maps)."""
    yield schema
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for part in schema.get(key, []):
            yield from _nested(part)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _nested(schema[key])


def _field_problems(document: Schema, schema: Schema, where: str, seen: set[str]) -> list[str]:
    """Fields without a description in ``schema`` and every object schema it refers to."""
    name, resolved = _resolve(document, schema)
    label = name or where
    if name is not None:
        if name in seen:
            return []
        seen.add(name)
    problems = []
    for field, prop in resolved.get("properties", {}).items():
        if not str(prop.get("description", "")).strip():
            problems.append(f"{where}: schema {label}: field {field!r} has no description")
        for part in _nested(prop):
            if "$ref" in part or "properties" in part:
                problems.extend(_field_problems(document, part, f"{where} {field}", seen))
    return problems


def _examples(schema: Schema) -> list[Any]:
    examples = list(schema.get("examples") or [])
    return [*examples, schema["example"]] if "example" in schema else examples


@pytest.fixture
def document(client: ASGIClient) -> Schema:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema: Schema = response.json()
    return schema


def test_every_request_body_field_has_a_description(document: Schema) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for method, path, media, schema in _request_bodies(document):
        problems.extend(_field_problems(document, schema, f"{method} {path} ({media})", seen))
    assert not problems, "request fields without a description:\n" + "\n".join(problems)


def test_every_request_schema_has_an_example(document: Schema) -> None:
    problems = []
    bodies = list(_request_bodies(document))
    assert len(bodies) >= 10
    for method, path, media, schema in bodies:
        name, resolved = _resolve(document, schema)
        if not _examples(resolved):
            label = name or "(inline)"
            problems.append(f"{method} {path} ({media}): schema {label} has no example")
    assert not problems, "request schemas without an example:\n" + "\n".join(problems)


def _path_values(client: ASGIClient, auth: dict[str, str]) -> dict[str, str]:
    """Values for the path parameters: a signed example contract and its first deliverable."""
    return {"contract_id": signed_contract(client, auth), "deliverable": "home", "number": "1"}


def _url(document: Schema, method: str, path: str, values: dict[str, str]) -> str:
    """``path`` with its parameters filled in: known ones from ``values``, any other
    integer as 1 and anything else as "x" (a route then answers 404, not a refusal)."""
    operation = document["paths"][path][method.lower()]
    integers = {
        p["name"]
        for p in operation.get("parameters", [])
        if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, "1" if name in integers else "x")

    return re.sub(r"\{(\w+)\}", fill, path)


def test_every_request_example_passes_the_request_validation(
    client: ASGIClient, auth: dict[str, str], document: Schema
) -> None:
    """Each example, sent as is, is never refused for its shape (a 422 validation-error)
    nor a server error; what the route then decides (201, 404, 409) is its business."""
    values = _path_values(client, auth)
    problems = []
    for method, path, media, schema in _request_bodies(document):
        if media != "application/json":
            continue
        name, resolved = _resolve(document, schema)
        url = _url(document, method, path, values)
        for index, example in enumerate(_examples(resolved)):
            response = client.request(method, url, json=example, headers=auth)
            refused = response.status_code == 422 and response.json().get("type") == (
                "/problems/validation-error"
            )
            if refused or response.status_code >= 500:
                problems.append(
                    f"{method} {path}: schema {name}: example {index}: "
                    f"{response.status_code} {response.text[:300]}"
                )
    assert not problems, "request examples the API refuses:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/measure", 200),
        ("/v1/evaluate", 200),
        ("/v1/replies/lint", 200),
        ("/v1/clients", 201),
        ("/v1/contracts", 201),
    ],
)
def test_the_examples_of_stateless_and_creating_routes_succeed(
    client: ASGIClient, auth: dict[str, str], document: Schema, path: str, status: int
) -> None:
    _name, schema = _resolve(
        document,
        document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"],
    )
    for example in _examples(schema):
        response = client.post(path, json=example, headers=auth)
        assert response.status_code == status, (example, response.text)


def test_the_evaluate_example_is_judged_against_its_own_ledger(
    client: ASGIClient, auth: dict[str, str], document: Schema
) -> None:
    example = document["components"]["schemas"]["EvaluateIn"]["examples"][0]
    response = client.post("/v1/evaluate", json=example, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["decision"]["verdict"] == "included"


class _Links(HTMLParser):
    """Every URL a page refers to: ``src``, ``href`` and ReDoc's ``spec-url``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in {"src", "href", "spec-url"} and value:
                self.urls.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_this_apps_assets(client: ASGIClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
    assert "fonts.googleapis" not in html
    urls = _links(html)
    assert urls, html
    for url in urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
    assets = [url for url in urls if url.startswith("/docs-assets/")]
    assert len(assets) == (3 if page == "/docs" else 2)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_every_asset_a_docs_page_names_is_served_with_its_content_type(
    client: ASGIClient, page: str
) -> None:
    html = client.get(page).text
    urls = [*_links(html), *re.findall(r"url: '([^']+)'", html)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        media = response.headers["content-type"].split(";")[0]
        if url.endswith(".json"):
            assert media == "application/json", url
            continue
        suffix = url[url.rfind(".") :]
        assert media in CONTENT_TYPES[suffix], (url, media)
        shipped = assets_directory() / url.rsplit("/", 1)[1]
        assert response.content == shipped.read_bytes(), url


def test_swagger_ui_has_no_validator_badge(client: ASGIClient) -> None:
    """Swagger UI's default badge is an image fetched from validator.swagger.io."""
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_oauth2_redirect_page_is_self_contained(client: ASGIClient) -> None:
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert _links(response.text) == []
    assert not re.search(r"https?://", response.text)


def test_the_docs_routes_stay_out_of_the_api_schema(document: Schema) -> None:
    assert not [path for path in document["paths"] if path.startswith(("/docs", "/redoc"))]


@pytest.mark.parametrize(
    "path", ["/docs-assets/nothing.js", "/docs-assets/%2e%2e/core.py", "/docs-assets/"]
)
def test_only_the_shipped_assets_are_served(client: ASGIClient, path: str) -> None:
    """An unknown name, or a way out of the assets folder, is the usual problem+json 404."""
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
