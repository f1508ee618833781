"""The fetcher against hostile servers (issue 12 items 1, 5, 6). All on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import socket
import time
import tracemalloc
import zlib
from typing import Any

import pytest

from narratrace.watch import addresses, net
from narratrace.watch.net import FetchError, NetPolicy, fetch, fetch_page
from tests.localhttp import reply, serving


def _gzip_of_zeros(n: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [c.compress(block) for _ in range(n >> 20)]
    return b"".join(parts) + c.flush()


def test_gzip_of_gzip_bomb_is_cut_at_every_layer() -> None:
    bomb = gzip.compress(_gzip_of_zeros(128 << 20), 9)  # 128 MiB two layers down, a few kB sent
    assert len(bomb) < 50_000

    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        reply(req, bomb, headers={"Content-Encoding": "gzip, gzip", "Content-Type": "application/rss+xml"})

    with serving(handler) as srv:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="larger than 1048576 bytes after undoing gzip"):
                fetch(f"http://127.0.0.1:{srv.server_port}/feed", NetPolicy(max_bytes=1 << 20))
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak >> 20} MiB while refusing the bomb"


def test_layers_are_undone_in_order_and_small_bodies_pass() -> None:
    body = gzip.compress(zlib.compress(b"<rss>ok</rss>"))

    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        reply(req, body, headers={"Content-Encoding": "deflate, gzip"})

    with serving(handler) as srv:
        got = fetch_page(f"http://127.0.0.1:{srv.server_port}/f")
    assert got.body == b"<rss>ok</rss>" and got.status == 200 and got.fetched_at.endswith("+00:00")


@pytest.mark.parametrize("address", [
    "100.64.0.1", "100.127.255.254", "169.254.169.254", "192.0.0.170", "198.18.0.1", "0.0.0.0", "10.1.2.3",
    "2002:7f00:1::1", "2002:808:808::1", "2002:c0a8:101::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1",
    "fd00::1", "fe80::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1
])
def test_special_purpose_addresses_are_refused(address: str) -> None:
    assert addresses.is_blocked(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "151.101.1.69"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not addresses.is_blocked(ipaddress.ip_address(address))


@pytest.mark.parametrize("target", ["http://100.64.0.1/", "http://[2002:7f00:1::1]/", "http://[::ffff:127.0.0.1]/"])
def test_redirects_to_special_ranges_are_refused_before_connecting(target: str) -> None:
    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        reply(req, b"", status=302, headers={"Location": target})

    with serving(handler) as srv:
        started = time.monotonic()
        with pytest.raises(FetchError, match="refused"):
            fetch(f"http://127.0.0.1:{srv.server_port}/", NetPolicy(timeout=2))
    assert time.monotonic() - started < 2  # refused, not tried


def test_dns_rebinding_connects_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The name answers 127.0.0.1 (standing in for a public address) to the check, then 127.0.0.2."""
    secret_hits: list[str] = []
    port = 0

    def public(req: http.server.BaseHTTPRequestHandler) -> None:
        if req.path == "/start":
            reply(req, b"", status=302, headers={"Location": f"http://rebind.example:{port}/page"})
        else:
            reply(req, b"public page")

    def secret(req: http.server.BaseHTTPRequestHandler) -> None:
        secret_hits.append(req.path)
        reply(req, b"internal admin page")

    with serving(public) as pub:
        port = pub.server_port
        with serving(secret, host="127.0.0.2", port=port):
            answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.2"])
            real = socket.getaddrinfo

            def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
                if host == "rebind.example":
                    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
                return real(host, *args, **kwargs)

            monkeypatch.setattr(socket, "getaddrinfo", rebinding)
            monkeypatch.setattr(addresses, "is_blocked", lambda a: str(a) != "127.0.0.1")
            body, final = fetch(f"http://127.0.0.1:{port}/start", NetPolicy(timeout=2))
    assert body == b"public page" and final.endswith("/page")
    assert secret_hits == []


def test_a_slow_drip_is_cut_at_the_overall_deadline() -> None:
    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Length", "100")
        req.end_headers()
        for _ in range(40):  # one byte every 0.25 s: every single read is quick
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(0.25)

    with serving(handler) as srv:
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            fetch(f"http://127.0.0.1:{srv.server_port}/", NetPolicy(timeout=1.0, deadline=1.5))
    assert time.monotonic() - started < 3.0


def test_unknown_encodings_and_too_many_layers_are_errors_not_crashes() -> None:
    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        enc = "zstd" if req.path == "/z" else "gzip, gzip, gzip, gzip"
        reply(req, b"junk", headers={"Content-Encoding": enc})

    with serving(handler) as srv:
        for path in ("/z", "/many"):
            with pytest.raises(FetchError):
                fetch(f"http://127.0.0.1:{srv.server_port}{path}")


def test_module_exposes_resolve_once() -> None:
    assert net.resolve is addresses.resolve


def test_sources_are_fetched_concurrently_so_a_slow_feed_does_not_stall_the_others() -> None:
    from narratrace.watch.loop import fetch_all

    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title></item></channel></rss>'

    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        if req.path == "/fast":
            reply(req, feed)
            return
        req.send_response(200)
        req.send_header("Content-Length", "100")
        req.end_headers()
        for _ in range(40):
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(0.25)

    with serving(handler) as srv:
        base = f"http://127.0.0.1:{srv.server_port}"
        started = time.monotonic()
        got = dict(fetch_all([f"{base}/slow1", f"{base}/slow2", f"{base}/fast"],
                             NetPolicy(timeout=1.0, deadline=1.5), 10_000))
    assert time.monotonic() - started < 2.8  # the two slow ones in parallel, not one after the other
    assert "deadline" in str(got[f"{base}/slow1"]) and "deadline" in str(got[f"{base}/slow2"])
    assert isinstance(got[f"{base}/fast"], list) and len(got[f"{base}/fast"]) == 1
