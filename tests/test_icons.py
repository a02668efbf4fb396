"""The favicon set: /favicon.ico at the root, the icons every page links, the web app manifest
and theme-color for both colour schemes."""

from __future__ import annotations

import re
import struct

from tests.builders import make_article


def test_favicon_at_the_root_is_an_ico_with_three_sizes(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    reserved, kind, count = struct.unpack("<HHH", response.data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {response.data[6 + 16 * n] for n in range(count)}
    assert sizes == {16, 32, 48}
    assert "max-age" in response.headers["Cache-Control"]


def test_every_page_links_the_icons_and_the_manifest_and_they_all_answer(client, ctx):
    make_article("Linked")
    for path in ("/", "/article/linked", "/moderation/login", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        links = re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"', html)
        assert {rel for rel, _ in links} == {"icon", "apple-touch-icon", "manifest"}, path
        for _, href in links:
            assert client.get(href).status_code == 200, href
        themes = re.findall(
            r'<meta name="theme-color" content="#[0-9a-f]{6}" media="([^"]+)">', html
        )
        assert themes == ["(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"]


def test_the_manifest_names_the_site_and_its_icons_exist(client, app):
    response = client.get("/site.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == app.config["SITE_NAME"]
    assert manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200 and answer.mimetype == icon["type"], icon
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_the_apple_touch_icon_is_a_180_pixel_png(client):
    html = client.get("/moderation/login").get_data(as_text=True)
    href = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    data = client.get(href).data
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (180, 180)
