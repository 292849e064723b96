"""Offline link check of a built site: every internal link and asset must exist.

External links are collected and reported, not fetched (builds and tests never use the
network); `python -m ceeatlas check-links site/` prints both and exits 1 on a broken internal link.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if tag == "link" and values.get("rel") in ("canonical", "alternate") and name == "href":
                continue  # absolute by design (site_url)
            if values.get(name):
                self.links.append(values[name])


@dataclass
class LinkReport:
    pages: int = 0
    broken: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # target -> pages
    external: set[str] = field(default_factory=set)


def site_base_path(site: Path) -> str:
    """The path part of site_url ("/ceeatlas/"), read from the sitemap MkDocs wrote."""
    try:
        text = (site / "sitemap.xml").read_text(encoding="utf-8")
    except OSError:
        return "/"
    paths = [urlsplit(loc).path or "/" for loc in re.findall(r"<loc>([^<]+)</loc>", text)]
    # The home page's address is site_url itself, and it is the shortest.
    return min(paths, key=len) if paths else "/"


def _target(site: Path, page: Path, link: str, base_path: str) -> tuple[Path, str] | None:
    parts = urlsplit(link)
    if parts.scheme or link.startswith("//"):
        return None
    if not parts.path:
        return page, parts.fragment
    if parts.path.startswith("/"):
        # Root-relative links (the 404 page uses them) are relative to site_url's path.
        relative = (
            parts.path[len(base_path) :] if parts.path.startswith(base_path) else parts.path.lstrip("/")
        )
        path = (site / unquote(relative)).resolve()
    else:
        path = (page.parent / unquote(parts.path)).resolve()
    if path.is_dir() or parts.path.endswith("/"):
        path = path / "index.html"
    return path, parts.fragment


def check_site(site: Path) -> LinkReport:
    site = site.resolve()
    base_path = site_base_path(site)
    report = LinkReport()
    ids: dict[Path, set[str]] = {}
    pending: list[tuple[Path, str, Path, str]] = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        ids[page] = parser.ids
        report.pages += 1
        for link in parser.links:
            if link.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            resolved = _target(site, page, link, base_path)
            if resolved is None:
                if urlsplit(link).scheme in ("http", "https"):
                    report.external.add(link)
                continue
            pending.append((page, link, *resolved))
    for page, link, target, fragment in pending:
        if site not in target.parents and target != site:
            report.broken[link].append(str(page.relative_to(site)))
        elif not target.exists():
            report.broken[link].append(str(page.relative_to(site)))
        elif fragment and target.suffix == ".html" and target in ids and fragment not in ids[target]:
            report.broken[link].append(str(page.relative_to(site)))
    return report
