"""The one schema for curated data in centers/.

Scripts, hooks and tests all validate through these models. Every model forbids
unknown keys, so a typo in a YAML file is an error instead of a silently ignored
field. Facts carry a `Source` (URL, title, as-of date, kind) so the site can show
where each one comes from and how fresh it is.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_WHITESPACE = re.compile(r"\s")
HEADING_PATTERN = r"^\d{4}$"
CHAPTER_PATTERN = r"^\d{2}$"


# Scheme, then a non-empty host. A regular expression rather than urlsplit: every pulled ruling
# has a URL, and urlsplit was the slowest step of validating one.
_ABSOLUTE_HTTP_URL = re.compile(r"https?://[^/?#\s]+([/?#]\S*)?", re.IGNORECASE)


def _check_url(value: str) -> str:
    if _WHITESPACE.search(value):
        raise ValueError("must not contain whitespace")
    if not _ABSOLUTE_HTTP_URL.fullmatch(value):
        raise ValueError("must be an absolute http(s) URL")
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value, flags=re.IGNORECASE):
        raise ValueError("must be an e-mail address")
    return value


def _reject_duplicates(values: list[str], what: str) -> None:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"duplicate {what}: {', '.join(duplicates)}")


Url = Annotated[str, AfterValidator(_check_url)]
Email = Annotated[str, AfterValidator(_check_email)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class SourceKind(StrEnum):
    """How close a source is to CBP or the agency that owns the fact."""

    primary = "primary"  # the agency's own page, the Federal Register, the statute
    reprint = "reprint"  # a third-party copy of a primary text
    secondary = "secondary"  # law firm, broker, trade press summary
    code = "code"  # public code written by third parties


class Source(Strict):
    url: Url
    title: Text
    as_of: dt.date = Field(description="Date of the source, or the date it was read when undated")
    kind: SourceKind


class Certainty(StrEnum):
    confirmed = "confirmed"  # stated in a primary source
    reported = "reported"  # stated by secondary sources only
    uncertain = "uncertain"  # sources disagree or only an inference supports it


class SourcedText(Strict):
    text: Text
    certainty: Certainty = Certainty.reported
    sources: list[Source] = Field(min_length=1)


class SourcedValue(Strict):
    value: Text
    certainty: Certainty = Certainty.reported
    note: str | None = None
    sources: list[Source] = Field(min_length=1)


class Office(Strict):
    city: Text
    certainty: Certainty = Certainty.reported
    note: str | None = None
    sources: list[Source] = Field(min_length=1)


class Milestone(Strict):
    date: dt.date
    date_precision: str = Field(default="day", pattern=r"^(day|month|year)$")
    event: Text
    sources: list[Source] = Field(min_length=1)


class ContactKind(StrEnum):
    web = "web"
    email = "email"
    phone = "phone"


class Contact(Strict):
    label: Text
    kind: ContactKind
    value: Text
    note: str | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _value_matches_kind(self) -> Contact:
        if self.kind is ContactKind.web:
            _check_url(self.value)
        elif self.kind is ContactKind.email:
            _check_email(self.value)
        return self


class Validity(Strict):
    """When a Center or a scope row holds: from `valid_from` to `valid_until` (both days
    included; None: open-ended). CBP changes the Centers by notice, so a restructuring is a data
    edit: end the old rows, add the new ones with their dates and sources. The build uses what
    holds on the day it runs and shows the rest as history."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError(f"valid_from {self.valid_from} is after valid_until {self.valid_until}")
        return self

    def holds_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def overlaps(self, other: Validity) -> bool:
        """Whether the two periods share a day."""
        starts_before_other_ends = (
            self.valid_from is None or other.valid_until is None or self.valid_from <= other.valid_until
        )
        ends_after_other_starts = (
            self.valid_until is None or other.valid_from is None or other.valid_from <= self.valid_until
        )
        return starts_before_other_ends and ends_after_other_starts


