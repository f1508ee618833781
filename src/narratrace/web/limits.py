"""The HTTP parser with a bound on the request line and headers.

Why: uvicorn's httptools protocol buffers a header until its end, with no limit; four
unterminated 64 MB headers took the server from 437 to 746 MB. This protocol counts the
bytes of a request's head (request line plus headers) and answers 431 and closes the
connection past ``MAX_HEAD_BYTES``; the body is bounded elsewhere (``web/analyze.py``).
Without httptools, uvicorn's h11 protocol gets the same bound
(``h11_max_incomplete_event_size``).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # httptools is a declared dependency

MAX_HEAD_BYTES = 64 * 1024
_MESSAGE = b"request line and headers over 64 KiB\n"
REFUSAL = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
           b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_MESSAGE), _MESSAGE))



def uvicorn_options() -> dict[str, Any]:
    """What ``uvicorn.run`` needs for the bound (h11's, should someone pass ``http="h11"``)."""
    return {"http": "narratrace.web.limits:HeadLimitedProtocol", "h11_max_incomplete_event_size": MAX_HEAD_BYTES}


class HeadLimitedProtocol(HttpToolsProtocol):
    """httptools, with the head of each request bounded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)  # the parser holds at most one read beyond the limit
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self.transport.write(REFUSAL)
            self.transport.close()

    def on_message_begin(self) -> None:
        self._in_head = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        super().on_headers_complete()
