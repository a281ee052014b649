"""Sphinx configuration of KSTT's manuals (`make docs`: HTML in docs/_build/html, PDF in docs/_build/kstt.pdf).

Markdown through MyST. `make docs` builds with -W --keep-going: a warning fails the build, so a broken link
between pages, a reference to a missing heading or a missing screenshot (docs/_screenshots/, taken by
kstt/tests/browser/test_doc_screenshots.py) stops it.
"""

import logging

project = "KSTT"
author = "KSTT"
copyright = "KSTT"
language = "en"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_screenshots/README.md", "Thumbs.db", ".DS_Store"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links are checked against the headings
myst_enable_extensions = ["colon_fence", "deflist"]
html_theme = "alabaster"
html_title = "KSTT"
html_theme_options = {"page_width": "1180px", "sidebar_width": "260px"}
html_static_path: list[str] = []
html_show_sourcelink = False
# A link to a page or heading that does not exist is a warning (so an error); so is an image that is missing.
nitpicky = False


class _EmptyGlob(logging.Filter):
    """The IT and integrators indexes glob their folder, so pages written later join without an edit; until then
    the glob may match nothing, which is no fault (Sphinx gives that warning no type ``suppress_warnings`` reads)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "subtype", "") != "empty_glob"


logging.getLogger("sphinx.sphinx.directives.other").addFilter(_EmptyGlob())
