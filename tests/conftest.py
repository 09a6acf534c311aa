"""Suite-wide configuration: one BLAS thread per process, and Hypothesis profiles picked by
HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os

# One BLAS thread per process. pytest -n 2 already keeps both cores busy, and OpenBLAS's
# threads spin while they wait for work: with its default (a thread per core) in each
# worker, refitting the reader's model (tests/engine/test_understand_reader.py) took
# 104 s of CPU instead of 17 s on a loaded 2-core machine, and 47 s of wall time. The
# results are the same bytes (`python -m bench.train_reader --check` passes either way).
# Set before numpy is imported (so subprocesses inherit it), and limited again through
# threadpoolctl in case a plugin imported numpy first.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from hypothesis import HealthCheck, settings  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402  (scikit-learn's dependency)

threadpool_limits(limits=int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")

settings.register_profile("fast", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
