"""Outgoing HTTP for feeds, pages and webhooks: one hardened fetcher.

Why our own client loop over httpcore: what we fetch is controlled by the people we
study. The guards, each a lesson from a hostile server:

- SSRF: a URL the user typed is trusted as given; every redirect target, and every URL
  that came from fetched content (a feed item's link), is resolved once and refused if
  any address is private, loopback, link-local, shared (100.64.0.0/10), reserved or
  hidden in an IPv6 transition prefix (``addresses.py``). The connection goes to the
  address that was checked, never to a second DNS answer (DNS rebinding).
- Memory: Content-Encoding is undone here in bounded steps, every layer capped at
  ``max_bytes`` (``decoding.py``), so a gzip-of-gzip bomb stops at the cap.
- Time: ``timeout`` bounds each network operation and ``deadline`` the whole request,
  redirects included: a server sending one byte every two seconds is cut at the deadline.
"""

from __future__ import annotations

import datetime as dt
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore

from .addresses import AddressError, resolve
from .decoding import DecodingError, decoded, encodings

USER_AGENT = "narratrace/0.1 (+https://github.com/narratrace)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 60.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5


class FetchError(RuntimeError):
    """A fetch that failed for a reason worth logging (not a crash)."""


@dataclass(frozen=True)
class NetPolicy:
    timeout: float = DEFAULT_TIMEOUT  # seconds per connect/read/write
    max_bytes: int = DEFAULT_MAX_BYTES  # per body, after every decoding layer
    allow_private: bool = False
    deadline: float = DEFAULT_DEADLINE  # seconds for the whole request, redirects included


@dataclass(frozen=True)
class Fetched:
    """What a server answered: the evidence an analyst may need to prove what a page said."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    body: bytes  # decoded of Content-Encoding, otherwise as sent
    content_type: str
    fetched_at: str  # ISO 8601, UTC


class _Expired(httpcore.TimeoutException):
    pass


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner, self._deadline = inner, deadline

    def _clip(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise _Expired("request deadline reached")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clip(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._clip(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._clip(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the addresses resolved and checked before the request, nothing else."""

    def __init__(self, addresses: list[str], deadline: float) -> None:
        self._addresses, self._deadline = addresses, deadline
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        error: Exception | None = None
        for addr in self._addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise _Expired("request deadline reached")
            try:
                inner = self._inner.connect_tcp(addr, port, min(timeout or left, left), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(inner, self._deadline)
        raise error or httpcore.ConnectError(f"no address for {host}")

    def sleep(self, seconds: float) -> None:  # pragma: no cover - not used without retries
        time.sleep(seconds)


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise FetchError(f"{url!r}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url!r}: only http:// and https:// URLs are supported")
    return url


def _once(method: str, url: str, policy: NetPolicy, check: bool, deadline: float, headers: dict[str, str],
          content: bytes | None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port, check=check and not policy.allow_private)
    except AddressError as exc:
        hint = " (use --allow-private to permit it)" if "refused" in str(exc) else ""
        raise FetchError(f"{url}: {exc}{hint}") from None
    timeout = {k: policy.timeout for k in ("connect", "read", "write", "pool")}
    pool = httpcore.ConnectionPool(network_backend=_PinnedBackend(addresses, deadline), max_connections=1,
                                   ssl_context=ssl.create_default_context())
    with pool, pool.stream(method, url, headers=list(headers.items()), content=content,
                           extensions={"timeout": timeout}) as resp:
        head = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in resp.headers}
        if 300 <= resp.status < 400 and "location" in head:
            return resp.status, head, b""
        layers = encodings(head.get("content-encoding", ""))
        length = head.get("content-length", "")
        if not layers and length.isdigit() and int(length) > policy.max_bytes:
            raise DecodingError(f"response larger than {policy.max_bytes} bytes ({length} announced)")
        body = bytearray()
        for chunk in decoded(resp.iter_stream(), layers, policy.max_bytes):
            body += chunk
        return resp.status, head, bytes(body)


def _request(method: str, url: str, policy: NetPolicy, trusted: bool, content: bytes | None = None,
             headers: dict[str, str] | None = None) -> Fetched:
    current = check_url(url)
    deadline = time.monotonic() + policy.deadline
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})}
    check = not trusted
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            status, head, body = _once(method, current, policy, check, deadline, sent, content)
        except DecodingError as exc:
            raise FetchError(f"{current}: {exc}") from None
        except httpcore.TimeoutException as exc:
            if isinstance(exc, _Expired) or time.monotonic() >= deadline - 0.05:
                raise FetchError(f"{current}: no complete answer within the {policy.deadline:g} s deadline") from None
            raise FetchError(f"{current}: {type(exc).__name__}: no answer within {policy.timeout:g} s") from None
        except (httpcore.NetworkError, httpcore.ProtocolError,
                httpcore.UnsupportedProtocol, ssl.SSLError, ValueError) as exc:
            raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
        if 300 <= status < 400 and "location" in head and method == "GET":
            current = check_url(urljoin(current, head["location"]))
            check = True  # a redirect target comes from the server, not from the user
            continue
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return Fetched(url, current, status, body, head.get("content-type", ""), now)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def fetch_page(url: str, policy: NetPolicy = NetPolicy(), trusted: bool = True) -> Fetched:
    """GET ``url`` with every guard; ``trusted=False`` for URLs found in fetched content."""
    got = _request("GET", url, policy, trusted)
    if got.status >= 400:
        raise FetchError(f"{got.final_url}: HTTP {got.status}")
    return got


def fetch(url: str, policy: NetPolicy = NetPolicy(), trusted: bool = True) -> tuple[bytes, str]:
    """GET ``url``; returns the body and the final URL. Raises FetchError on any problem."""
    got = fetch_page(url, policy, trusted)
    return got.body, got.final_url


def post_json(url: str, payload: bytes, policy: NetPolicy = NetPolicy()) -> int:
    """POST a JSON body (webhooks). Redirects are not followed for POST."""
    got = _request("POST", url, policy, trusted=True, content=payload,
                   headers={"Content-Type": "application/json"})
    if got.status >= 400:
        raise FetchError(f"{url}: HTTP {got.status}")
    return got.status
