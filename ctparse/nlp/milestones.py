"""A window whose event is the study's own step, dated from a patient's event.

"Randomized within 2 weeks after surgery", "Enrolled within 72 hours of stroke
onset", "Could participate in this trial within 2 weeks after mammography": the
sentence dates the study step (randomization, enrolment, the first dose) from what
happened to the patient. What the criterion asks is the time since the patient's
event at that step: the surgery at most 2 weeks before randomization, as "Surgery
within 2 weeks before randomization" says it. :func:`turned` writes the window that
way round, so that both phrasings have the patient's event as their event and the
study step as their anchor, and the comparator lines them up.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..schema import Entity, Window

#: An event that is a study step, by the anchor it is ("enrolled", "be randomized",
#: "participate in this trial", "start study treatment").
_STEPS = (
    ("randomization", r"randomi[sz]ed|randomi[sz]ation"),
    (
        "first_dose",
        r"(?:start|begin|initiate|receive)s?\s+(?:the\s+)?(?:study|trial)\s+"
        r"(?:treatment|drug|therapy|intervention)|treated|dosed",
    ),
    (
        "enrollment",
        r"enrol(?:l)?ed|enrol(?:l)?ment|included|inclusion|recruited|registered|screened"
        r"|participate(?:\s+in)?(?:\s+(?:this|the)\s+(?:trial|study))?|(?:this|the)\s+(?:trial|study)",
    ),
)
_STEP = re.compile(
    r"(?i)^(?:(?:patients?|subjects?|participants?|who|must|can|could|should|will|to|be|"
    r"been|being|is|are|able\s+to)\s+)*(?:"
    + "|".join(f"(?P<{anchor}>{words})" for anchor, words in _STEPS)
    + r")$"
)
#: The patient's event after "after" / "of" / "following" / "from": a noun phrase up to
#: the clause's end ("stroke onset", "the mammography", "symptom onset or last known well").
#: The words that date a period from an event after them.
_DATING = r"(?i:after|of|following|from|post)"
_AFTER = re.compile(
    rf"(?i)\s*{_DATING}?\s*(?:the\s+|a\s+|their\s+|his\s+|her\s+)?"
    r"(?P<event>[A-Za-z][\w'/-]*(?:\s+(?!(?:and|or|but|if|when|with|who|which|that|as)\b)"
    r"[A-Za-z][\w'/-]*){0,4})"
)
#: What a window's own anchor words are when they are a patient's event (anchors of
#: the study are not).
_PATIENT_ANCHORS = ("surgery", "diagnosis")


def turned(window: Window, text: str, base: int) -> Window:
    """``window`` with the patient's event as its event and the study step as its
    anchor, when its event is a study step dated from an event after it; else as is.

    ``text`` is the criterion text the window's offsets index, less ``base``.
    """
    step = _STEP.match((window.event or "").strip())
    if step is None or window.end is None or window.start is None:
        return window
    said = text[window.start - base : window.end - base]
    if window.direction == "before" and not _OF.search(said):
        return window  # "randomized within 2 weeks before surgery": the step is first
    anchor = next(a for a, _ in _STEPS if step.group(a) is not None)
    if window.anchor in _PATIENT_ANCHORS:
        # "Randomized within 2 weeks after surgery": the anchor named the event.
        event, end = window.anchor, window.end
    elif window.anchor is None:
        found = _AFTER.match(text, window.end - base)
        if found is None or not _opens_event(said, text[window.end - base :]):
            return window
        event, end = found.group("event"), base + found.end("event")
    else:
        return window
    return dataclasses.replace(
        window, event=event, anchor=anchor, direction="before", end=end, anchor_text=None
    )


#: "within 72 hours of (diagnosis)": the period is counted from what follows "of".
_OF = re.compile(r"(?i)\bof\b")


def _opens_event(said: str, rest: str) -> bool:
    """Whether the window's words end with what dates it from an event ("after",
    "of", "following", "from"), or one comes right after them."""
    return bool(re.search(rf"\b{_DATING}\s*$", said) or re.match(rf"\s*{_DATING}\b", rest))


def is_own_event(entity: Entity, windows: Sequence[Window]) -> bool:
    """Whether an entity is the event of a window whose words it is in ("Could
    participate within 2 weeks after mammography": the mammography is the event, dated
    before enrolment): the fact the window times, not words of its time."""
    return any(
        w.event
        and w.start is not None
        and w.end is not None
        and w.start <= entity.start < entity.end <= w.end
        and entity.text.lower() in w.event.lower()
        for w in windows
    )