class Center(Validity):
    """One Center of Excellence and Expertise; one file centers/<id>.yaml."""

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: Text
    abbreviation: SourcedValue | None = None
    ace_code: SourcedValue | None = None
    management_office: Office
    name_sources: list[Source] = Field(min_length=1)  # where CBP writes `name` this way
    industries: list[SourcedText] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    notes: list[SourcedText] = Field(default_factory=list)

    @property
    def name_certainty(self) -> Certainty:
        primary = any(source.kind is SourceKind.primary for source in self.name_sources)
        return Certainty.confirmed if primary else Certainty.reported


class ScopeBasis(StrEnum):
    """Where a scope row comes from; drives the label shown on the page."""

    cbp_notice = "cbp_notice"
    federal_register = "federal_register"
    industry_description = "industry_description"


class ScopeRow(Validity):
    """A dated, sourced claim that a range of HTS headings (or whole chapters) is one Center's."""

    center: Annotated[str, Field(pattern=SLUG_PATTERN)]
    level: str = Field(pattern=r"^(heading|chapter)$")
    first: str
    last: str
    basis: ScopeBasis
    note: str | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _range_is_well_formed(self) -> ScopeRow:
        pattern = HEADING_PATTERN if self.level == "heading" else CHAPTER_PATTERN
        for value in (self.first, self.last):
            if not re.fullmatch(pattern, value):
                digits = 4 if self.level == "heading" else 2
                raise ValueError(f"{self.level} rows need {digits}-digit codes, got {value!r}")
        if self.first > self.last:
            raise ValueError(f"range is reversed: {self.first} > {self.last}")
        return self

    @property
    def precedence(self) -> int:
        """Heading rows override chapter rows."""
        return 2 if self.level == "heading" else 1

    def covers(self, heading: str) -> bool:
        key = heading if self.level == "heading" else heading[:2]
        return self.first <= key <= self.last

    @property
    def label(self) -> str:
        if self.first == self.last:
            return self.first
        return f"{self.first}-{self.last}"


class Scope(Strict):
    rows: list[ScopeRow] = Field(min_length=1)

    def on(self, day: dt.date) -> Scope:
        """The rows that hold on `day` (all rows, valid or not, stay in the file as history)."""
        return Scope.model_construct(rows=[row for row in self.rows if row.holds_on(day)])


class Section(Strict):
    number: int = Field(ge=1, le=22)
    roman: Text
    title: Text
    first_chapter: int = Field(ge=1, le=99)
    last_chapter: int = Field(ge=1, le=99)


class Chapter(Strict):
    number: int = Field(ge=1, le=99)
    title: Text
    reserved: bool = False


class HtsStructure(Strict):
    source: Source
    unverified_chapters: list[int] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=22, max_length=22)
    chapters: list[Chapter] = Field(min_length=99, max_length=99)

    @model_validator(mode="after")
    def _complete_and_contiguous(self) -> HtsStructure:
        numbers = [chapter.number for chapter in self.chapters]
        if numbers != list(range(1, 100)):
            raise ValueError("chapters must list 1..99 once each, in order")
        expected_first = 1
        for section in self.sections:
            if section.first_chapter != expected_first or section.last_chapter < section.first_chapter:
                raise ValueError(f"section {section.roman} breaks the chapter sequence")
            expected_first = section.last_chapter + 1
        if expected_first != 100:
            raise ValueError("sections must end at chapter 99")
        return self


def _check_chapter_spec(value: str) -> str:
    match = re.fullmatch(r"(\d{2})(?:-(\d{2}))?", value)
    if not match:
        raise ValueError("use a two-digit chapter or a range such as 01-24")
    first, last = match.group(1), match.group(2) or match.group(1)
    if not ("01" <= first <= last <= "97"):
        raise ValueError("chapters must lie within 01-97, in order")
    return value


ChapterSpec = Annotated[str, AfterValidator(_check_chapter_spec)]


class Agency(Strict):
    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: Text
    abbreviation: Text
    parent: str | None = None  # None for independent agencies (CPSC, EPA, FCC)
    regulates: Text
    guidance_url: Url | None = None
    chapters: list[ChapterSpec] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    notes: str | None = None

    def chapter_numbers(self) -> list[str]:
        numbers: list[str] = []
        for spec in self.chapters:
            first, _, last = spec.partition("-")
            numbers.extend(f"{n:02d}" for n in range(int(first), int(last or first) + 1))
        return sorted(set(numbers))


