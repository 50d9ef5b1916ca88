"""Reading bank files into typed objects, with the line of every key and heading.

The parser never raises on malformed input: it builds what it can (missing values take their
defaults) and returns a list of ``Problem`` for what stopped it from reading (YAML syntax,
front matter delimiters, duplicate keys, stray lines in ``## Options``). Rules about *values*
(required keys, ids, topics, answers, codes...) are the validator's (``study.bank.validate``),
which reads the raw front matter and line numbers kept in ``SourceInfo``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from study.bank.model import (
    BILLING_KEYS,
    BILLING_TYPES,
    DISCHARGE_STATUSES,
    Bank,
    BillingItem,
    Blueprint,
    BlueprintSection,
    CaseItem,
    CaseKey,
    Item,
    KeyLine,
    McqItem,
    McqOption,
    Patient,
    Problem,
    SourceInfo,
    Topic,
)
from study.codes.normalize import (
    looks_like_icd10cm,
    normalize_cpt,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
)

Lines = dict[tuple[Any, ...], int]


# --- YAML with line numbers ---------------------------------------------------------------


# libyaml's loader when PyYAML was built with it (ten times faster), else the pure-Python one;
# composing nodes first lets us keep every key's ``start_mark``.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, Lines, list[Problem]]:
    """Load YAML text that starts at line ``first_line`` of ``path``.

    Returns (data, lines, problems): ``lines`` maps key paths (``("key", "diagnoses", 0)``) to
    file lines. A syntax error gives data None and one problem at the YAML's line.
    """
    offset = first_line - 1
    problems: list[Problem] = []
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = first_line + text.rstrip("\n").count("\n")
        line = min(mark.line + 1 + offset, last_line) if mark is not None else first_line
        what = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context:
            what = f"{exc.problem} ({exc.context})"
        return None, {}, [Problem(path, line, f"YAML error: {what}")]
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        return None, {}, [Problem(path, first_line, f"YAML error: {exc}")]
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines, offset, path, problems, depth=0)
    return data, lines, problems


def _walk(
    node: Node,
    at: tuple[Any, ...],
    lines: Lines,
    offset: int,
    path: str,
    problems: list[Problem],
    depth: int,
) -> None:
    if depth > 50:
        return
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen and key != "<<":
                problems.append(Problem(path, line, f"duplicate key '{key}' (first at line {seen[key]})"))
            seen.setdefault(key, line)
            lines.setdefault(at + (key,), line)
            _walk(value_node, at + (key,), lines, offset, path, problems, depth + 1)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault(at + (index,), item.start_mark.line + 1 + offset)
            _walk(item, at + (index,), lines, offset, path, problems, depth + 1)


# --- front matter and Markdown sections -----------------------------------------------------

_HEADING_RE = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")
_LETTER_RE = re.compile(r"^([A-Za-z])([.)])(?:\s+(.*))?$")


def split_front_matter(text: str, path: str) -> tuple[str | None, int, list[tuple[int, str]], list[Problem]]:
    """(front matter text or None, its first line, [(line, text)] of the body, problems)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return (
            None,
            1,
            list(enumerate(lines, start=1)),
            [Problem(path, 1, "missing front matter: the file must start with a '---' line")],
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = list(enumerate(lines[index + 1 :], start=index + 2))
            return front, 2, body, []
    return (
        None,
        1,
        [],
        [Problem(path, 1, "front matter is not closed: add a '---' line after it")],
    )


def _heading_key(title: str) -> str:
    return " ".join(title.lower().rstrip(":").split())


def split_sections(
    body: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[tuple[str, int, list[tuple[int, str]]]]]:
    """Split a Markdown body at ``## `` headings (not inside fenced code)."""
    preamble: list[tuple[int, str]] = []
    sections: list[tuple[str, int, list[tuple[int, str]]]] = []
    fenced = False
    for number, line in body:
        if _FENCE_RE.match(line.lstrip()):
            fenced = not fenced
        match = None if fenced else _HEADING_RE.match(line)
        if match:
            sections.append((match.group(1), number, []))
        elif sections:
            sections[-1][2].append((number, line))
        else:
            preamble.append((number, line))
    return preamble, sections


def _text(lines: list[tuple[int, str]]) -> str:
    """Section text: trailing spaces and blank lines at both ends removed."""
    return "\n".join(line.rstrip() for _, line in lines).strip("\n")


def _lettered(
    lines: list[tuple[int, str]], path: str, heading: str
) -> tuple[list[tuple[str, int, str]], list[Problem]]:
    """Parse ``A. text`` lines with indented continuation lines."""
    entries: list[tuple[str, int, list[str]]] = []
    problems: list[Problem] = []
    for number, line in lines:
        if not line.strip():
            if entries:
                entries[-1][2].append("")
            continue
        if line[:1].isspace():
            if entries:
                entries[-1][2].append(line.strip())
            else:
                problems.append(
                    Problem(path, number, f"indented text in '## {heading}' before any option letter")
                )
            continue
        match = _LETTER_RE.match(line)
        if match is None:
            problems.append(
                Problem(
                    path,
                    number,
                    f"line in '## {heading}' is neither a lettered line ('A. text') nor an "
                    "indented continuation line",
                )
            )
            continue
        letter, mark, rest = match.group(1), match.group(2), (match.group(3) or "").strip()
        if letter != letter.upper() or mark != ".":
            problems.append(
                Problem(
                    path,
                    number,
                    f"write '{letter.upper()}. ' (a capital letter, a dot and a space) "
                    f"instead of '{letter}{mark}'",
                )
            )
        entries.append((letter.upper(), number, [rest]))
    result = [(letter, number, "\n".join(parts).strip("\n")) for letter, number, parts in entries]
    return result, problems


# --- value conversions (lenient; the validator judges the raw values) -----------------------


def _str(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _str_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(s for s in (_str(v) for v in value) if s)
    text = _str(value)
    return (text,) if text else ()


def _modifier(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(2)
    return normalize_modifier(_str(value))


def _units(value: Any) -> int:
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 7:
        return int(value.strip())
    return 1


def _normalize_for(kind: str, code: str) -> str:
    if kind == "diagnoses":
        return normalize_icd10cm(code)
    if kind == "pcs":
        return normalize_pcs(code)
    return normalize_cpt(code)


def normalize_any_code(code: str) -> str:
    """Upper case without spaces; an ICD-10-CM shaped code also gets its dot."""
    text = normalize_cpt(code)
    if "." in text and looks_like_icd10cm(text):
        return normalize_icd10cm(text)
    return text


def _key_line(kind: str, value: Any) -> KeyLine:
    if isinstance(value, dict):
        modifiers = value.get("modifiers")
        mods = (
            tuple(m for m in (_modifier(v) for v in modifiers) if m)
            if isinstance(modifiers, list)
            else ((_modifier(modifiers),) if modifiers not in (None, "") else ())
        )
        return KeyLine(
            code=_normalize_for(kind, _str(value.get("code"))),
            alternates=tuple(_normalize_for(kind, a) for a in _str_tuple(value.get("alternates"))),
            optional=value.get("optional") is True,
            modifiers=mods,
            units=_units(value.get("units", 1)),
        )
    return KeyLine(code=_normalize_for(kind, _str(value)))


def _case_key(raw: Any) -> CaseKey:
    if not isinstance(raw, dict):
        return CaseKey()
    lines: dict[str, tuple[KeyLine, ...]] = {}
    for kind in ("diagnoses", "procedures", "pcs"):
        values = raw.get(kind)
        lines[kind] = tuple(_key_line(kind, v) for v in values) if isinstance(values, list) else ()
    not_reportable: list[tuple[str, str]] = []
    values = raw.get("not_reportable")
    if isinstance(values, list):
        for value in values:
            if isinstance(value, dict):
                not_reportable.append((normalize_any_code(_str(value.get("code"))), _str(value.get("why"))))
            else:
                not_reportable.append((normalize_any_code(_str(value)), ""))
    return CaseKey(
        diagnoses=lines["diagnoses"],
        procedures=lines["procedures"],
        pcs=lines["pcs"],
        not_reportable=tuple(not_reportable),
    )


def patient_discharge_code(value: Any) -> str | None:
    """The two-digit UB-04 code of a ``patient.discharge`` value: a name ("snf") or the code
    itself as a string ("03"); None when it is neither."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in DISCHARGE_STATUSES:
            return DISCHARGE_STATUSES[text]
        if text in DISCHARGE_STATUSES.values():
            return text
    return None


def _patient(raw: Any) -> Patient | None:
    """``patient`` (inpatient cases): None when absent or unreadable (the validator says why)."""
    if not isinstance(raw, dict):
        return None
    age, sex, discharge = raw.get("age"), _str(raw.get("sex")).lower(), patient_discharge_code(raw.get("discharge"))
    if not isinstance(age, int) or isinstance(age, bool) or discharge is None or not sex:
        return None
    return Patient(age=age, sex=sex, discharge=discharge)


def _scoring(raw: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict):
        return ()
    result = []
    for name, value in raw.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result.append((str(name), float(value)))
    return tuple(result)


def _answer(raw: Any) -> tuple[tuple[str, ...], bool]:
    if isinstance(raw, list):
        return tuple(_str(v) for v in raw), True
    text = _str(raw)
    return ((text,) if text else ()), False


def _minutes(raw: Any) -> int | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return None


# --- items ------------------------------------------------------------------------------------

MCQ_SECTIONS = {"options": "Options", "rationale": "Rationale", "why not the others": "Why not the others"}
CASE_SECTIONS = {"documentation": "Documentation", "task": "Task", "rationale": "Rationale"}
BILLING_SECTIONS = {"scenario": "Scenario", "rationale": "Rationale"}


class _ItemParts(NamedTuple):
    """What the item builders take from the file: the front matter, the body's parts and the
    fields every item has."""

    raw: dict[Any, Any]
    preamble: list[tuple[int, str]]
    texts: dict[str, list[tuple[int, str]]]
    source: SourceInfo
    common: dict[str, Any]


def parse_item(text: str, path: str = "<string>") -> tuple[Item | None, list[Problem]]:
    """Parse one item file. Returns (item or None when unreadable, problems)."""
    front, front_line, body, problems = split_front_matter(text, path)
    if front is None:
        return None, problems
    raw, keys, yaml_problems = load_yaml(front, path, front_line)
    problems.extend(yaml_problems)
    if yaml_problems and raw is None:
        return None, problems
    if not isinstance(raw, dict):
        problems.append(
            Problem(path, front_line, "the front matter must be a mapping of keys (id: ..., type: ...)")
        )
        return None, problems
    body_line = body[0][0] if body else front_line + front.count("\n") + 2
    preamble, sections = split_sections(body)
    kind = _str(raw.get("type"))
    known = CASE_SECTIONS if kind == "case" else BILLING_SECTIONS if kind in BILLING_TYPES else MCQ_SECTIONS
    headings, texts, extra = _item_sections(sections, known, path, problems)
    source = SourceInfo(
        path=path,
        front_line=front_line - 1,
        body_line=body_line,
        keys=keys,
        raw=raw,
        headings=headings,
        end_line=max(1, body[-1][0] if body else body_line),
    )
    common: dict[str, Any] = {
        "id": _str(raw.get("id")),
        "exams": _str_tuple(raw.get("exams")),
        "topic": _str(raw.get("topic")),
        "difficulty": _str(raw.get("difficulty")) or "medium",
        "tags": _str_tuple(raw.get("tags")),
        "status": _str(raw.get("status")) or "published",
        "reserve": _str(raw.get("reserve")) or None,
        "extra_sections": tuple(extra),
        "path": path,
    }
    parts = _ItemParts(raw, preamble, texts, source, common)
    if kind == "case":
        return _case_item(parts, problems), problems
    if kind in BILLING_TYPES:
        return _billing_item(kind, parts, problems), problems
    return _mcq_item(parts, problems), problems


def _item_sections(
    sections: list[tuple[str, int, list[tuple[int, str]]]], known: dict[str, str], path: str, problems: list[Problem]
) -> tuple[dict[str, int], dict[str, list[tuple[int, str]]], list[tuple[str, str]]]:
    """The line of every heading, the lines of each known section and the unknown sections
    (kept as they are, with a warning); a known section written twice is an error."""
    headings: dict[str, int] = {}
    texts: dict[str, list[tuple[int, str]]] = {}
    extra: list[tuple[str, str]] = []
    for title, number, lines in sections:
        key = _heading_key(title)
        if key in known:
            if key in headings:
                problems.append(
                    Problem(path, number, f"duplicate section '## {known[key]}' (first at line {headings[key]})")
                )
                continue
            headings[key] = number
            texts[key] = lines
        else:
            extra.append((title, _text(lines)))
            headings[title] = number
            expected = ", ".join(f"'## {h}'" for h in known.values())
            problems.append(
                Problem(
                    path,
                    number,
                    f"unknown section '## {title}' (kept as is; the sections are {expected})",
                    "warning",
                )
            )
    return headings, texts, extra


def _case_item(parts: _ItemParts, problems: list[Problem]) -> CaseItem:
    raw, preamble, texts, source, common = parts
    if _text(preamble):
        first = next(n for n, line in preamble if line.strip())
        problems.append(
            Problem(source.path, first, "text before the first section: start the body with '## Documentation'")
        )
    task_lines = texts.get("task")
    return CaseItem(
        setting=_str(raw.get("setting")),
        key=_case_key(raw.get("key")),
        documentation=_text(texts.get("documentation", [])),
        rationale=_text(texts.get("rationale", [])),
        task=_text(task_lines) if task_lines is not None and _text(task_lines) else None,
        scoring=_scoring(raw.get("scoring")),
        minutes=_minutes(raw.get("minutes")),
        title=_str(raw.get("title")) or None,
        external_causes=_str(raw.get("external_causes") or "voluntary"),
        patient=_patient(raw.get("patient")),
        drg_note=_str(raw.get("drg_note")) or None,
        source=source,
        **common,
    )


def _plain(value: Any) -> Any:
    """A YAML value as JSON can hold it: dates as MM/DD/YYYY (the CMS-1500's way), mappings and
    lists recursively, keys as text."""
    if isinstance(value, datetime.date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def billing_spec(kind: str, raw: dict[Any, Any]) -> str:
    """The type's own front matter keys as canonical JSON (file order kept)."""
    required, optional = BILLING_KEYS[kind]
    return json.dumps({k: _plain(raw[k]) for k in (*required, *optional) if k in raw}, ensure_ascii=False)


def _billing_item(kind: str, parts: _ItemParts, problems: list[Problem]) -> BillingItem:
    raw, preamble, texts, source, common = parts
    if _text(preamble):
        first = next(n for n, line in preamble if line.strip())
        problems.append(Problem(source.path, first, "text before the first section: start the body with '## Scenario'"))
    return BillingItem(
        kind=kind,
        spec_json=billing_spec(kind, raw),
        scenario=_text(texts.get("scenario", [])),
        rationale=_text(texts.get("rationale", [])),
        minutes=_minutes(raw.get("minutes")),
        title=_str(raw.get("title")) or None,
        source=source,
        **common,
    )


def _mcq_item(parts: _ItemParts, problems: list[Problem]) -> McqItem:
    raw, preamble, texts, source, common = parts
    path = source.path
    options, option_problems = _lettered(texts.get("options", []), path, "Options")
    why_not, why_problems = _lettered(texts.get("why not the others", []), path, "Why not the others")
    problems.extend(option_problems + why_problems)
    option_lines = _first_lines(options, path, problems, "option {} appears twice (first at line {})")
    why_not_lines = _first_lines(why_not, path, problems, "'Why not' line {} appears twice (first at line {})")
    answer, multiple = _answer(raw.get("answer"))
    return McqItem(
        stem=_text(preamble),
        options=tuple(McqOption(letter, text) for letter, text in _first_of_each(options)),
        answer=answer,
        multiple=multiple,
        rationale=_text(texts.get("rationale", [])),
        why_not=tuple(_first_of_each(why_not)),
        allow_invalid_distractors=raw.get("allow_invalid_distractors") is True,
        source=dataclasses.replace(source, option_lines=option_lines, why_not_lines=why_not_lines),
        **common,
    )


def _first_lines(
    entries: list[tuple[str, int, str]], path: str, problems: list[Problem], twice: str
) -> dict[str, int]:
    """The line of each letter's first entry; ``twice`` (letter, first line) for each repeat."""
    first: dict[str, int] = {}
    for letter, number, _ in entries:
        if letter in first:
            problems.append(Problem(path, number, twice.format(letter, first[letter])))
        first.setdefault(letter, number)
    return first


def _first_of_each(entries: list[tuple[str, int, str]]) -> list[tuple[str, str]]:
    """(letter, text) of each letter's first entry, in order."""
    first: dict[str, str] = {}
    for letter, _, text in entries:
        first.setdefault(letter, text)
    return list(first.items())


def read_text(path: Path | str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file; a problem instead of an exception when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(str(path), 1, f"cannot read the file: {exc.strerror or exc}")]


def parse_item_file(path: Path | str) -> tuple[Item | None, list[Problem]]:
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse_item(text, str(path))


# --- topics and blueprints --------------------------------------------------------------------


def parse_topics(text: str, path: str = "topics.yaml") -> tuple[dict[str, Topic], list[Problem]]:
    """``topics.yaml``: each key maps to ``{title, description}``."""
    raw, keys, problems = load_yaml(text, path)
    topics: dict[str, Topic] = {}
    if raw is None and not problems:
        problems.append(Problem(path, 1, "topics.yaml is empty"))
        return topics, problems
    if raw is None:
        return topics, problems
    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, "topics.yaml must map each topic key to a title and a description"))
        return topics, problems
    for key, value in raw.items():
        name = _str(key)
        line = keys.get((str(key),), 1)
        if not isinstance(value, dict):
            problems.append(
                Problem(path, line, f"topic '{name}' must be a mapping with a title and a description")
            )
            topics[name] = Topic(name, _str(value) or name)
            continue
        title = _str(value.get("title"))
        if not title:
            problems.append(Problem(path, line, f"topic '{name}' has no title"))
        for extra in value:
            if extra not in ("title", "description"):
                problems.append(
                    Problem(
                        path,
                        keys.get((str(key), str(extra)), line),
                        f"unknown key '{extra}' in topic '{name}' (keys: title, description)",
                    )
                )
        topics[name] = Topic(name, title or name, _str(value.get("description")))
    return topics, problems


def parse_blueprint(text: str, path: str = "blueprint.yaml") -> tuple[Blueprint | None, list[Problem]]:
    """One ``blueprints/<EXAM>.yaml``; values are checked by the validator."""
    raw, keys, problems = load_yaml(text, path)
    if raw is None:
        if not problems:
            problems.append(Problem(path, 1, "the blueprint is empty"))
        return None, problems
    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, "a blueprint must be a mapping (exam:, title:, sections: ...)"))
        return None, problems

    def number(value: Any, default: float = 0) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return default
        return value

    sections = []
    raw_sections = raw.get("sections")
    if isinstance(raw_sections, list):
        for value in raw_sections:
            if not isinstance(value, dict):
                continue
            sections.append(
                BlueprintSection(
                    key=_str(value.get("key")),
                    title=_str(value.get("title")),
                    questions=int(number(value.get("questions"))),
                    cases=int(number(value.get("cases"))),
                    topics=_str_tuple(value.get("topics")),
                    confirmed=value.get("confirmed") is True,
                )
            )
    pace = raw.get("pace_minutes_per_question")
    blueprint = Blueprint(
        exam=_str(raw.get("exam")),
        title=_str(raw.get("title")),
        minutes=int(number(raw.get("minutes"))),
        pass_percent=float(number(raw.get("pass_percent"))),
        warn_at_minutes_left=int(number(raw.get("warn_at_minutes_left"))),
        source=_str(raw.get("source")),
        sections=tuple(sections),
        pace_minutes_per_question=float(pace)
        if isinstance(pace, (int, float)) and not isinstance(pace, bool)
        else None,
        path=path,
        source_info=SourceInfo(path=path, front_line=1, keys=keys, raw=raw),
    )
    return blueprint, problems


