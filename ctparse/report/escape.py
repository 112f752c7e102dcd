"""One escaper per output format, for every piece of registry text that goes out.

Registry text is data, never markup: a criterion holding ``|``, ``*``, ``<script>``
or ``[link](x)`` must show as written in every format.

>>> markdown("ANC | platelets *high* <b>")
'ANC \\\\| platelets \\\\*high\\\\* \\\\<b\\\\>'
>>> html('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> script_json({"t": "</script>"})
'{"t": "\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import html as _html
import json
from typing import Any

_MARKDOWN = ("\\", "|", "<", ">", "*", "`", "[", "]")


def markdown(text: str, *, breaks: bool = False) -> str:
    """Text as one GitHub-flavoured Markdown table cell or line: the characters that
    would be markup escaped, line breaks as spaces (``breaks``: as ``<br>``, for a
    cell that lists several items). Intraword underscores ("only_a") are no
    emphasis in GFM and stay."""
    for char in _MARKDOWN:
        text = text.replace(char, "\\" + char)
    if breaks:
        return "<br>".join(" ".join(line.split()) for line in text.split("\n"))
    return " ".join(text.split())


def html(value: Any) -> str:
    """Text for HTML content or a quoted attribute."""
    return _html.escape("" if value is None else str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON for an inline ``<script>`` block: no ``</script>``, ``<!--`` or ``&``
    can end or change it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def rich(text: str) -> Any:
    """Text for a rich table cell, never read as rich markup ("[bold]")."""
    from rich.text import Text

    return Text(text)


def cell(value: Any) -> str:
    """A value as the text of one table or Markdown cell (booleans as yes/no, lists
    joined with "; ", whole floats without ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def csv_cell(value: Any) -> str:
    """A value as one CSV cell, for tools that read it back: booleans ``true`` /
    ``false``, otherwise as :func:`cell` (the csv module does the quoting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell(value)
