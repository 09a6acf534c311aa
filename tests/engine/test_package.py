"""The engine's public surface is pinned: additions are deliberate."""

from roundwise import engine


def test_engine_exports_its_version_and_error_base() -> None:
    assert "ENGINE_VERSION" in engine.__all__
    assert issubclass(engine.RoundwiseError, Exception)
