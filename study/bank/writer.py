"""Writing items back in the bank format (export, items authored in the web UI).

Stable key order, CPT/HCPCS/PCS codes always quoted, defaults left out (``status: published``,
empty tags, ``units: 1``...), and ``parse_item(write_item(item)) == item``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from study.bank.model import BillingItem, CaseItem, Item, KeyLine, McqItem
from study.kinds import ItemStatus

_RESOLVER = yaml.resolver.Resolver()
_PLAIN_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_. /()+'-]*")


# characters YAML does not allow raw in a stream (beyond the C0 controls JSON escapes), and the
# line separators it would fold inside a scalar
_UNPRINTABLE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are valid YAML)."""
    out = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def scalar(value: object, *, quote: bool = False) -> str:
    """One YAML scalar for a flow or block context."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = "" if value is None else str(value)
    if quote or not _plain_ok(text):
        return _quoted(text)
    return text


def _float(value: float) -> str:
    """A float YAML 1.1 reads back as the same float (it needs a dot: 1.0e-05, not 1e-05)."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        if exponent[0] not in "+-":
            exponent = "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or not _PLAIN_RE.fullmatch(text):
        return False
    # plain only when YAML would read it back as this string (not 25, yes, null, 12:30...)
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _flow_list(values: Iterable[object], *, quote: bool = False) -> str:
    return "[" + ", ".join(scalar(v, quote=quote) for v in values) + "]"


def _key_line(kind: str, line: KeyLine) -> str:
    quote = kind in ("procedures", "pcs")
    parts: list[str] = []
    if line.alternates:
        parts.append(f"alternates: {_flow_list(line.alternates, quote=quote)}")
    if line.optional:
        parts.append("optional: true")
    if kind == "procedures":
        if line.modifiers:
            parts.append(f"modifiers: {_flow_list(line.modifiers)}")
        if line.units != 1:
            parts.append(f"units: {line.units}")
    code = scalar(line.code, quote=quote)
    if not parts:
        return code
    return "{code: " + code + ", " + ", ".join(parts) + "}"


def _front_matter(item: Item) -> list[str]:
    lines = [
        f"id: {scalar(item.id)}",
        f"type: {item.type}",
        f"exams: {_flow_list(item.exams)}",
        f"topic: {scalar(item.topic)}",
    ]
    if isinstance(item, CaseItem):
        lines.append(f"setting: {scalar(item.setting)}")
    lines.append(f"difficulty: {scalar(item.difficulty)}")
    if item.tags:
        lines.append(f"tags: {_flow_list(item.tags)}")
    if item.status != ItemStatus.PUBLISHED:
        lines.append(f"status: {scalar(item.status)}")
    if item.reserve:
        lines.append(f"reserve: {scalar(item.reserve)}")
    if isinstance(item, McqItem):
        lines.extend(_mcq_keys(item))
    elif isinstance(item, BillingItem):
        lines.extend(_billing_keys(item))
    else:
        lines.extend(_case_keys(item))
    return lines


def _billing_keys(item: BillingItem) -> list[str]:
    """``title``, ``minutes`` and the type's own keys, as YAML (dates stay MM/DD/YYYY text)."""
    lines = [f"title: {_quoted(item.title)}"] if item.title else []
    lines += [f"minutes: {item.minutes}"] if item.minutes is not None else []
    spec = item.spec
    if spec:
        dumped = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)
        lines.extend(dumped.rstrip("\n").split("\n"))
    return lines


def _mcq_keys(item: McqItem) -> list[str]:
    """``answer`` (a list for a multiple-response item) and ``allow_invalid_distractors``."""
    lines: list[str] = []
    if item.multiple:
        lines.append(f"answer: {_flow_list(item.answer)}")
    elif item.answer:
        lines.append(f"answer: {scalar(item.answer[0])}")
    if item.allow_invalid_distractors:
        lines.append("allow_invalid_distractors: true")
    return lines


def _case_keys(item: CaseItem) -> list[str]:
    """``minutes``, the ``key`` (``key: {}`` when it has no lines) and ``scoring``."""
    lines = [f"title: {_quoted(item.title)}"] if item.title else []
    lines += [f"minutes: {item.minutes}"] if item.minutes is not None else []
    if item.external_causes != "voluntary":
        lines.append(f"external_causes: {item.external_causes}")
    if item.patient is not None:
        discharge = item.patient.discharge_name or item.patient.discharge
        lines += ["patient:", f"  age: {item.patient.age}", f"  sex: {item.patient.sex}", f"  discharge: {scalar(discharge)}"]
    if item.drg_note:
        lines.append(f"drg_note: {_quoted(item.drg_note)}")
    key = item.key
    lines.append("key:")
    for kind in ("diagnoses", "procedures", "pcs"):
        key_lines: tuple[KeyLine, ...] = getattr(key, kind)
        if key_lines:
            lines.append(f"  {kind}:")
            lines.extend(f"    - {_key_line(kind, k)}" for k in key_lines)
    if key.not_reportable:
        lines.append("  not_reportable:")
        for code, why in key.not_reportable:
            lines.append("    - {code: " + scalar(code) + ", why: " + _quoted(why) + "}")
    if not (key.diagnoses or key.procedures or key.pcs or key.not_reportable):
        lines[-1] = "key: {}"
    if item.scoring:
        lines.append("scoring:")
        lines.extend(f"  {name}: {scalar(float(value))}" for name, value in item.scoring)
    return lines


def _lettered(entries: Iterable[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for letter, text in entries:
        first, *rest = text.split("\n") if text else [""]
        out.append(f"{letter}. {first}".rstrip())
        out.extend(f"   {line}" if line else "" for line in rest)
    return out


def _section(title: str, text: str) -> list[str]:
    return ["", f"## {title}", *(text.split("\n") if text else [])]


def write_item(item: Item) -> str:
    """The item as a bank file (front matter and Markdown body)."""
    out = ["---", *_front_matter(item), "---"]
    if isinstance(item, McqItem):
        if item.stem:
            out.extend(item.stem.split("\n"))
            out.append("")
        out.append("## Options")
        out.extend(_lettered((o.letter, o.text) for o in item.options))
        out.extend(_section("Rationale", item.rationale))
        if item.why_not:
            out.extend(_section("Why not the others", ""))
            out.extend(_lettered(item.why_not))
    elif isinstance(item, BillingItem):
        out.append("## Scenario")
        out.extend(item.scenario.split("\n") if item.scenario else [])
        out.extend(_section("Rationale", item.rationale))
    else:
        out.append("## Documentation")
        out.extend(item.documentation.split("\n") if item.documentation else [])
        if item.task is not None:
            out.extend(_section("Task", item.task))
        out.extend(_section("Rationale", item.rationale))
    for title, text in item.extra_sections:
        out.extend(_section(title, text))
    return "\n".join(out).rstrip("\n") + "\n"


def item_relative_path(item: Item) -> Path:
    """Where an exported item goes in a bank: ``cases/<setting>/<id>.md`` for cases,
    ``<first exam, lower case>/<topic>/<id>.md`` for MCQ items."""
    if isinstance(item, CaseItem):
        return Path("cases") / (item.setting or "unknown") / f"{item.id}.md"
    if isinstance(item, BillingItem):
        return Path("billing") / f"{item.kind}s" / f"{item.id}.md"
    exam = (item.exams[0] if item.exams else "mcq").lower()
    return Path(exam) / (item.topic or "unknown") / f"{item.id}.md"
