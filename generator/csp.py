"""The Content-Security-Policy of every site page (issue 12.2), as a <meta> tag since the site is
static and opens from file://.

Only the site's own files may run or style the page: 'self' and, because Chromium does not count
file: URLs as 'self', the file: scheme; no other origin. The inline scripts the Material theme
writes into each page (its scope and palette set-up) are allowed by their SHA-256, computed from
the rendered page, and so is the one the vendored iframe-worker shim writes into its frame to run
search from file://. Anything else inline (a script pasted into a page that got past the
sanitizer) is refused by the browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

PLACEHOLDER = "casefile-csp-hashes"
SHIM = Path(__file__).parent / "assets" / "vendor" / "iframe-worker-shim.js"
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
CONFIG_SCRIPT = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)

# 'self' file: — own files, whether served over http(s) or opened from a folder
OWN = "'self' file:"
TEMPLATE = (f"default-src 'none'; script-src {OWN} {PLACEHOLDER}; style-src {OWN}; img-src {OWN} data:; "
            f"font-src {OWN} data:; connect-src {OWN}; worker-src {OWN}; frame-src {OWN}; manifest-src {OWN}; "
            "media-src 'self' file:; base-uri 'self'; form-action 'self'; object-src 'none'")


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@cache
def _shim_parts() -> tuple[str, str, str] | None:
    """(function c, function d, the frame's script template) from the vendored shim."""
    src = SHIM.read_text(encoding="utf-8")
    c = re.search(r"function c\(.*?(?=function d\()", src)
    d = re.search(r"function d\(.*?(?=var o=class)", src)
    t = re.search(r"document\.write\(`<html><body><script>(.*?)<\\/script><script src=", src)
    if not (c and d and t):
        return None
    return c.group(0), d.group(0), t.group(1)


def shim_frame_script(worker_url: str) -> str | None:
    parts = _shim_parts()
    if parts is None:
        return None
    c, d, template = parts
    return template.replace("${c}", c).replace("${d}", d).replace("${e}", worker_url)


def inline_scripts(html: str) -> list[str]:
    out = []
    for m in INLINE_SCRIPT.finditer(html):
        attrs = m["attrs"].lower()
        if "src=" in attrs or re.search(r"type=\"?application/(ld\+)?json", attrs):
            continue
        out.append(m["body"])
    return out


def fill(html: str) -> str:
    """The page with its CSP meta tag completed: hashes of its own inline scripts and of the
    search worker frame's script. Pages without the tag are returned as they are."""
    if PLACEHOLDER not in html:
        return html
    scripts = inline_scripts(html)
    cfg = CONFIG_SCRIPT.search(html)
    if cfg:
        try:
            worker = json.loads(cfg.group(1)).get("search")
        except ValueError:
            worker = None
        frame = shim_frame_script(worker) if isinstance(worker, str) else None
        if frame is not None:
            scripts.append(frame)
    hashes = " ".join(dict.fromkeys(sha256(s) for s in scripts))
    return html.replace(PLACEHOLDER, hashes, 1)
