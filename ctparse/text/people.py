"""The words for a person in eligibility text, as regex fragments (case is up
to the caller's pattern).

>>> import re
>>> bool(re.fullmatch(PERSON, "participants")), bool(re.fullmatch(PARTICIPANT, "women"))
(True, False)
"""

from __future__ import annotations

#: Someone in the study, by role.
PARTICIPANT = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?)"
#: A group named by sex or age.
GROUP = (
    r"(?:men|women|males?|females?|adults?|children|adolescents?|teenagers?|boys|girls|"
    r"youths?|minors?)"
)
#: Either, or "those".
PERSON = rf"(?:{PARTICIPANT}|{GROUP}|those)"
#: Someone other than the participant, whose age a criterion may limit too ("infants
#: born from mothers aged less than 18", "a parent aged 18 or older").
SOMEONE_ELSE = (
    r"(?:mothers?|fathers?|parents?|caregivers?|carers?|guardians?|partners?|spouses?|"
    r"donors?|siblings?)"
)