class Agencies(Strict):
    agencies: list[Agency] = Field(min_length=1)

    @field_validator("agencies")
    @classmethod
    def _unique_ids(cls, agencies: list[Agency]) -> list[Agency]:
        _reject_duplicates([agency.id for agency in agencies], "agency ids")
        return agencies


class SharedFacts(Strict):
    """Facts that hold for every Center (assignment, appeal, divisions, authority)."""

    compiled: dt.date
    hub_url: SourcedValue
    directory_url: SourcedValue
    assignment: list[SourcedText] = Field(min_length=1)
    appeal: list[SourcedText] = Field(min_length=1)
    divisions: list[SourcedText] = Field(min_length=1)
    authority: list[SourcedText] = Field(default_factory=list)
    legal_basis: list[Milestone] = Field(default_factory=list)
    uncertainties: list[SourcedText] = Field(default_factory=list)
    # How many rulings CROSS holds: shown wherever the site says what share of them it has.
    cross_total: SourcedValue | None = None
    # Days on which this project read undated sources: a source whose as_of is one of them is
    # shown as "undated, read <day>", not as if it were published that day.
    read_dates: list[dt.date] = Field(default_factory=list)
    # Dated notes on how current the Centers themselves are (shown where they are introduced).
    currency: list[SourcedText] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Pulled records (data/): written by the pull commands, read by the build
# ---------------------------------------------------------------------------------------


class Pulled(BaseModel):
    """Pulled records are frozen and strict like curated ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RulingStatus(StrEnum):
    active = "active"
    modified = "modified"
    revoked = "revoked"
    operationally_revoked = "operationally_revoked"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Ruling(Pulled):
    """One CROSS ruling, normalised. `tariffs` are in CROSS form at the length CROSS gives them:
    10 digits (6109.10.0040) or 8 (9817.00.96); an 8-digit number is never padded."""

    number: Annotated[str, Field(pattern=r"^[A-Z]?\d{5,6}$")]
    collection: str = Field(pattern=r"^(NY|HQ)$")
    date: dt.date
    subject: str
    categories: list[str] = Field(default_factory=list)
    tariffs: list[str] = Field(default_factory=list)
    unparsed_tariffs: list[str] = Field(default_factory=list)
    status: RulingStatus
    modified_by: list[str] = Field(default_factory=list)
    revoked_by: list[str] = Field(default_factory=list)
    modifies: list[str] = Field(default_factory=list)
    revokes: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    usmca: bool = False
    nafta: bool = False
    # CBP's own label: CROSS's `commodityGrouping`, the ACE code of a Center ("CEE008"), kept as
    # CBP gives it (the build names the Center through the curated ACE codes; an unknown code
    # is shown and reported, never dropped). Taken from the search row, or, when the row has
    # none, from the control number of the letter ("CLA-2-85:OT:RR:NC:CEE007:N2:220").
    cbp_center_code: str | None = None
    cbp_center_code_from: Literal["search", "letter"] | None = None
    # When no tariff number of the row names a heading of chapters 01-97: the numbers the letter
    # gives for the goods ("The applicable subheading ... will be 5603.93.0090"), and which rule
    # of ceeatlas.sources.cross.goods_numbers found them. Routing by them is labelled as such.
    # letter_rule "none": the letter was read and gives no number for the goods.
    letter_tariffs: list[str] = Field(default_factory=list)
    letter_rule: Literal["stated", "classified", "none"] | None = None
    source_url: Url
    # Where the record came from: None for a live pull, else the id of the recorded capture it
    # was replayed from (described in data/manifest.json under "captures").
    capture: str | None = None
    fetched_at: dt.date  # the day the record was fetched from CROSS (for a capture: captured)

    @property
    def cross_url(self) -> str:
        return self.source_url


class RulingText(Pulled):
    number: str
    text: str
    document_url: Url | None = None
    capture: str | None = None  # as on Ruling
    fetched_at: dt.date


class CaptureInfo(Pulled):
    """captures/<id>/capture.json: what a folder of recorded CROSS responses is and where it came
    from. Every record replayed from it names the capture; its dates become the records' dates."""

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Text
    collection: str = Field(pattern=r"^(NY|HQ|ALL)$")
    captured_from: Url  # the server the responses came from
    captured_by: Text  # who recorded the responses
    repository: Url  # where the copy was read
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")]
    captured_on: dt.date  # when the responses were fetched (or the latest date they can be from)
    captured_on_note: Text  # how `captured_on` is known
    copied_on: dt.date  # when this project copied the files
    licence: Text


