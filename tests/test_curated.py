"""Every curated file validates, and a broken file yields a file:line: field message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ceeatlas.curated import RESERVED_FILES, CuratedDataError, load_curated, load_model
from ceeatlas.models import Center, SourceKind

from .conftest import CENTERS_DIR, REPO

THE_TEN = {
    "Pharmaceuticals, Health & Chemicals",
    "Agriculture & Prepared Products",
    "Automotive & Aerospace",
    "Apparel, Footwear & Textiles",
    "Base Metals",
    "Petroleum, Natural Gas & Minerals",
    "Electronics",
    "Consumer Products & Mass Merchandising",
    "Industrial & Manufacturing Materials",
    "Machinery",
}


def test_all_ten_centers_load(curated):
    assert {center.name for center in curated.centers.values()} == THE_TEN


def test_center_ids_equal_file_names(curated):
    for center_id in curated.centers:
        assert (CENTERS_DIR / f"{center_id}.yaml").exists()


def test_every_source_is_dated_and_typed(curated):
    from ceeatlas.site import sources_of

    sources = sources_of(
        [curated.centers, curated.scope, curated.shared, curated.agencies, curated.hts.source]
    )
    assert len(sources) > 20
    for source in sources:
        assert source.as_of.year >= 1990
        assert source.kind in SourceKind


def test_hts_structure_is_complete(curated):
    assert len(curated.hts.sections) == 22
    assert [c.number for c in curated.hts.chapters] == list(range(1, 100))
    assert [c.number for c in curated.hts.chapters if c.reserved] == [77]


def test_template_is_a_valid_center_but_never_loaded(curated):
    template = load_model(CENTERS_DIR / "_template.yaml", Center, CENTERS_DIR)
    assert template.id not in curated.centers


def _break(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file with `new`; return the 1-based line changed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def test_bad_url_names_file_line_and_field(centers_copy):
    line = _break(centers_copy / "machinery.yaml", 'url: "https://www.taggart', 'url: "ftp://www.taggart')
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert f"centers/machinery.yaml:{line}: ace_code.sources[0].url: must be an absolute http(s) URL" in str(
        caught.value
    )


def test_unknown_key_is_rejected(centers_copy):
    line = _break(centers_copy / "electronics.yaml", "industries:", "industrys:")
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert (
        f"centers/electronics.yaml:{line}: industrys: Extra inputs are not permitted" in caught.value.problems
    )


def test_bad_date_names_the_field(centers_copy):
    line = _break(centers_copy / "base-metals.yaml", "as_of: 2013-06-03", "as_of: 2013-13-03")
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    problem = next(p for p in caught.value.problems if "base-metals.yaml" in p)
    assert problem.startswith(f"centers/base-metals.yaml:{line}: management_office.sources[0].as_of:")


def test_missing_field_points_at_its_parent(centers_copy):
    line = _break(
        centers_copy / "scope.yaml",
        "    basis: cbp_notice\n    sources:\n      - &phc_notice",
        "    sources:\n      - &phc_notice",
    )
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert any(
        re.match(r"centers/scope.yaml:\d+: rows\[\d+\]\.basis: Field required", p)
        for p in caught.value.problems
    )
    assert line > 1


def test_yaml_syntax_error_names_the_line(centers_copy):
    line = _break(centers_copy / "agencies.yaml", "agencies:", "agencies: [")
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert re.match(r"centers/agencies.yaml:\d+: YAML syntax:", caught.value.problems[0])
    assert line >= 1


def test_id_must_match_file_name(centers_copy):
    (centers_copy / "machinery.yaml").rename(centers_copy / "machines.yaml")
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert any("machines.yaml:1: id: must equal the file name" in p for p in caught.value.problems)


@pytest.mark.parametrize("name", sorted(RESERVED_FILES))
def test_missing_data_file_is_reported(centers_copy, name):
    (centers_copy / name).unlink()
    with pytest.raises(CuratedDataError, match=f"{name}: missing required file"):
        load_curated(centers_copy)


def test_contact_value_must_match_its_kind(centers_copy):
    path = centers_copy / "machinery.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + 'contacts:\n  - label: "Mailbox"\n    kind: email\n    value: "not-an-address"\n'
        + '    sources:\n      - url: "https://example.org/"\n        title: "t"\n        as_of: 2020-01-01\n'
        + "        kind: primary\n",
        encoding="utf-8",
    )
    with pytest.raises(CuratedDataError, match=r"machinery.yaml:\d+: contacts\[0\]: .*e-mail"):
        load_curated(centers_copy)


def test_a_center_name_needs_a_source(centers_copy):
    line = _break(centers_copy / "machinery.yaml", "name_sources: [*cbp_2013_final_three]\n", "")
    with pytest.raises(CuratedDataError) as caught:
        load_curated(centers_copy)
    assert any(
        p.startswith("centers/machinery.yaml") and "name_sources" in p and "Field required" in p
        for p in caught.value.problems
    ), (line, caught.value.problems)


def test_editor_schemas_exist_and_match_the_models():
    """Each curated file points editors at a JSON Schema generated from ceeatlas.models
    (`python -m ceeatlas schemas` rewrites them after a model change)."""
    from ceeatlas.schemas import schemas

    generated = schemas()
    for name, text in generated.items():
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == text, (
            f"run: python -m ceeatlas schemas ({name})"
        )
    for path in sorted(CENTERS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        pointer = re.fullmatch(r"# yaml-language-server: \$schema=\.\./schemas/(.+)", first)
        assert pointer and pointer.group(1) in generated, path.name
