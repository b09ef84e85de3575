"""Screenshots of a running Veiviser for the README, taken with Debian's Chromium.

    make demo                                  # in another terminal: http://127.0.0.1:8000
    .venv/bin/python tools/screenshots.py /ungdommer/ /ungdom/ny/
    .venv/bin/python tools/screenshots.py --user per --password demo --base-url http://127.0.0.1:8000 /fordeling/

Logs in through the login page, then saves one PNG per URL into docs/img/ (1280×800 or --width/--height, the
visible part of the page; --full-page for all of it), named after the URL path
(/ungdommer/ -> docs/img/ungdommer.png) unless given as NAME=URL (worklist=/ungdommer/).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=nb-NO",  # date fields as dd.mm.åååå
]


def name_for(url: str) -> str:
    path = re.sub(r"[?#].*$", "", url).strip("/")
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "start"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", metavar="[NAME=]URL", help="paths such as /ungdommer/")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="silje")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--width", type=int, default=1280, help="window width (390: a phone)")
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument(
        "--open-menu", metavar="NAME", help="open this main-menu group first (its button's text)"
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height},
            locale="nb-NO",
            timezone_id="Europe/Oslo",
            device_scale_factor=1,
        )
        page = context.new_page()
        page.goto(urljoin(args.base_url, "/logg-inn/"))
        page.get_by_label("Brukernavn").fill(args.user)
        page.get_by_label("Passord", exact=True).fill(args.password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state("networkidle")
        if "/logg-inn/" in page.url:
            print(f"could not log in as {args.user!r} at {args.base_url}", file=sys.stderr)
            browser.close()
            return 1
        for item in args.urls:
            named = re.fullmatch(r"([\w-]+)=(.+)", item)
            name, url = named.groups() if named else ("", item)
            target = args.out / f"{name or name_for(url)}.png"
            page.goto(urljoin(args.base_url, url))
            page.wait_for_load_state("networkidle")
            if args.open_menu:
                page.locator("nav summary", has_text=args.open_menu).click()
            page.screenshot(path=str(target), full_page=args.full_page)
            print(
                f"{page.url} -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