class IcpScope(StrEnum):
    general = "general"
    commodity = "commodity"


class Icp(Pulled):
    """One Informed Compliance Publication: a link on CBP's listing page (live pull), or a row of
    a seed catalogue assembled from captures and secondary sources (see `seed`)."""

    title: Text
    # The parser keeps http(s) links only; the renderer re-checks, so data/ edits stay harmless.
    # None: no address for the publication is known (the page links to CBP's listing instead).
    url: str | None
    kind: str = Field(pattern=r"^(pdf|document|page|unknown)$")
    scope: IcpScope
    hts: list[str] = Field(default_factory=list)  # 4-digit headings or 2-digit chapters named in the title
    group: str | None = None  # the heading above the link on the listing page, if any
    dates: list[str] = Field(default_factory=list)  # as printed near the link ("January 2017")
    # Seed records only: where the title was seen ("listing": CBP's listing as captured,
    # "listing-2016": only a 2016 capture of it, "elsewhere": trade press or copies of the PDF),
    # the catalogue's evidence for the title, the link and the dates as written, and the dates
    # it states.
    title_seen: Literal["listing", "listing-2016", "elsewhere"] | None = None
    title_evidence: str | None = None
    link_evidence: str | None = None
    date_evidence: str | None = None
    first_published: str | None = None
    revisions: str | None = None
    seed: str | None = None  # the seed catalogue a record came from; None: CBP's listing, pulled live
    source_url: Url
    fetched_at: dt.date

    @property
    def key(self) -> str:
        """What identifies the publication across pulls: its address, or its title without one."""
        return self.url or f"title:{self.title}"


class HtsRelease(Pulled):
    """One release of the HTSUS kept in data/hts/. The newest is kept in full (schedule.jsonl);
    each release records the numbers it added and dropped against the release before it, so the
    build knows which numbers every kept release had."""

    name: Annotated[str, Field(pattern=r"^\d{4}HTS(Basic|Rev\d+)$")]  # USITC's name, "2026HTSRev10"
    title: Text  # "HTSUS 2026 Revision 10"
    published: dt.date  # USITC's release date (releaseStartDate)
    rows: int = Field(ge=0)
    numbers: int = Field(ge=0)  # numbered rows: headings, subheadings, rate and statistical lines
    previous: str | None = None  # the kept release before this one
    added: list[str] = Field(default_factory=list)  # numbers (HTSUS form) not in `previous`
    dropped: list[str] = Field(default_factory=list)  # numbers of `previous` not in this one
    source_url: Url  # where the rows came from
    via: str | None = None  # for an imported file: where the file came from (None: pulled live)
    fetched_at: dt.date


class LinkCheck(Pulled):
    """The last result of checking one curated guidance URL."""

    agency: str
    url: Url
    ok: bool
    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    checked: dt.date  # the date this result was first observed (unchanged results keep it)


# ---------------------------------------------------------------------------------------
# Partnership programs, processes, trade issues, events, glossary (curated, centers/)
# ---------------------------------------------------------------------------------------

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


class ProgramStatus(StrEnum):
    current = "current"
    historical = "historical"  # ended or folded into another program; shown with its dates


class CatalogueEntry(Strict):
    """A benefit or requirement in plain words; programs refer to it by id so the
    comparison table can line them up."""

    id: Slug
    label: Text


