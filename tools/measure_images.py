"""Measure a page's pictures with Lighthouse: ``python tools/measure_images.py URL``.

Runs Lighthouse (npm ``lighthouse@12``) against URL as a phone 375 CSS pixels wide and prints
what issue 15 is measured by: the three image audits ("Properly size images"
``uses-responsive-images``, "Serve images in next-gen formats" ``modern-image-formats``,
"Image elements do not have explicit width and height" ``unsized-images``), each passed or not
with what it lists, and the bytes of every picture the page transferred (``network-requests``,
resource type Image, ``transferSize``), in total and one by one.

Lighthouse is not a dependency of Hublet; install it once outside the project::

    mkdir -p /tmp/lh && cd /tmp/lh && npm install lighthouse@12

then point ``--lighthouse`` at its ``node_modules/.bin/lighthouse`` (the default) and
``--chrome`` at a Chromium (default ``/usr/bin/chromium``). The site must already be served
(e.g. gunicorn on 127.0.0.1:5077 with a seeded instance, as docs/images.md shows). The
Lighthouse command run is printed first, so a figure can always be traced to its command.
Exit status: 0 when the three audits pass (or ``--no-check``), 1 when one does not, 2 when
Lighthouse could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

AUDITS = {
    "uses-responsive-images": "Properly size images",
    "modern-image-formats": "Serve images in next-gen formats",
    "unsized-images": "Image elements have explicit width and height",
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"


def lighthouse_command(args: argparse.Namespace, output: Path) -> list[str]:
    """The Lighthouse command line for ``args``, writing its JSON report to ``output``."""
    return [
        args.lighthouse,
        args.url,
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        f"--screenEmulation.width={args.width}",
        f"--screenEmulation.height={args.height}",
        f"--screenEmulation.deviceScaleFactor={args.dpr}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]


def audit_summary(report: dict[str, Any], audit_id: str) -> dict[str, Any]:
    """One audit's verdict: passed (score 1 or not applicable), its items and savings."""
    audit = report["audits"][audit_id]
    details = audit.get("details") or {}
    items = details.get("items") or []
    passed = audit.get("scoreDisplayMode") == "notApplicable" or (
        audit.get("score") == 1 and not items
    )
    return {
        "id": audit_id,
        "title": audit.get("title", AUDITS[audit_id]),
        "passed": passed,
        "score": audit.get("score"),
        "items": [
            {
                "url": _url_of(item),
                "wastedBytes": item.get("wastedBytes"),
                "totalBytes": item.get("totalBytes"),
            }
            for item in items
        ],
        "savings_bytes": details.get("overallSavingsBytes", 0) or 0,
    }


def image_requests(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every picture the page loaded: address, type and bytes over the wire."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return [
        {
            "url": item["url"],
            "mimeType": item.get("mimeType", ""),
            "transferSize": int(item.get("transferSize") or 0),
            "resourceSize": int(item.get("resourceSize") or 0),
        }
        for item in items
        if item.get("resourceType") == "Image"
    ]


def _url_of(item: dict[str, Any]) -> str:
    url = item.get("url")
    if url:
        return str(url)
    node = item.get("node") or {}
    return str(node.get("snippet") or node.get("selector") or "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the page to measure, e.g. http://127.0.0.1:5077/")
    parser.add_argument("--lighthouse", default="/tmp/lh/node_modules/.bin/lighthouse")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, default=375, help="CSS pixels (default 375)")
    parser.add_argument("--height", type=int, default=667, help="CSS pixels (default 667)")
    parser.add_argument("--dpr", type=float, default=2, help="device pixel ratio (default 2)")
    parser.add_argument("--report", type=Path, help="also keep Lighthouse's JSON report here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-check", action="store_true", help="exit 0 even when audits fail")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="measure-images-") as folder:
        output = args.report or Path(folder) / "report.json"
        command = lighthouse_command(args, output)
        print("$ CHROME_PATH=" + shlex.quote(args.chrome), shlex.join(command), file=sys.stderr)
        finished = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": args.chrome}, check=False
        )
        if finished.returncode != 0 or not output.exists():
            print(f"lighthouse failed (exit {finished.returncode})", file=sys.stderr)
            return 2
        report = json.loads(output.read_text(encoding="utf-8"))

    audits = [audit_summary(report, audit_id) for audit_id in AUDITS]
    images = image_requests(report)
    total = sum(image["transferSize"] for image in images)
    if args.json:
        figures = {
            "url": args.url,
            "lighthouse": report.get("lighthouseVersion"),
            "viewport": {"width": args.width, "height": args.height, "dpr": args.dpr},
            "audits": audits,
            "image_requests": images,
            "image_transfer_bytes": total,
        }
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.url} at {args.width}x{args.height} CSS px, DPR {args.dpr:g} "
            f"(Lighthouse {report.get('lighthouseVersion')})"
        )
        for audit in audits:
            verdict = "PASS" if audit["passed"] else "FAIL"
            print(
                f"  {verdict}  {audit['id']} ({audit['title']}): {len(audit['items'])} "
                f"listed, {audit['savings_bytes']:,} bytes to save"
            )
            for item in audit["items"]:
                wasted = item["wastedBytes"]
                suffix = f" ({wasted:,} bytes wasted)" if wasted is not None else ""
                print(f"        {item['url']}{suffix}")
        print(f"  images transferred: {len(images)} requests, {total:,} bytes")
        for image in images:
            print(f"        {image['transferSize']:>9,}  {image['mimeType']:<14} {image['url']}")
    if args.no_check:
        return 0
    return 0 if all(audit["passed"] for audit in audits) else 1


if __name__ == "__main__":
    raise SystemExit(main())
