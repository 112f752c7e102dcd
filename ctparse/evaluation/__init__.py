"""Scoring ctparse against gold annotations (``ctparse eval``).

* ``segmentation``: line-level precision/recall/F1 and section accuracy of
  ``ctparse.nlp.segment`` on a segmentation gold file, as written and with all
  newlines collapsed (``ctparse.evaluation.segmentation``).
* ``thresholds``: thresholds and windows against gold constraints
  (``ctparse.evaluation.thresholds``).
* ``entities``: strict and relaxed precision/recall/F1 per entity type of the
  trained recognizer on span gold (``ctparse.evaluation.entities``).
* ``compare``: criterion links and verdicts of ``ctparse compare`` against
  hand-judged pairs of trials (``ctparse.evaluation.compare``,
  ``tests/gold/COMPARE_JUDGING.md``).

Each task module has ``evaluate(path) -> report`` with ``rows()``,
``to_dict()`` and ``format_text()``; a malformed gold file raises
``GoldError``.
"""

TASKS = ("segmentation", "thresholds", "entities", "compare")
