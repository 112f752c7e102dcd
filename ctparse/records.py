"""NCT ids and the fields of a raw API v2 record, in one place.

Every module that recognises an NCT id, or reads the id, last update or
aliases of a raw registry record (the client, the corpus, the mirror, the bulk
reader, the readers), uses these.

>>> normalize_nct_id(" nct05990231 ")
'NCT05990231'
>>> find_nct_id("Registered as NCT05990231 on ClinicalTrials.gov")
'NCT05990231'
>>> record_facts({"protocolSection": {"identificationModule": {"nctId": "NCT05990231"}}})
('NCT05990231', None, [])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: An NCT id, whole (any case): ``NCT`` and 8 digits.
NCT_ID = re.compile(r"^NCT\d{8}$", re.IGNORECASE)
_NCT_IN_TEXT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
#: A local id: a record without an NCT id, named by a hash of its content.
LOCAL_ID = re.compile(r"^local-[0-9a-f]{16}$")


def is_nct_id(text: str) -> bool:
    """Whether ``text`` is an NCT id (any case, no surrounding space)."""
    return NCT_ID.match(text) is not None


def normalize_nct_id(nct_id: str) -> str:
    """``nct05990231`` → ``NCT05990231``; anything else is returned stripped."""
    text = nct_id.strip()
    return text.upper() if NCT_ID.match(text) else text


def find_nct_id(text: str | None) -> str | None:
    """The first NCT id written in ``text``, normalized, or None."""
    match = _NCT_IN_TEXT.search(text or "")
    return match.group().upper() if match else None


def _modules(record: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    protocol = record.get("protocolSection") or {}
    if not isinstance(protocol, Mapping):
        return {}, {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    return (
        ident if isinstance(ident, Mapping) else {},
        status if isinstance(status, Mapping) else {},
    )


def record_nct_id(record: Mapping[str, Any]) -> str | None:
    """The NCT id of a raw API v2 study record, or None."""
    value = _modules(record)[0].get("nctId")
    return normalize_nct_id(value) if isinstance(value, str) else None


def record_last_update(record: Mapping[str, Any]) -> str | None:
    """The record's ``lastUpdatePostDate`` (ISO date), or None."""
    struct = _modules(record)[1].get("lastUpdatePostDateStruct") or {}
    value = struct.get("date") if isinstance(struct, Mapping) else None
    return value if isinstance(value, str) else None


def record_aliases(record: Mapping[str, Any]) -> list[str]:
    """Older NCT ids that now point at this record (``nctIdAliases``)."""
    aliases = _modules(record)[0].get("nctIdAliases") or []
    return [normalize_nct_id(a) for a in aliases if isinstance(a, str)]


def record_facts(record: Mapping[str, Any]) -> tuple[str | None, str | None, list[str]]:
    """(NCT id, lastUpdatePostDate, aliases) of a raw API v2 record."""
    return record_nct_id(record), record_last_update(record), record_aliases(record)
