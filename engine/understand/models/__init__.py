"""Trained model data for engine.understand (``reader.json``, built by ``make train``)."""
