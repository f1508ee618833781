"""Downloads of any list, streamed so a 100,000-article export holds one batch in memory.

The formats are the registered exporters (``narratrace.exporters``), the same classes
``narratrace export`` writes with; CSV cells that a spreadsheet would run as a formula
are defused there: article titles are written by the people being studied, and a
download must not become a way into the analyst's machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.responses import StreamingResponse

from ..exporters import get_exporter, stream_rows


def download(rows: Iterable[dict[str, Any]], fmt: str, columns: list[str], name: str) -> StreamingResponse:
    """A streamed download of ``rows`` in a registered format (tabular ones keep ``columns``)."""
    return StreamingResponse(
        stream_rows(fmt, rows, columns),
        media_type=get_exporter(fmt).media_type,
        headers={"content-disposition": f'attachment; filename="narratrace-{name}.{fmt}"'},
    )
