"""The HTSUS in the box: USITC's export parsed from REAL bytes (captures/hts, 2026 Revision 10),
numbers explained in words, the releases' numbers, the search by description, and `pull hts`
against a fake USITC on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import pytest

from ceeatlas import __main__ as cli
from ceeatlas.curated import load_curated
from ceeatlas.files import recording_outputs
from ceeatlas.htsus import Schedule, build_lines, load_schedule, synonym_map
from ceeatlas.site.schedule import ASSETS, STAMP, write_assets
from ceeatlas.sources import usitc
from ceeatlas.store import read_hts, read_manifest

from .conftest import CENTERS_DIR, REPO
from .fakes import pull_argv
from .test_pull import _snapshot

CAPTURE = REPO / "captures" / "hts"


@pytest.fixture(scope="module")
def raw_rows() -> list[dict]:
    return json.loads(gzip.decompress((CAPTURE / "hts_2026_rev_10.json.gz").read_bytes()))


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    loaded = load_schedule(REPO / "data")
    assert loaded is not None, "data/hts/ is seeded by `make seed`"
    return loaded


def test_the_real_export_parses(raw_rows):
    rows = usitc.parse_rows(raw_rows)
    assert len(rows) == 35509
    numbered = [row for row in rows if row.htsno]
    assert len(numbered) == 29597
    assert sum(1 for row in numbered if len(row.digits) == 4) == 961
    assert sum(1 for row in numbered if len(row.digits) == 10) == 19856
    assert sum(1 for row in rows if not row.htsno) == 5912  # "Men's or boys':" and the like
    assert rows[0] == usitc.Row("0101", 0, "Live horses, asses, mules and hinnies:", ())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows.__setitem__(3, {**rows[3], "htsno": "0101.2x"}), "not an HTS number"),
        (lambda rows: rows.__setitem__(3, {**rows[3], "indent": "x"}), "indent"),
        (lambda rows: rows.__setitem__(3, {**rows[3], "description": None}), "description is missing"),
        (lambda rows: rows.__setitem__(3, {**rows[3], "units": "kg"}), "units"),
        (lambda rows: rows.insert(5, {**rows[2]}), "out of schedule order"),
        (lambda rows: rows.__delitem__(slice(1000, None)), "incomplete"),
    ],
)
def test_a_damaged_export_is_refused_with_the_row_named(raw_rows, change, message):
    rows = [dict(row) for row in raw_rows]
    change(rows)
    with pytest.raises(usitc.ParseError, match=message):
        usitc.parse_rows(rows)


def test_release_names_and_dates():
    assert usitc.parse_release_name({"name": "2026HTSRev10", "title": "x"}) == "2026HTSRev10"
    assert usitc.parse_release_name("2026HTSBasic") == "2026HTSBasic"
    with pytest.raises(usitc.ParseError):
        usitc.parse_release_name("<html>")
    assert usitc.release_title("2026HTSRev10") == "HTSUS 2026 Revision 10"
    listing = [
        {"name": "2026HTSRev9", "releaseStartDate": "05/01/2026"},
        {"name": "2026HTSRev10", "releaseStartDate": "06/08/2026", "status": "current"},
    ]
    assert usitc.parse_release_date(listing, "2026HTSRev10") == dt.date(2026, 6, 8)
    with pytest.raises(usitc.ParseError, match="does not list"):
        usitc.parse_release_date(listing, "2026HTSRev11")


def test_the_seeded_release_names_its_source():
    releases, rows = read_hts(REPO / "data")
    release = releases[-1]
    assert (release.name, release.title, release.published) == (
        "2026HTSRev10",
        "HTSUS 2026 Revision 10",
        dt.date(2026, 6, 8),
    )
    assert release.rows == len(rows) == 35509 and release.numbers == 29597
    assert "arifshehab/tariff-rate-tracker" in release.via and "c9b94db" in release.via


def test_a_number_explained_in_words(schedule):
    line = schedule.find("6109100012")
    assert schedule.chain_text(line) == (
        "T-shirts, singlets, tank tops and similar garments, knitted or crocheted > Of cotton > "
        "Men's or boys' > Other T-shirts > Men's (338)"
    )  # not under "Thermal undershirts", which sits at the same indent just above
    assert line.units == ("doz.", "kg")
    assert (
        schedule.find("6216").description == "Gloves, mittens and mitts:"
    )  # a heading without a 4-digit row


def test_a_missing_number_gets_its_nearest_parent_and_siblings(schedule):
    assert schedule.find("6109100099") is None
    parent = schedule.nearest_parent("6109100099")
    assert parent.htsno == "6109.10.00"
    siblings = [line.htsno for line in schedule.numbered_children(parent)]
    assert "6109.10.00.12" in siblings and all(len(s) == 13 for s in siblings)
    headings = [line.htsno for line in schedule.numbered_children(None, "61")]
    assert "6109" in headings and "6113.00" in headings


@pytest.mark.parametrize(
    ("digits", "line"),
    [
        ("71131150", "7113.11.50.00"),  # an 8-digit rate line with a single statistical suffix
        ("280110", "2801.10.00.00"),  # a subheading with one line: 2801.10 is 2801.10.00.00
        ("610910", "6109.10.00"),
        ("010612", "0106.12.01.00"),  # its one line does not end in zeros
        ("340700", "3407"),  # several lines, no row: the heading above them stands for it
    ],
)
def test_a_subheading_without_a_row_is_found_through_its_line(schedule, digits, line):
    assert schedule.find(digits).htsno == line
    tariff = f"{digits[:4]}.{digits[4:6]}" + (f".{digits[6:]}" if len(digits) == 8 else "")
    assert schedule.tariff_status(tariff, dt.date(2026, 3, 1)).kind == "current"


def test_tariff_status_says_what_is_known(schedule):
    assert schedule.tariff_status("6109.10.0012", dt.date(2026, 3, 1)).kind == "current"
    old = schedule.tariff_status("0202.30.5085", dt.date(2026, 2, 3))
    assert (old.kind, old.nearest) == ("not_current", "0202.30.50")
    # A ruling newer than the newest release held may cite a number added since: not obsolete.
    assert schedule.tariff_status("8419.89.9590", dt.date(2026, 8, 1)).kind == "newer"


def test_numbers_of_older_releases_are_known_from_the_differences(raw_rows):
    older = usitc.parse_rows(raw_rows)
    newer = [row for row in older if row.htsno != "6109.10.00.12"]
    newer.insert(10, usitc.Row("0101.29.00.95", 3, "SYNTHETIC line added by a later release", ("No.",)))
    newer.sort(key=lambda row: (row.digits or "", 0))  # only to keep numbered rows in order for this test
    from ceeatlas.models import HtsRelease

    base = {"source_url": "https://hts.usitc.gov/reststop/exportList", "fetched_at": dt.date(2026, 12, 1)}
    first = HtsRelease(
        name="2026HTSRev10",
        title="HTSUS 2026 Revision 10",
        published=dt.date(2026, 6, 8),
        rows=1,
        numbers=1,
        **base,
    )
    second = HtsRelease(
        name="2026HTSRev11",
        title="HTSUS 2026 Revision 11",
        published=dt.date(2026, 7, 1),
        rows=1,
        numbers=1,
        previous="2026HTSRev10",
        added=["0101.29.00.95"],
        dropped=["6109.10.00.12"],
        **base,
    )
    schedule = Schedule(
        [first, second], build_lines([row.as_list() for row in older if row.htsno != "6109.10.00.12"])
    )
    assert schedule.had("2026HTSRev10", "6109100012") and not schedule.had("2026HTSRev11", "6109100012")
    status = schedule.tariff_status("6109.10.0012", dt.date(2026, 3, 1))
    assert (status.kind, status.last_seen, status.nearest) == ("not_current", "2026HTSRev10", "6109.10.00")


@pytest.mark.parametrize(
    ("words", "heading"),
    [("thermal undershirts", "6109"), ("robot vacuum cleaner", "8508"), ("carbon steel pan", "7323")],
)
def test_finding_the_heading_by_describing_the_goods(schedule, words, heading):
    synonyms = synonym_map(load_curated(CENTERS_DIR).hts_synonyms.entries)
    found = schedule.search(words, 5, synonyms)
    assert found[0][0].digits[:4] == heading


def test_synonyms_point_at_words_the_schedule_uses(schedule):
    for entry in load_curated(CENTERS_DIR).hts_synonyms.entries:
        for word in synonym_map([entry]).values():
            assert all(term in schedule.postings for term in word), entry


def test_curated_chapter_titles_agree_with_the_release(schedule):
    """The release has no chapter rows; a curated title must share a word with its chapter's
    heading descriptions (catches a title in the wrong chapter), and only the reserved chapter
    is empty."""
    hts = load_curated(CENTERS_DIR).hts
    stop = {
        "and",
        "the",
        "for",
        "other",
        "articles",
        "thereof",
        "parts",
        "products",
        "similar",
        "kind",
        "with",
    }
    for chapter in hts.chapters:
        number = f"{chapter.number:02d}"
        headings = [
            line
            for code, index in schedule.headings.items()
            if code[:2] == number
            for line in [schedule.lines[index]]
        ]
        if chapter.reserved:
            assert not headings, number
            continue
        assert headings, number
        if number == "96":
            continue  # "Miscellaneous manufactured articles" names no goods to compare
        title_words = {w for w in re.findall(r"[a-z]{3,}", chapter.title.lower()) if w not in stop}
        text = " ".join(line.description.lower() for line in headings)
        assert any(word[:5] in text for word in title_words), (number, chapter.title)


# -- pull hts against a fake USITC --------------------------------------------------------


@pytest.fixture
def fake_usitc(httpserver, raw_rows):
    state = {
        "release": "2026HTSRev10",
        "rows": raw_rows,
        "refuse_first_form": False,
        "switch_after_export": None,
    }
    requests: list[str] = []

    def handle(request):
        from werkzeug import Response

        requests.append(request.full_path)
        if request.path == "/reststop/currentRelease":
            return Response(
                json.dumps({"name": state["release"], "title": "x"}), 200, content_type="application/json"
            )
        if request.path == "/reststop/releaseList":
            listing = [
                {"name": "2026HTSRev10", "releaseStartDate": "06/08/2026"},
                {"name": "2026HTSRev11", "releaseStartDate": "07/01/2026"},
            ]
            return Response(json.dumps(listing), 200, content_type="application/json")
        if request.path == "/reststop/exportList":
            if state["refuse_first_form"] and request.args.get("from") == "0100":
                return Response("bad request", 400)
            if state["switch_after_export"]:
                state["release"] = state["switch_after_export"]
            return Response(json.dumps(state["rows"]), 200, content_type="application/json")
        return Response("<html></html>", 200, content_type="text/html")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)
    state["base"] = httpserver.url_for("").rstrip("/")
    state["requests"] = requests
    return state


def _pull(fake, tmp_path, today="2026-12-01") -> int:
    return cli.main(pull_argv("hts", tmp_path, "--usitc-base-url", fake["base"], today=today))


def test_pull_hts_keeps_the_current_release(fake_usitc, tmp_path, capsys):
    fake_usitc["refuse_first_form"] = True  # the second form of the request is tried
    assert _pull(fake_usitc, tmp_path) == 0
    releases, rows = read_hts(tmp_path / "data")
    assert releases[-1].name == "2026HTSRev10" and releases[-1].published == dt.date(2026, 6, 8)
    assert releases[-1].via is None and len(rows) == 35509
    assert read_manifest(tmp_path / "data")["sources"]["hts"]["release"] == "2026HTSRev10"
    before = _snapshot(tmp_path / "data")
    fake_usitc["requests"].clear()
    assert _pull(fake_usitc, tmp_path, today="2026-12-08") == 0  # nothing new: no export download
    assert not any("exportList" in path for path in fake_usitc["requests"])
    assert _snapshot(tmp_path / "data") == before


def test_a_new_release_keeps_the_old_one_as_its_differences(fake_usitc, tmp_path, capsys):
    _pull(fake_usitc, tmp_path)
    rows = [row for row in fake_usitc["rows"] if row["htsno"] != "6109.10.00.12"]
    fake_usitc["rows"], fake_usitc["release"] = rows, "2026HTSRev11"
    assert _pull(fake_usitc, tmp_path, today="2026-12-08") == 0
    releases, _ = read_hts(tmp_path / "data")
    assert [r.name for r in releases] == ["2026HTSRev10", "2026HTSRev11"]
    assert releases[-1].dropped == ["6109.10.00.12"] and releases[-1].added == []
    record = (tmp_path / "data" / "hts" / "releases" / "2026HTSRev11.json").read_bytes()
    assert len(record) < 2000  # the older release costs kilobytes, not megabytes
    schedule = load_schedule(tmp_path / "data")
    assert schedule.had("2026HTSRev10", "6109100012") and not schedule.exists("6109100012")


def test_a_release_that_changes_during_the_download_is_not_kept(fake_usitc, tmp_path, capsys):
    fake_usitc["switch_after_export"] = "2026HTSRev11"
    assert _pull(fake_usitc, tmp_path) == 1
    assert "changed from 2026HTSRev10 to 2026HTSRev11 during the download" in capsys.readouterr().out
    assert not (tmp_path / "data" / "hts").exists()


def test_importing_the_capture_twice_changes_nothing(tmp_path):
    argv = pull_argv("hts", tmp_path, "--from-capture", str(CAPTURE), today="2026-12-01")
    assert cli.main(argv) == 0
    before = _snapshot(tmp_path / "data")
    assert cli.main(argv) == 0
    assert _snapshot(tmp_path / "data") == before
    assert (tmp_path / "data" / "hts" / "schedule.jsonl").read_bytes() == (
        REPO / "data" / "hts" / "schedule.jsonl"
    ).read_bytes()


def test_lookup_cli_explains_and_finds(capsys):
    where = ["--centers-dir", str(CENTERS_DIR), "--data-dir", str(REPO / "data")]
    assert cli.main([*where, "lookup", "6109.10.00.12"]) == 0
    out = capsys.readouterr().out
    assert "Men's (338)" in out and "Unit of quantity: doz., kg" in out and "HTSUS 2026 Revision 10" in out
    assert "https://hts.usitc.gov/search?query=6109.10.00.12" in out and "Apparel, Footwear & Textiles" in out
    assert cli.main([*where, "lookup", "6109.10.00.99"]) == 1
    out = capsys.readouterr().out
    assert "6109.10.00.99 is not in HTSUS 2026 Revision 10" in out and "6109.10.00" in out
    assert cli.main([*where, "lookup", "--words", "thermal", "undershirts"]) == 0
    assert "6109.10.00.11" in capsys.readouterr().out


def test_the_lookup_files_are_made_once_per_release_and_code(tmp_path):
    schedule = load_schedule(REPO / "data")
    first = tmp_path / ASSETS / "h" / "0101.json"
    count = write_assets(schedule, tmp_path, "code-1")
    made = first.read_bytes()
    first.write_bytes(b"marker")  # a second build with the same schedule and code leaves files alone
    with recording_outputs() as written:
        assert write_assets(schedule, tmp_path, "code-1") == count
    assert first.read_bytes() == b"marker"
    assert len(written) == count + 1 and str(tmp_path / ASSETS / STAMP) in written  # kept, not pruned
    write_assets(schedule, tmp_path, "code-2")  # other code: made again
    assert first.read_bytes() == made
    first.unlink()  # a file gone: made again
    write_assets(schedule, tmp_path, "code-2")
    assert first.read_bytes() == made
    first.write_bytes(b"marker")
    schedule.source_digest = "another release"  # another schedule: made again
    write_assets(schedule, tmp_path, "code-2")
    assert first.read_bytes() == made
