"""What a criterion's words say but do not ask of the patient: why it is there, what
something is needed for, what a named thing causes or may affect. The concepts named
there are no facts of the criterion (:func:`ctparse.align.meaning.meaning_of`).

>>> text = "Active infection or other comorbidities that may contribute to fatigue"
>>> [text[slice(*m.span())] for rule in NOT_ASKED for m in rule.finditer(text)]
[' that may contribute to fatigue']
"""

from __future__ import annotations

import re

# A purpose in brackets ("anticoagulation (for prevention of cerebral infarction)").
PURPOSE = re.compile(r"\(\s*(?:for|to)\b[^()]*\)", re.IGNORECASE)
# Why a criterion is there, in brackets ("Not currently pregnant or nursing (pregnancy
# affects PdG levels)", "(advanced age can hinder hormone levels)"): not asked either.
# Not examples ("(e.g., can read)") nor lists ("(plaster cast, …, or other causes that
# may lead to …)").
RATIONALE = re.compile(
    r"\((?!\s*(?:e\.?\s?g|i\.?\s?e|such\s+as|including|for\s+example)\b)(?=[^(),]*(?:,[^(),]*)?\))"
    r"[^()]*\b(?:affects?|causes?|hinders?|can|may|might|could|allows?|makes?|because|"
    r"interferes?|influences?)\b[^()]*\)",
    re.IGNORECASE,
)
# What a thing is needed for ("medication required for surgery or anaesthesia", "tests
# needed for the study"): not asked of the patient at all.
NEEDED_FOR = re.compile(
    r"(?<=\w)[ \t]+(?:required|needed|necessary)[ \t]+(?:for|during)\b[^.;()\n]*",
    re.IGNORECASE,
)
# What a thing may bring about ("comorbidities that may contribute to fatigue",
# "conditions which could explain the symptoms"): it narrows the thing, and is not
# asked itself. What a thing may affect ("diseases that could affect the 6MWT") is
# still what the criterion is about; a list the clause opens ("conditions that cause
# cognitive impairment: dementia, …") is what is asked, so the clause ends at a colon.
EFFECT = re.compile(
    r"\s+(?:that|which)\s+(?:(?:may|might|could|can|would|(?:is|are)\s+likely\s+to)\s+)?"
    r"(?:contribute|cause|explain|account\s+for|contributes|causes|explains|accounts\s+for)\b"
    r"(?:\s+to\b)?[^.;:()\n]*",
    re.IGNORECASE,
)
# A cause after what is asked ("atrial fibrillation associated with structural heart
# disease", "anemia due to bleeding") narrows it: it is not asked on its own.
CAUSE = re.compile(
    r"(?<=\w)\s*,?\s*\b(?:associated\s+with|due\s+to|secondary\s+to|caused\s+by|"
    r"resulting\s+from|attributable\s+to)\b[^.;()]*",
    re.IGNORECASE,
)
NOT_ASKED = (NEEDED_FOR, RATIONALE, EFFECT)
