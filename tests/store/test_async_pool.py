"""The async pool's connection string (judging through it: ``test_judging.py``)."""

from __future__ import annotations

from roundwise.store.async_pool import conninfo


def test_conninfo_is_the_libpq_uri_of_the_sqlalchemy_url() -> None:
    url = "postgresql+psycopg://ana:s3cr%40t@db.example:5433/roundwise?options=-csearch_path%3Dx"
    assert conninfo(url) == (
        "postgresql://ana:s3cr%40t@db.example:5433/roundwise?options=-csearch_path%3Dx"
    )
