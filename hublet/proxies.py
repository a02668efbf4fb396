"""What a request may claim about itself: its client address, its scheme and its host.

A client that reaches gunicorn directly can send any ``X-Forwarded-For``; believing it lets one
machine walk past every per-address limit and forge the addresses moderators see. So forwarded
headers count only when the peer (``REMOTE_ADDR``) is inside ``TRUSTED_PROXY_NETWORKS``: then the
client is the rightmost ``X-Forwarded-For`` address that is not one of those proxies, and the
scheme is the proxy's ``X-Forwarded-Proto``. ``X-Forwarded-Host`` is never read: absolute URLs
come from ``SITE_URL`` (``hublet.seo``), and a ``Host`` that is not the site's gets a plain 400
before any view, session, limit or cache runs.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host

from hublet.config import setting_list, site_hosts, site_url

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: A proxy on this host: what ``HUBLET_TRUSTED_PROXIES=1`` alone has always meant in practice.
LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")
#: Headers that a client could use to claim another host; nothing downstream may read them.
_HOST_CLAIMS = ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")
_UNTRUSTED_HOST_BODY = b"Bad Request: this site does not answer to that host name.\n"

log = logging.getLogger("hublet.proxies")
security_log = logging.getLogger("hublet.security")


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.0/8``-style networks (a bare address is one host); a typo stops the start."""
    try:
        return tuple(ipaddress.ip_network(value, strict=False) for value in values)
    except ValueError as error:
        raise ValueError(f"TRUSTED_PROXY_NETWORKS: {error}") from None


def _address(value: str) -> Address | None:
    """An address as proxies write it (``1.2.3.4``, ``1.2.3.4:567``, ``[::1]:80``), or None."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(
    peer: str, forwarded_for: str, networks: tuple[Network, ...], max_hops: int = 0
) -> tuple[str, int]:
    """The client's address and how many trusted proxies stood in front of it.

    Walks from the peer leftwards through ``X-Forwarded-For`` while the address in hand is a
    trusted proxy (at most ``max_hops`` of them when it is positive). An address the client
    wrote itself sits left of the first untrusted one and is never reached.
    """
    chain = [item for item in forwarded_for.split(",") if item.strip()] + [peer]
    index, hops = len(chain) - 1, 0
    while index > 0 and (max_hops <= 0 or hops < max_hops):
        current = _address(chain[index])
        if current is None or not any(current in network for network in networks):
            break
        if _address(chain[index - 1]) is None:
            break  # garbage where an address should be: the last trusted hop is all we know
        index, hops = index - 1, hops + 1
    found = _address(chain[index])
    return (str(found) if found is not None else peer), hops


class ForwardedHeadersMiddleware:
    """Take the client address and scheme from trusted proxies only; never another host."""

    def __init__(self, wsgi_app: Callable, networks: tuple[Network, ...], max_hops: int) -> None:
        self.wsgi_app = wsgi_app
        self.networks = networks
        self.max_hops = max_hops

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        for name in _HOST_CLAIMS:
            environ.pop(name, None)
        forwarded_for = environ.pop("HTTP_X_FORWARDED_FOR", "")
        forwarded_proto = environ.pop("HTTP_X_FORWARDED_PROTO", "")
        peer = environ.get("REMOTE_ADDR", "")
        client, hops = client_address(peer, forwarded_for, self.networks, self.max_hops)
        if hops:
            environ["hublet.proxy_peer"] = peer
            environ["REMOTE_ADDR"] = client
            schemes = [item.strip().lower() for item in forwarded_proto.split(",") if item.strip()]
            # The scheme the outermost trusted proxy was reached with, as ProxyFix reads it.
            scheme = schemes[-hops] if len(schemes) >= hops else (schemes[0] if schemes else "")
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.wsgi_app(environ, start_response)


def is_site_host(host: str, hosts: list[str]) -> bool:
    """Whether ``host`` (``name[:port]``, as Werkzeug validated it) is one of ``hosts``.

    The port does not count; a name starting with "." also matches its subdomains.
    """
    if not host or not host_is_trusted(host):
        return False
    name = host[: host.index("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
    name = name.lower().rstrip(".")
    return any(
        name == allowed.lstrip(".") or (allowed.startswith(".") and name.endswith(allowed))
        for allowed in hosts
    )


class AllowedHostsMiddleware:
    """Answer 400 to a request whose ``Host`` is not the site's, before the app sees it."""

    def __init__(self, wsgi_app: Callable, hosts: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        host = get_host(environ)
        if is_site_host(host, self.hosts):
            return self.wsgi_app(environ, start_response)
        security_log.warning(
            "untrusted_host client=%s host=%r", environ.get("REMOTE_ADDR", "-"), host
        )
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(_UNTRUSTED_HOST_BODY))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [_UNTRUSTED_HOST_BODY]


def trusted_networks(config: dict[str, Any]) -> tuple[Network, ...]:
    """The configured proxy networks; loopback when only ``TRUSTED_PROXIES`` is set."""
    values = setting_list(config.get("TRUSTED_PROXY_NETWORKS"))
    if not values and int(config.get("TRUSTED_PROXIES") or 0) > 0:
        values = list(LOOPBACK_NETWORKS)
    return parse_networks(values)


def init_app(app: Flask) -> None:
    """Wrap the app: forwarded headers from trusted proxies only, and the site's hosts only."""
    hosts = site_hosts(app.config)
    app.wsgi_app = AllowedHostsMiddleware(app.wsgi_app, hosts)  # type: ignore[method-assign]
    app.wsgi_app = ForwardedHeadersMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        trusted_networks(app.config),
        max(int(app.config.get("TRUSTED_PROXIES") or 0), 0),
    )
    if not app.config.get("SITE_URL") and not (app.debug or app.testing):
        log.warning(
            "HUBLET_SITE_URL is not set: absolute URLs (canonical, feeds, sitemaps) point at %s "
            "and only requests for %s are served. Set HUBLET_SITE_URL to the site's public "
            "address, e.g. https://news.example.com.",
            site_url(app.config),
            ", ".join(hosts),
        )
