"""Outgoing HTTP for feeds and webhooks: timeouts, size limits, guarded redirects.

Why our own redirect loop: a feed we poll is controlled by the people we study. A redirect
to ``http://169.254.169.254/`` or ``http://localhost:8080/admin`` would turn the watcher
into a probe of the analyst's network (SSRF). The URL the user typed is trusted as given;
every redirect target is resolved and refused if any address is private, loopback,
link-local or reserved, unless ``allow_private`` is set. Bodies are read in chunks and
cut at ``max_bytes``, so a hostile server cannot exhaust memory, and every request has a
total timeout.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "narratrace-watch/0.1 (+https://github.com/narratrace)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5


class FetchError(RuntimeError):
    """A fetch that failed for a reason worth logging (not a crash)."""


@dataclass(frozen=True)
class NetPolicy:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private: bool = False


def _is_private_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved or \
                addr.is_multicast or addr.is_unspecified:
            return True
    return False


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(f"{url!r}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url!r}: only http:// and https:// URLs are supported")
    return url


def _request(method: str, url: str, policy: NetPolicy, **kwargs: Any) -> tuple[int, bytes, str]:
    current = check_url(url)
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    with httpx.Client(timeout=policy.timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                with client.stream(method, current, headers=headers, **kwargs) as resp:
                    if resp.is_redirect and method == "GET":
                        target = urljoin(current, resp.headers.get("location", ""))
                        check_url(target)
                        host = urlsplit(target).hostname or ""
                        if not policy.allow_private and _is_private_host(host):
                            raise FetchError(
                                f"{url}: redirect to private address {host!r} refused "
                                "(use --allow-private to permit it)"
                            )
                        current = target
                        continue
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > policy.max_bytes:
                            raise FetchError(f"{current}: response larger than {policy.max_bytes} bytes")
                        chunks.append(chunk)
                    return resp.status_code, b"".join(chunks), current
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
    raise FetchError(f"{url}: unreachable")  # pragma: no cover


def fetch(url: str, policy: NetPolicy = NetPolicy()) -> tuple[bytes, str]:
    """GET ``url``; returns the body and the final URL. Raises FetchError on any problem."""
    status, body, final = _request("GET", url, policy)
    if status >= 400:
        raise FetchError(f"{final}: HTTP {status}")
    return body, final


def post_json(url: str, payload: bytes, policy: NetPolicy = NetPolicy()) -> int:
    """POST a JSON body (webhooks). Redirects are not followed for POST."""
    status, _body, _final = _request(
        "POST", url, policy, content=payload, headers={"Content-Type": "application/json"}
    )
    if status >= 400:
        raise FetchError(f"{url}: HTTP {status}")
    return status
