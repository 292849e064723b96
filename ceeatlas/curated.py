"""Load and validate the curated YAML in centers/.

Errors name the file, the line and the field, e.g.

    centers/base-metals.yaml:14: industries[0].sources[0].url: must be an absolute http(s) URL

so that whoever edits a file by hand can find the mistake without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .models import (
    Agencies,
    Center,
    Events,
    Glossary,
    HtsStructure,
    HtsSynonyms,
    IcpTopics,
    Picker,
    Processes,
    Programs,
    Scope,
    SharedFacts,
    TradeIssues,
)

# Files in centers/ that are not Centers. Files starting with "_" (the template) are never loaded.
HTS_FILE = "hts-chapters.yaml"
AGENCIES_FILE = "agencies.yaml"
SCOPE_FILE = "scope.yaml"
SHARED_FILE = "shared.yaml"
# The curated files that are not Centers, and the model each one is validated against.
SUPPORT_MODELS = {
    HTS_FILE: HtsStructure,
    AGENCIES_FILE: Agencies,
    SCOPE_FILE: Scope,
    SHARED_FILE: SharedFacts,
    "programs.yaml": Programs,
    "program-picker.yaml": Picker,
    "processes.yaml": Processes,
    "trade-issues.yaml": TradeIssues,
    "events.yaml": Events,
    "glossary.yaml": Glossary,
    "icp-topics.yaml": IcpTopics,
    "hts-synonyms.yaml": HtsSynonyms,
}
RESERVED_FILES = set(SUPPORT_MODELS)

ModelT = TypeVar("ModelT", bound=BaseModel)


# libyaml's parser when PyYAML has it (wheels do): the curated files are parsed twice, once for
# values and once for line numbers, and the pure-Python parser took seconds per build.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader that leaves an impossible date (2013-13-03) as text.

    PyYAML raises a bare ValueError without a line for those; as text, the schema reports
    the field and the line like any other bad value.
    """

    def construct_yaml_timestamp(self, node):  # noqa: D102 - PyYAML hook
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class CuratedDataError(Exception):
    """One or more curated files are invalid; `problems` holds one line per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("invalid curated data:\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True)
class CuratedData:
    centers: dict[str, Center]  # in file name order, past ones included (Center.holds_on)
    scope: Scope  # the rows that hold on the day the data was loaded for
    scope_all: Scope  # every row of scope.yaml, history and future rows included
    hts: HtsStructure
    agencies: Agencies
    shared: SharedFacts
    programs: Programs
    picker: Picker
    processes: Processes
    trade_issues: TradeIssues
    events: Events
    glossary: Glossary
    icp_topics: IcpTopics
    hts_synonyms: HtsSynonyms


def _line_of(node: yaml.Node | None, location: Sequence[Any]) -> int:
    """Follow a pydantic error location through the YAML node tree; return a 1-based line.

    A mapping step reports the line of its key (where a person looks for `url:`), a list
    step the line of the item; a missing field reports the line of its parent.
    """
    if node is None:
        return 1
    current, line = node, node.start_mark.line
    for part in location:
        child = None
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if key_node.value == str(part):
                    child, line = value_node, key_node.start_mark.line
                    break
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                child = current.value[part]
                line = child.start_mark.line
        if child is None:
            break
        current = child
    return line + 1


def _field_path(location: Sequence[Any]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(file)"


def _display_path(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root.parent)) if root else str(path)
    except ValueError:
        return str(path)


def load_model(path: Path, model: type[ModelT], root: Path | None = None) -> ModelT:
    """Parse one YAML file into `model`, raising CuratedDataError with file:line: field messages."""
    shown = _display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CuratedDataError([f"{shown}: cannot read: {error.strerror}"]) from error
    try:
        node = yaml.compose(text, Loader=_Loader)
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise CuratedDataError([f"{shown}:{line}: YAML syntax: {problem}"]) from error
    if not isinstance(raw, dict):
        raise CuratedDataError([f"{shown}:1: (file): expected a mapping of fields at the top level"])
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = item["loc"]
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{shown}:{_line_of(node, location)}: {_field_path(location)}: {message}")
        raise CuratedDataError(problems) from error


def load_curated(root: Path, on: dt.date | None = None) -> CuratedData:
    """Load every curated file under `root` (centers/) and check the files against each other.
    `on` (default today) is the day whose scope rows the data answers with."""
    day = on or dt.date.today()
    problems: list[str] = []

    def attempt(path: Path, model: type[ModelT]) -> ModelT | None:
        try:
            return load_model(path, model, root)
        except CuratedDataError as error:
            problems.extend(error.problems)
            return None

    centers: dict[str, Center] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name.startswith("_") or path.name in RESERVED_FILES:
            continue
        center = attempt(path, Center)
        if center is None:
            continue
        if center.id != path.stem:
            problems.append(f"{_display_path(path, root)}:1: id: must equal the file name ({path.stem!r})")
        centers[center.id] = center

    missing = [name for name in sorted(RESERVED_FILES) if not (root / name).exists()]
    problems.extend(f"{root.name}/{name}: missing required file" for name in missing)
    if missing:
        raise CuratedDataError(problems)

    loaded = {name: attempt(root / name, model) for name, model in SUPPORT_MODELS.items()}
    if problems:
        raise CuratedDataError(problems)

    from .scope import scope_problems  # late import: scope imports models only

    scope, hts = loaded[SCOPE_FILE], loaded[HTS_FILE]
    current_ids = {center_id for center_id, center in centers.items() if center.holds_on(day)}
    problems.extend(
        f"{root.name}/{SCOPE_FILE}: {p}" for p in scope_problems(scope, set(centers), hts, day, current_ids)
    )
    problems.extend(_cross_file_problems(root, centers, loaded))
    if problems:
        raise CuratedDataError(problems)
    return CuratedData(
        centers=centers,
        scope=scope.on(day),
        scope_all=scope,
        hts=hts,
        agencies=loaded[AGENCIES_FILE],
        shared=loaded[SHARED_FILE],
        programs=loaded["programs.yaml"],
        picker=loaded["program-picker.yaml"],
        processes=loaded["processes.yaml"],
        trade_issues=loaded["trade-issues.yaml"],
        events=loaded["events.yaml"],
        glossary=loaded["glossary.yaml"],
        icp_topics=loaded["icp-topics.yaml"],
        hts_synonyms=loaded["hts-synonyms.yaml"],
    )


def _cross_file_problems(root: Path, centers: dict[str, Center], loaded: dict) -> list[str]:
    """References from one file to another must resolve."""
    problems = []
    for index, event in enumerate(loaded["events.yaml"].events):
        for center in event.centers:
            if center not in centers:
                problems.append(
                    f"{root.name}/events.yaml: events[{index}].centers: unknown Center {center!r}"
                )
    program_ids = {program.id for program in loaded["programs.yaml"].programs}
    for index, rule in enumerate(loaded["program-picker.yaml"].rules):
        for program in rule.recommend:
            if program not in program_ids:
                problems.append(
                    f"{root.name}/program-picker.yaml: rules[{index}].recommend: unknown program {program!r}"
                )
    return problems