class Claim(Strict):
    """What one program says about one catalogue entry."""

    ref: Slug  # a benefits[] or requirements[] id of the catalogue
    text: Text  # this program's version, in our words
    tiers: list[str] = Field(
        default_factory=list
    )  # empty: the whole program; else the tier names it applies to
    measurable: bool | None = None  # benefits only: is it a commercially significant, measurable benefit?
    certainty: Certainty = Certainty.reported
    sources: list[Source] = Field(min_length=1)


class Tier(Strict):
    name: Text
    text: Text
    sources: list[Source] = Field(min_length=1)


class Count(Strict):
    value: Text  # as the source gives it: "more than 10,000", "11,000"
    what: Text  # what was counted
    as_of: dt.date
    sources: list[Source] = Field(min_length=1)


class Program(Strict):
    id: Slug
    name: Text
    short_name: Text
    status: ProgramStatus
    period: Text  # "since 2001", "2002-2020"
    summary: SourcedText
    who_may_join: list[SourcedText] = Field(default_factory=list)
    requirements: list[Claim] = Field(default_factory=list)
    benefits: list[Claim] = Field(default_factory=list)
    tiers: list[Tier] = Field(default_factory=list)
    how_to_apply: list[SourcedText] = Field(default_factory=list)
    cost_effort: list[SourcedText] = Field(default_factory=list)
    agencies: list[SourcedText] = Field(default_factory=list)
    participants: list[Count] = Field(default_factory=list)
    not_found: list[str] = Field(default_factory=list)  # fields of 19 U.S.C. 4311(c)(2) no source gave

    @model_validator(mode="after")
    def _benefits_say_if_measurable(self) -> Program:
        for index, claim in enumerate(self.benefits):
            if claim.measurable is None:
                raise ValueError(f"benefits[{index}] needs measurable: true or false")
        return self


class Mra(Strict):
    partner: Text
    signed: dt.date
    date_precision: str = Field(default="month", pattern=r"^(day|month|year)$")
    note: str | None = None
    sources: list[Source] = Field(min_length=1)


class Programs(Strict):
    compiled: dt.date
    benefits: list[CatalogueEntry] = Field(min_length=1)
    requirements: list[CatalogueEntry] = Field(min_length=1)
    programs: list[Program] = Field(min_length=1)
    mras: list[Mra] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Programs:
        benefit_ids = {entry.id for entry in self.benefits}
        requirement_ids = {entry.id for entry in self.requirements}
        for program in self.programs:
            for index, claim in enumerate(program.benefits):
                if claim.ref not in benefit_ids:
                    raise ValueError(
                        f"{program.id}: benefits[{index}].ref {claim.ref!r} is not in the benefits catalogue"
                    )
            for index, claim in enumerate(program.requirements):
                if claim.ref not in requirement_ids:
                    raise ValueError(
                        f"{program.id}: requirements[{index}].ref {claim.ref!r} is not in the requirements catalogue"
                    )
                if claim.measurable is not None:
                    raise ValueError(f"{program.id}: requirements[{index}] cannot be measurable")
        return self


class Process(Strict):
    """A core trade process and who handles it: the Center or the port."""

    id: Slug
    name: Text
    summary: SourcedText
    center_handles: list[SourcedText] = Field(default_factory=list)
    port_handles: list[SourcedText] = Field(default_factory=list)
    icp_titles: list[str] = Field(default_factory=list)  # ICP titles (as on CBP's listing) that cover it
    resources: list[Source] = Field(default_factory=list)


class Processes(Strict):
    compiled: dt.date
    processes: list[Process] = Field(min_length=1)


class Resource(Strict):
    title: Text
    url: Url
    agency: Text
    as_of: dt.date
    kind: SourceKind = SourceKind.primary
    note: str | None = None


class TradeIssue(Strict):
    id: Slug
    name: Text
    summary: SourcedText
    agencies: list[SourcedText] = Field(default_factory=list)  # who does what
    resources: list[Resource] = Field(default_factory=list)


class TradeIssues(Strict):
    compiled: dt.date
    issues: list[TradeIssue] = Field(min_length=1)


