"""What a criterion's words say but do not ask of the patient: why it is there, what
something is needed for or may contribute to, how it is documented, what a device
can detect, what the patient is asked about. The concepts named there are no facts of the criterion
(:func:`ctparse.align.meaning.meaning_of`).

>>> text = "Active infection or other comorbidities that may contribute to fatigue"
>>> [text[slice(*not_asked(m))] for rule in NOT_ASKED for m in rule.finditer(text)]
[' that may contribute to fatigue']
>>> text = "no documented AF on ECG, ambulatory monitor or pacemaker interrogation"
>>> [text[slice(*not_asked(m))] for m in MEANS.finditer(text)]
['on ECG, ambulatory monitor or pacemaker interrogation']
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
# What a thing may contribute to ("comorbidities that may contribute to fatigue",
# "conditions which could explain the symptoms"): it narrows the thing, and is not
# asked itself. What a thing causes or affects ("medication that can cause QT
# prolongation", "diseases that could affect the 6MWT") is what the criterion is
# about. The clause ends at a colon or at examples ("…, such as …").
EFFECT = re.compile(
    r"\s+(?:that|which)\s+(?:(?:may|might|could|can|would)\s+)?(?:contributes?\s+to|"
    r"(?:may|might|could)\s+(?:explain|account\s+for))\b"
    r"(?:(?!,?\s*(?:such\s+as|including|e\.\s?g|i\.\s?e|like)\b)[^.;:()\n])*",
    re.IGNORECASE,
)
# How a thing is documented ("no documented AF on ECG, ambulatory monitor or pacemaker
# interrogation", "confirmed by biopsy"): the means, up to the clause's end, is not
# asked. Only the ``means`` group is: who or what is confirmed stays.
MEANS = re.compile(
    r"\b(?:documented|confirmed|detected|recorded|demonstrated|proven|verified|evidenced)\b"
    r"[^.;:()\n]*?\s(?P<means>(?:(?:by|via|using|through)\s+|on\s+(?:an?\s+|the\s+)?(?=(?:ECG|"
    r"EKG|electrocardiogra|imaging|CT|MRI|PET|monitor|Holter|ultrasound|echocardiogra|x-ray|"
    r"radiograph|biopsy|scan|culture|smear|telemetry)))[^.;:()\n]*?)"
    r"(?=\s+(?:as|who|that|which|with|showing|requiring|demonstrating|revealing|on)\b|[.;:()\n]|$)",
    re.IGNORECASE,
)
# What a device can do ("a cardiac rhythm device capable of detecting AF"): not asked.
CAPABLE = re.compile(
    r"\s+(?:capable\s+of|able\s+to|used\s+(?:for|to))\s+(?:detect|monitor|record|measur|track)\w*"
    r"\b[^.;:()\n]*",
    re.IGNORECASE,
)
# What a patient is asked about ("Patients will be questioned regarding the
# possibility of pregnancy and will need a negative pregnancy test"): the question,
# up to the clause's end or the next demand, is not asked of the patient. Only the
# passive: what a patient answers "when asked about suicidal ideation" is asked.
QUESTIONED = re.compile(
    r"\b(?:be|been|being|is|are|was|were)\s+(?:questioned|asked|interviewed|queried)\s+"
    r"(?:regarding|about|concerning|on|as\s+to)\b"
    r"(?:(?!,|\s+(?:and|but)\s+(?:will|must|should|shall|need|be|is|are|have|has)\b)[^.;:()\n])*",
    re.IGNORECASE,
)
# A cause after what is asked ("atrial fibrillation associated with structural heart
# disease", "anemia due to bleeding") narrows it: it is not asked on its own.
CAUSE = re.compile(
    r"(?<=\w)\s*,?\s*\b(?:associated\s+with|due\s+to|secondary\s+to|caused\s+by|"
    r"resulting\s+from|attributable\s+to)\b[^.;()]*",
    re.IGNORECASE,
)
# Whom a criterion applies to, at its end ("dementia for all subjects", "DSM-IV Axis I
# diagnosis for healthy subjects"), and whom a control is matched to ("Age- and
# sex-matched to PD group"): the people named there are not what is asked of the patient.
COHORT = re.compile(
    r"\b(?:for|in)\s+(?:all\s+|the\s+)?(?:healthy\s+)?(?:subjects|patients|participants|"
    r"controls?|volunteers|cohorts?|groups?)(?:\s+only)?[\s.;]*$"
    r"|\bmatched\s+(?:to|with)\s+(?:the\s+)?[^.;:()\n]{0,40}?\b(?:groups?|patients|cases|cohorts?)\b",
    re.IGNORECASE,
)
# What a value is set by ("Gestational age … based on clinical information and the
# earliest ultrasound", "healthy as determined by medical evaluation including blood
# pressure (BP) …"): how it is known, not a demand; brackets on the way stay in it.
BASED_ON = re.compile(
    r"\b(?:based\s+on|(?:as\s+)?(?:determined|assessed|estimated|dated|calculated)\s+"
    r"(?:by|from|using))\s(?:[^.;:()\n]|\([^()\n]*\))*",
    re.IGNORECASE,
)
NOT_ASKED = (NEEDED_FOR, RATIONALE, EFFECT, MEANS, CAPABLE, QUESTIONED, COHORT, BASED_ON)


def not_asked(match: re.Match[str]) -> tuple[int, int]:
    """The span of a :data:`NOT_ASKED` match that is not asked."""
    return match.span("means") if "means" in match.re.groupindex else match.span()
