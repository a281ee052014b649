"""The manuals as one PDF: Sphinx's single-page HTML printed by Debian's chromium through Playwright.

    python docs/pdf.py docs/_build/singlehtml/index.html docs/_build/kstt.pdf

No LaTeX: chromium (the one the browser tests drive, ``KSTT_CHROMIUM`` or /usr/bin/chromium) prints the page,
pictures included, offline. Fails when the page names an image that did not load.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHROMIUM = Path(os.environ.get("KSTT_CHROMIUM", "/usr/bin/chromium"))

# Sphinx's sidebar and footer are for the screen; the printed manual is the pages one after the other.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm; }
div.sphinxsidebar, div.footer, div.related, a.headerlink { display: none !important; }
div.bodywrapper { margin: 0 !important; }
div.document, div.body { width: auto !important; max-width: none !important; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 8pt; }
table { font-size: 8pt; }
img { max-width: 100%; page-break-inside: avoid; }
h2 { break-before: page; }  /* each part of the manual (the index's entries) on a new page */
"""


def main(source: str, target: str) -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium (it prints the PDF)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(Path(source).resolve().as_uri(), wait_until="load")
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)")
        if broken:
            print("images that did not load: " + ", ".join(broken), file=sys.stderr)
            return 1
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        page.pdf(path=target, format="A4", print_background=True, outline=True, tagged=True)
        browser.close()
    print(f"{target}: {Path(target).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
