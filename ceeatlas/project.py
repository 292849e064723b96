"""The project's own address and the "Report an error or suggest a source" link built from it.

The repository's address is one setting, `repo_url` in mkdocs.yml (environment variable
CEEATLAS_REPO_URL). The build reads it from the MkDocs config; code that runs outside a build
(the User-Agent of a pull) reads the same line through `repo_url()`, so the address is never
written down twice.

The link opens a GitHub issue form (.github/ISSUE_TEMPLATE/report-error.yml) with the page's
canonical URL and title already filled in. It is a plain link: no script, no request to
GitHub until the reader follows it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

# Next to the package in the repository; pulls and builds both run from a checkout.
MKDOCS_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"

# The form the link opens and the ids of the fields it fills; tests/test_report.py checks that
# the form has these ids, since GitHub silently ignores a query parameter naming no field.
REPORT_FORM = "report-error.yml"
PAGE_URL_FIELD = "page-url"
PAGE_TITLE_FIELD = "page-title"
REPORT_TEXT = "Report an error or suggest a source"


def repo_url(config_file: Path = MKDOCS_CONFIG) -> str:
    """`repo_url` from mkdocs.yml, read with MkDocs' own YAML loader so that the !ENV tag
    (CEEATLAS_REPO_URL) resolves exactly as it does in a build."""
    from mkdocs.utils.yaml import yaml_load  # imported here: only pulls need it, and it is slow

    with open(config_file, "rb") as stream:
        url = yaml_load(stream).get("repo_url")
    if not url:
        raise ValueError(f"{config_file}: repo_url is not set")
    return str(url)


def report_url(repo: str, page_url: str, page_title: str) -> str:
    """The address of the prefilled issue form for one page.

    quote_via=quote writes a space as %20 rather than +, which every URL parser reads the same
    way; the page URL's own ?, & and # are percent-encoded so they cannot end the parameter."""
    query = urlencode(
        {"template": REPORT_FORM, PAGE_URL_FIELD: page_url, PAGE_TITLE_FIELD: page_title},
        quote_via=quote,
    )
    return f"{repo.rstrip('/')}/issues/new?{query}"


def report_link(repo: str, page_url: str, page_title: str) -> Markup:
    """The paragraph that ends every page. The link text alone names the action (screen readers
    list links out of context); the sentence around it says where it leads."""
    href = escape(report_url(repo, page_url, page_title))
    return Markup(
        '<p class="atlas-report">Found a mistake, or know a better source? '
        f'<a href="{href}">{escape(REPORT_TEXT)}</a> '
        "(a form on GitHub; you need a GitHub account, and the issue is public).</p>"
    )
