"""The project's own address.

The repository's address is one setting, `repo_url` in mkdocs.yml (environment variable
CEEATLAS_REPO_URL). The build reads it from the MkDocs config; code that runs outside a build
(the User-Agent of a pull) reads the same line through `repo_url()`, so the address is never
written down twice.
"""

from __future__ import annotations

from pathlib import Path

# Next to the package in the repository; pulls and builds both run from a checkout.
MKDOCS_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"


def repo_url(config_file: Path = MKDOCS_CONFIG) -> str:
    """`repo_url` from mkdocs.yml, read with MkDocs' own YAML loader so that the !ENV tag
    (CEEATLAS_REPO_URL) resolves exactly as it does in a build."""
    from mkdocs.utils.yaml import yaml_load  # imported here: only pulls need it, and it is slow

    with open(config_file, "rb") as stream:
        url = yaml_load(stream).get("repo_url")
    if not url:
        raise ValueError(f"{config_file}: repo_url is not set")
    return str(url)
