"""axe-core in a real page: the vendored, integrity-checked file and one call that lists what
it finds, so every accessibility test reads the same rules the same way."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).parent / "vendor" / f"axe-{AXE_VERSION}.min.js"
AXE_SHA256 = "KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="  # tests/browser/vendor/README.md
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
BLOCKING_IMPACTS = ("serious", "critical")
#: The rules whose outcome depends on the colours alone: all a switch to dark mode can change.
COLOUR_RULES = ("color-contrast", "link-in-text-block")

_RUN = """async (runOnly) => {
    const r = await axe.run(document, {runOnly, resultTypes: ["violations"]});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: "
               + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 200))}));
}"""


def read_axe_source() -> str:
    """The vendored axe-core, refused if it is not the file recorded in vendor/README.md."""
    data = AXE_FILE.read_bytes()
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert digest == AXE_SHA256, f"{AXE_FILE.name} does not match its recorded integrity"
    return data.decode()


def violations(
    page: Page,
    axe_source: str,
    impacts: tuple[str, ...] = EVERY_IMPACT,
    rules: tuple[str, ...] | None = None,
) -> list[str]:
    """The page's axe violations of these impacts (of these rules, default every rule of
    ``AXE_TAGS``) as it is now, one line each."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source + "\n;undefined")
    run_only = (
        {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": AXE_TAGS}
    )
    found = page.evaluate(_RUN, run_only)
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} -> {v['nodes']}"
        for v in found
        if v["impact"] in impacts
    ]
