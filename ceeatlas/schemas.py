"""JSON Schemas of the curated files, generated from the one schema in code (ceeatlas.models),
for editors: a YAML file in centers/ that starts with
    # yaml-language-server: $schema=../schemas/<name>.schema.json
gets completion and checks while it is typed. `python -m ceeatlas schemas` writes them; a test
fails when a committed schema no longer matches the models."""

from __future__ import annotations

import json
from pathlib import Path

from .curated import SUPPORT_MODELS
from .models import Center
from .store import write_if_changed

SCHEMAS_DIR = "schemas"


def schema_name(file_name: str) -> str:
    """centers/<file>.yaml -> its schema's file name ("scope.yaml" -> "scope.schema.json")."""
    return file_name.removesuffix(".yaml") + ".schema.json"


def schemas() -> dict[str, str]:
    """Schema file name -> JSON text, for the Center files and every other curated file."""
    models = {
        "center.schema.json": Center,
        **{schema_name(name): model for name, model in SUPPORT_MODELS.items()},
    }
    found = {}
    for name, model in sorted(models.items()):
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = (
            f"{model.__name__} (centers/ of the CBP Centers Atlas; generated from ceeatlas.models)"
        )
        found[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return found


def write_schemas(folder: Path) -> int:
    return sum(write_if_changed(folder / name, text) for name, text in schemas().items())
