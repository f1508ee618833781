"""Which addresses the fetcher may connect to, resolved once per connection (SSRF guard).

Why resolve once: checking a name with one DNS lookup and connecting with another lets a
hostile name answer a public address to the check and 127.0.0.1 to the connection (DNS
rebinding). ``resolve`` returns the checked addresses and the fetcher connects to exactly
those. The refused networks are a data file (``data/blocked_networks.txt``) on top of
everything ``ipaddress`` does not call global; IPv4 addresses hidden in IPv6 transition
prefixes (IPv4-mapped, 6to4, Teredo, NAT64) are unpacked and checked too, since
``2002:7f00:1::`` reaches 127.0.0.1 through a 6to4 relay.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from importlib import resources

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class AddressError(RuntimeError):
    """A name that does not resolve, or resolves to an address that is refused."""


@functools.cache
def blocked_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    text = resources.files("narratrace.watch").joinpath("data/blocked_networks.txt").read_text("utf-8")
    nets = []
    for line in text.splitlines():
        cidr = line.split("#", 1)[0].strip()
        if cidr:
            nets.append(ipaddress.ip_network(cidr))
    return tuple(nets)


def _embedded_v4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [a for a in (addr.ipv4_mapped, addr.sixtofour) if a is not None]
    if addr.teredo:
        found.extend(addr.teredo)
    if any(addr in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return found


def is_blocked(addr: IPAddress) -> bool:
    """True for loopback, private, link-local, shared, reserved, multicast and transition-embedded ones."""
    if not addr.is_global or addr.is_multicast or any(addr in net for net in blocked_networks()
                                                        if net.version == addr.version):
        return True
    if isinstance(addr, ipaddress.IPv6Address):
        return any(is_blocked(v4) for v4 in _embedded_v4(addr))
    return False


def resolve(host: str, port: int, check: bool) -> list[str]:
    """The addresses to connect to for ``host``; with ``check``, refuse if any is blocked.

    Any blocked address fails the whole name (an attacker's name may list a public and a
    private address and let the connection pick).
    """
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addrs: list[IPAddress] = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise AddressError(f"cannot resolve {host!r}: {exc}") from None
        addrs = []
        for info in infos:
            addr = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if addr not in addrs:
                addrs.append(addr)
    if not addrs:
        raise AddressError(f"cannot resolve {host!r}: no address")
    if check:
        bad = [a for a in addrs if is_blocked(a)]
        if bad:
            raise AddressError(f"private address {host!r} refused (it resolves to {bad[0]}, "
                               "a private or special-purpose address)")
    return [str(a) for a in addrs]
