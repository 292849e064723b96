"""MkDocs hook: turn the curated data into pages.

Thin on purpose. It reads local files only (centers/ and data/), asks ceeatlas.site for the
generated pages, and hands them to MkDocs as virtual files; nothing generated is written to
docs/. Hand-written pages may contain <!-- atlas:NAME --> markers; an unknown marker fails
the build instead of leaking into the page.

Environment overrides (used by tests to build against other data):
  CEEATLAS_CENTERS_DIR  curated data folder (default: centers/ next to mkdocs.yml)
  CEEATLAS_DATA_DIR     pulled data folder (default: data/ next to mkdocs.yml)
  CEEATLAS_CACHE_DIR    cache folder; the build keeps rendered pieces of rulings in its
                        fragments/ (default: cache/ next to mkdocs.yml)
  CEEATLAS_TODAY        the day (YYYY-MM-DD) the build answers for (default: today)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section

from ceeatlas.acronyms import space_after_caption_prefix, spell_out_first_use
from ceeatlas.curated import CuratedDataError, load_curated
from ceeatlas.files import keep_outputs, restore_outputs
from ceeatlas.project import report_link
from ceeatlas.pulled import PulledDataError, load_pulled
from ceeatlas.site import OUTPUT_FOLDERS, GeneratedSite, generate

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.atlas")
MARKER = re.compile(r"<!--\s*atlas:([A-Za-z0-9_-]+)\s*-->")
CENTERS_SECTION = "Centers"
PROGRAMS_SECTION = "Programs"

_site: GeneratedSite | None = None
_started = None  # what on_files started in the background; on_post_build waits for it


def _folder(config: MkDocsConfig, variable: str, default: str) -> Path:
    base = Path(config.config_file_path).parent
    return Path(os.environ.get(variable) or base / default)


# ---------------------------------------------------------------------------------------
# Build events
# ---------------------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    if not config.repo_url:
        # Rather than build pages whose "Report an error" link leads nowhere.
        raise PluginError("mkdocs.yml needs repo_url: every page links to an issue form there")
    centers_dir = _folder(config, "CEEATLAS_CENTERS_DIR", "centers")
    data_dir = _folder(config, "CEEATLAS_DATA_DIR", "data")
    fragments_dir = _folder(config, "CEEATLAS_CACHE_DIR", "cache") / "fragments"
    # CEEATLAS_TODAY pins the day the data answers for (scope rows and Centers that hold, events
    # to come): the same data then builds the same site on any day.
    today = dt.date.fromisoformat(os.environ["CEEATLAS_TODAY"]) if os.environ.get("CEEATLAS_TODAY") else None
    try:
        _site = generate(
            load_curated(centers_dir, on=today), load_pulled(data_dir), today=today, cache_dir=fragments_dir
        )
    except (CuratedDataError, PulledDataError) as error:
        raise PluginError(str(error)) from error
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    """Before MkDocs cleans the site folder: move the ruling lists, Find rulings files, feeds and
    downloads aside (on_files puts them back), so a rebuild rewrites only what changed. Under
    `mkdocs serve`, first let a failed build's background writers finish."""
    if _started is not None:
        _started.join()
    keep_outputs(Path(config.site_dir), OUTPUT_FOLDERS)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _started
    assert _site is not None
    # After MkDocs cleaned the site folder: the outputs that need nothing from MkDocs are
    # written in the background while it renders the pages.
    restore_outputs(Path(config.site_dir), OUTPUT_FOLDERS)
    _started = _site.start_static_files(Path(config.site_dir), config.site_url or "")
    for path, content in {**_site.pages, **_site.assets}.items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} exists but is generated from data; delete the file")
        files.append(File.generated(config, path, content=content))
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """The theme (overrides/main.html) builds the report link with the same code as the ruling
    lists, so the link's form and field names live in one place (ceeatlas.project)."""
    env.globals["report_link"] = report_link
    return env


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Put the Center and program pages, in data order, into their sections after the fixed pages."""
    assert _site is not None
    for title, paths in ((CENTERS_SECTION, _site.center_pages), (PROGRAMS_SECTION, _site.program_pages)):
        section = next(
            (item for item in nav.items if isinstance(item, Section) and item.title == title), None
        )
        if section is None:
            raise PluginError(f"mkdocs.yml nav needs a '{title}' section")
        listed = {child.file.src_uri for child in section.children if getattr(child, "file", None)}
        for path in paths:
            if path in listed:
                continue
            page = files.get_file_from_path(path).page
            page.parent = section
            section.children.append(page)
    # prev/next links follow the order of nav.pages; rebuild it from the tree
    nav.pages = list(_walk(nav.items))
    return nav


def _walk(items):
    for item in items:
        if isinstance(item, Section):
            yield from _walk(item.children)
        elif getattr(item, "is_page", False):
            yield item


def on_post_build(config: MkDocsConfig) -> None:
    """Long ruling lists are plain HTML pages written after MkDocs (see ceeatlas.site)."""
    global _started
    assert _site is not None
    count = _site.write_static_files(
        Path(config.site_dir),
        _started,
        site_name=config.site_name,
        site_url=config.site_url or "",
        repo_url=config.repo_url,
    )
    _started = None
    log.info("atlas: wrote %d ruling list pages and feeds", count)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Spell out each acronym at its first use on the page; mend table captions."""
    return space_after_caption_prefix(spell_out_first_use(html))


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _site is not None

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in _site.marker_names:
            known = ", ".join(_site.marker_names)
            raise PluginError(f"{page.file.src_uri}: unknown marker atlas:{name} (known: {known})")
        return _site.render_marker(name, page.file.src_uri)

    # Acronym tooltips on every page (Markdown abbreviations from the glossary).
    return MARKER.sub(replace, markdown) + "\n\n" + _site.abbreviations + "\n"