class Event(Strict):
    title: Text
    centers: list[Slug] = Field(default_factory=list)  # empty: all Centers
    start: dt.date
    # How much of `start` the source gives: "month" for "August 2013" (stored as its first day).
    start_precision: str = Field(default="day", pattern=r"^(day|month|year)$")
    end: dt.date | None = None
    small_business: bool = False
    url: Url | None = None
    note: str | None = None
    sources: list[Source] = Field(min_length=1)


class Events(Strict):
    compiled: dt.date
    events: list[Event] = Field(default_factory=list)


class GlossaryTerm(Strict):
    term: Text  # as written on the site: "CTPAT", "HTSUS"
    expansion: Text  # the words it stands for
    definition: Text  # one or two plain sentences
    sources: list[Source] = Field(min_length=1)


class Glossary(Strict):
    compiled: dt.date
    terms: list[GlossaryTerm] = Field(min_length=1)

    @field_validator("terms")
    @classmethod
    def _unique_terms(cls, terms: list[GlossaryTerm]) -> list[GlossaryTerm]:
        _reject_duplicates([term.term for term in terms], "glossary terms")
        return terms


def _check_hts_code(value: str) -> str:
    if not re.fullmatch(r"\d{2}|\d{4}", value):
        raise ValueError("use a 2-digit chapter or a 4-digit heading")
    return value


class IcpTopic(Strict):
    """This project's mapping of one commodity ICP, whose title names no heading, to the
    headings or chapters of its subject (an inference, labelled so on the site)."""

    title: Text
    hts: list[Annotated[str, AfterValidator(_check_hts_code)]] = Field(min_length=1)
    reason: Text


class IcpTopics(Strict):
    compiled: dt.date
    sources: list[Source] = Field(min_length=1)
    topics: list[IcpTopic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique_titles(cls, topics: list[IcpTopic]) -> list[IcpTopic]:
        _reject_duplicates([topic.title.lower() for topic in topics], "titles")
        return topics


class Synonym(Strict):
    words: list[Annotated[str, Field(pattern=r"^[a-z]{2,}$")]] = Field(min_length=1)  # what traders type
    schedule_words: list[Annotated[str, Field(pattern=r"^[a-z]{3,}$")]] = Field(min_length=1)  # the HTSUS's


class HtsSynonyms(Strict):
    """Everyday words -> the schedule's words, for the lookup's search by description."""

    compiled: dt.date
    entries: list[Synonym] = Field(min_length=1)

    @field_validator("entries")
    @classmethod
    def _each_word_once(cls, entries: list[Synonym]) -> list[Synonym]:
        _reject_duplicates([word for entry in entries for word in entry.words], "words")
        return entries


class PickerOption(Strict):
    value: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: Text


class PickerQuestion(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    text: Text
    help: str | None = None
    options: list[PickerOption] = Field(min_length=2)


class PickerRule(Strict):
    """Shown when every condition holds: `when` maps a question id to the answers that match."""

    id: Slug
    when: dict[str, list[str]] = Field(default_factory=dict)
    recommend: list[Slug] = Field(default_factory=list)  # program ids
    headline: Text
    reasons: list[Text] = Field(min_length=1)
    next_steps: list[Text] = Field(default_factory=list)


class Picker(Strict):
    """The 'Which program fits me?' decision table. The page's JavaScript and the Python tests
    evaluate this same table (ceeatlas.picker)."""

    questions: list[PickerQuestion] = Field(min_length=1, max_length=5)
    rules: list[PickerRule] = Field(min_length=1)
    fallback: PickerRule

    @model_validator(mode="after")
    def _conditions_use_known_answers(self) -> Picker:
        options = {q.id: {o.value for o in q.options} for q in self.questions}
        for rule in [*self.rules, self.fallback]:
            for question, values in rule.when.items():
                if question not in options:
                    raise ValueError(f"rule {rule.id}: unknown question {question!r}")
                unknown = sorted(set(values) - options[question])
                if unknown:
                    raise ValueError(f"rule {rule.id}: unknown answers {unknown} for {question!r}")
        return self