# --- a whole bank -----------------------------------------------------------------------------


def item_files(root: Path | str) -> Iterator[Path]:
    """Item files: every ``*.md`` below the bank root, except files directly in the root
    (a README) and the blueprints folder; hidden files and folders are skipped."""
    base = Path(root)
    for path in sorted(base.rglob("*.md")):
        rel = path.relative_to(base)
        if len(rel.parts) < 2 or rel.parts[0] == "blueprints":
            continue
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.is_file():
            yield path


def load_bank(root: Path | str) -> tuple[Bank, list[Problem]]:
    """Parse topics.yaml, blueprints/*.yaml and every item file below ``root``."""
    base = Path(root)
    problems: list[Problem] = []
    topics: dict[str, Topic] = {}
    topics_path = base / "topics.yaml"
    if topics_path.is_file():
        text, read_problems = read_text(topics_path)
        problems.extend(read_problems)
        if text is not None:
            topics, topic_problems = parse_topics(text, str(topics_path))
            problems.extend(topic_problems)
    else:
        problems.append(Problem(str(topics_path), 1, "missing topics.yaml"))
    blueprints: dict[str, Blueprint] = {}
    blueprint_dir = base / "blueprints"
    if blueprint_dir.is_dir():
        for path in sorted(list(blueprint_dir.glob("*.yaml")) + list(blueprint_dir.glob("*.yml"))):
            text, read_problems = read_text(path)
            problems.extend(read_problems)
            if text is None:
                continue
            blueprint, bp_problems = parse_blueprint(text, str(path))
            problems.extend(bp_problems)
            if blueprint is not None:
                name = path.stem
                if name in blueprints:
                    problems.append(Problem(str(path), 1, f"a second blueprint for {name}"))
                    continue
                blueprints[name] = blueprint
    items: list[Item] = []
    for path in item_files(base):
        item, item_problems = parse_item_file(path)
        problems.extend(item_problems)
        if item is not None:
            items.append(item)
    return Bank(topics=topics, blueprints=blueprints, items=tuple(items), root=str(base)), problems
