"""Roundwise: a contract-revision policy engine for creative freelancers.

The repository keeps its top-level folders (``engine/``, ``api/``, ``store/``,
``contracts/``); they are installed, and imported, as ``roundwise.engine``,
``roundwise.api``, ``roundwise.store`` and ``roundwise.contracts`` (the folders under
``roundwise/`` are symbolic links to them), so the distribution claims one import name.
"""
