"""What the local engine's fork server loads before it forks the workers.

The fork server imports this module once (``set_forkserver_preload``); it
loads the pipeline named in :data:`PIPELINE_ENV` (``rules`` or ``entities``,
set by :class:`ctparse.dataset.engine_local.Workers` for the fork server it
starts), so every worker forks with the rules compiled and, with entities,
the recognizer loaded: none of them loads it again, and they share its
memory until they write to it. Anywhere else the import does nothing.
"""

from __future__ import annotations

import contextlib
import os

PIPELINE_ENV = "CTPARSE_FORK_PIPELINE"


def _preload() -> None:
    choice = os.environ.get(PIPELINE_ENV)
    if choice not in ("rules", "entities"):
        return
    from .parse import worker_nlp

    # A pipeline that fails to load fails again, with its own message, in the first job.
    with contextlib.suppress(Exception):
        worker_nlp(choice == "entities")


_preload()
