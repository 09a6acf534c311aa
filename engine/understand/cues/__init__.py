"""Cue data files (YAML) for engine.understand; a package so they ship in wheels."""
