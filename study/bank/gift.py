"""GIFT (Moodle's text exchange format) export and import of multiple-choice items.

Export: a single-answer item becomes ``::id::[markdown]stem {=right ~wrong#why not ####rationale}``;
a multiple-response item gives each correct answer an equal share of 100% and each wrong one
-100% (``~%50%A ~%50%C ~%-100%B``), so that choosing everything scores nothing. The rationale is
the general feedback (``####``), each "why not" line the feedback of its answer (``#``). A
comment line ``// codeprep: {...}`` before each question keeps what GIFT has no place for
(exams, topic, difficulty, tags, reserve), so that our own exports import back unchanged.

Import: comments (``//``), ``$CATEGORY:`` lines (the last part becomes a tag), titles, format
tags (``[markdown]``, ``[html]``...), escaped characters, questions over several lines,
questions separated by blank lines, the "missing word" form (text after the answers). Essay,
true/false, short answer, matching, numerical and description questions are not multiple choice:
each gives a ``Problem`` naming its line, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from study.bank.model import ID_PATTERN, McqItem, McqOption, Problem

SPECIAL = "~=#{}:"
_ID_RE = re.compile(ID_PATTERN)
_FORMAT_RE = re.compile(r"^\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^%(-?[0-9]+(?:\.[0-9]+)?)%")
_META_PREFIX = "// codeprep:"


# --- escaping ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape GIFT's special characters and write line breaks as ``\\n``."""
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char in SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            continue
        else:
            out.append(char)
    return "".join(out)


def unescape(text: str) -> str:
    """Undo ``escape`` (``\\n`` becomes a line break; other backslashes are kept)."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in SPECIAL or following == "\\":
                out.append(following)
                index += 2
                continue
            if following == "n":
                out.append("\n")
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split at unescaped marker characters: [(marker, text after it), ...]."""
    parts: list[tuple[str, str]] = []
    current_marker = ""
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in markers:
            if current_marker or "".join(current).strip():
                parts.append((current_marker, "".join(current)))
            current_marker, current = char, []
        else:
            current.append(char)
        index += 1
    if current_marker or "".join(current).strip():
        parts.append((current_marker, "".join(current)))
    return parts


# --- export -----------------------------------------------------------------------------------


def _percent(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text or "0"


def item_to_gift(item: McqItem) -> str:
    """One item as a GIFT question (with its ``// codeprep:`` comment line)."""
    meta: dict[str, object] = {
        "id": item.id,
        "exams": list(item.exams),
        "topic": item.topic,
        "difficulty": item.difficulty,
        "tags": list(item.tags),
    }
    if item.allow_invalid_distractors:
        meta["allow_invalid_distractors"] = True
    if item.reserve:
        meta["reserve"] = item.reserve
    lines = [_META_PREFIX + " " + json.dumps(meta, ensure_ascii=False)]
    lines.append(f"::{escape(item.id)}::[markdown]{escape(item.stem)} {{")
    why_not = item.why_not_map
    correct = set(item.answer)
    share = _percent(100 / len(correct)) if correct else "0"
    for option in item.options:
        feedback = why_not.get(option.letter)
        tail = f"#{escape(feedback)}" if feedback else ""
        if item.multiple:
            weight = share if option.letter in correct else "-100"
            lines.append(f"\t~%{weight}%{escape(option.text)}{tail}")
        else:
            mark = "=" if option.letter in correct else "~"
            lines.append(f"\t{mark}{escape(option.text)}{tail}")
    if item.rationale:
        lines.append(f"\t####{escape(item.rationale)}")
    lines.append("}")
    return "\n".join(lines)


def export_gift(items: Iterable[McqItem], *, category: str | None = None) -> str:
    """A GIFT file with every multiple-choice item (cases are skipped: GIFT has no place for them)."""
    blocks = ["// Exported from CodePrep. GIFT format: https://docs.moodle.org/en/GIFT_format"]
    if category:
        blocks.append(f"$CATEGORY: {category}")
    blocks.extend(item_to_gift(item) for item in items if isinstance(item, McqItem))
    return "\n\n".join(blocks) + "\n"


# --- import -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:48].strip("-")


def _blocks(text: str) -> list[tuple[int, list[str], dict[str, object] | None, str | None]]:
    """Questions as (first line, lines, our metadata comment or None, category or None)."""
    blocks: list[tuple[int, list[str], dict[str, object] | None, str | None]] = []
    current: list[str] = []
    start = 0
    meta: dict[str, object] | None = None
    pending_meta: dict[str, object] | None = None
    category: str | None = None

    def close() -> None:
        nonlocal current, meta
        if current:
            blocks.append((start, current, meta, category))
        current, meta = [], None

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            close()
            continue
        if stripped.startswith("//"):
            if stripped.startswith(_META_PREFIX):
                try:
                    value = json.loads(stripped[len(_META_PREFIX) :])
                    pending_meta = value if isinstance(value, dict) else None
                except ValueError:
                    pending_meta = None
            continue
        if stripped.startswith("$CATEGORY:"):
            close()
            category = stripped[len("$CATEGORY:") :].strip() or None
            continue
        if not current:
            start = number
            meta, pending_meta = pending_meta, None
        current.append(line)
    close()
    return blocks


def _kind_of(answers: str) -> str | None:
    """The unsupported question type an answer block denotes, or None for multiple choice."""
    body = answers.strip()
    if not body:
        return "an essay question"
    if body.startswith("#"):
        return "a numerical question"
    feedback_at = _find_unescaped(body, "#")
    head = (body[:feedback_at] if feedback_at >= 0 else body).strip().upper()
    if head in ("T", "F", "TRUE", "FALSE"):
        return "a true/false question"
    parts = _split_unescaped(body, "=~")
    if any(_find_unescaped(part, "->") >= 0 for _, part in parts):
        return "a matching question"
    if parts and all(marker == "=" for marker, _ in parts):
        return "a short-answer question"
    return None


def import_gift(
    text: str,
    *,
    topic: str,
    exams: Sequence[str],
    path: str = "<gift>",
    id_prefix: str = "gift",
    status: str = "draft",
    taken_ids: Iterable[str] = (),
) -> tuple[list[McqItem], list[Problem]]:
    """Multiple-choice questions of a GIFT file as items, and a problem per question skipped.

    Ids: the question's title when it is a valid, unused id (so our exports round-trip), else
    ``<id_prefix>-<slug of the title>`` or ``<id_prefix>-<number>``. ``topic`` and ``exams``
    apply to every item unless our own ``// codeprep:`` comment gives them. Items are imported
    as ``status`` (default draft: an instructor reviews them before they are served).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    items: list[McqItem] = []
    problems: list[Problem] = []
    used = set(taken_ids)
    for number, (line, lines, meta, category) in enumerate(_blocks(text), start=1):
        try:
            item, problem = _question(
                "\n".join(lines), line, path, topic, exams, id_prefix, status, used, number, meta, category
            )
        except Exception as exc:  # a malformed question must never stop an import
            item, problem = None, Problem(path, line, f"could not read this question: {exc}")
        if problem is not None:
            problems.append(problem)
        if item is not None:
            used.add(item.id)
            items.append(item)
    return items, problems


class _Skipped(Exception):
    """A question that cannot be imported as an item; the message says why."""


def _question(
    text: str,
    line: int,
    path: str,
    topic: str,
    exams: Sequence[str],
    id_prefix: str,
    status: str,
    used: set[str],
    number: int,
    meta: dict[str, object] | None,
    category: str | None,
) -> tuple[McqItem | None, Problem | None]:
    try:
        title, stem, answers = _split_question(text.strip())
        label = f"'{title}'" if title else "this question"
        parsed, general = _answers(answers, label)
        correct, multiple = _correct(parsed, label)
    except _Skipped as skipped:
        return None, Problem(path, line, str(skipped))
    letters = "ABCDEF"
    options = tuple(McqOption(letters[i], text) for i, (_, _, text, _) in enumerate(parsed))
    if any(not o.text for o in options):
        return None, Problem(path, line, f"{label} has an empty answer")
    why_not = tuple(
        (letters[i], feedback) for i, (_, _, _, feedback) in enumerate(parsed) if feedback and i not in correct
    )
    meta = meta or {}
    meta_exams = meta.get("exams")
    item = McqItem(
        id=_choose_id(str(meta.get("id") or title), id_prefix, number, used),
        exams=tuple(str(e) for e in meta_exams) if isinstance(meta_exams, list) and meta_exams else tuple(exams),
        topic=str(meta.get("topic") or topic),
        stem=stem,
        options=options,
        answer=tuple(letters[i] for i in correct),
        rationale=general or " ".join(parsed[i][3] for i in correct if parsed[i][3]),
        multiple=multiple,
        why_not=why_not,
        allow_invalid_distractors=meta.get("allow_invalid_distractors") is True,
        difficulty=str(meta.get("difficulty") or "medium"),
        tags=_tags(meta, category),
        status=status,
        reserve=str(meta["reserve"]) if meta.get("reserve") else None,
        path=path,
    )
    return item, None


def _split_question(body: str) -> tuple[str, str, str]:
    """(title, stem, answer block) of a question: the title between ``::``, a format tag
    dropped, the text after the answers (the "missing word" form) joined to the stem."""
    title = ""
    if body.startswith("::"):
        end = _find_unescaped(body, "::", 2)
        if end < 0:
            raise _Skipped("the title is not closed with '::'")
        title = unescape(body[2:end]).strip()
        body = body[end + 2 :].lstrip()
    format_match = _FORMAT_RE.match(body)
    if format_match:
        body = body[format_match.end() :]
    open_at = _find_unescaped(body, "{")
    if open_at < 0:
        raise _Skipped("a description without answers is not a question (skipped)")
    close_at = _find_unescaped(body, "}", open_at + 1)
    if close_at < 0:
        raise _Skipped("the answers are not closed with '}'")
    after = body[close_at + 1 :].strip()
    stem = unescape(body[:open_at]).strip()
    if after:
        stem = f"{stem} _____ {unescape(after)}".strip()
    return title, stem, body[open_at + 1 : close_at]


def _answers(answers: str, label: str) -> tuple[list[tuple[str, float | None, str, str]], str]:
    """The answers of a multiple-choice block as (marker, weight, text, feedback), 2 to 6 of
    them, and the general feedback (``####``)."""
    kind = _kind_of(answers)
    if kind is not None:
        raise _Skipped(f"{label} is {kind}: only multiple-choice questions can be imported")
    general = ""
    general_at = _find_unescaped(answers, "####")
    if general_at >= 0:
        general = unescape(answers[general_at + 4 :]).strip()
        answers = answers[:general_at]
    parsed: list[tuple[str, float | None, str, str]] = []
    for marker, chunk in _split_unescaped(answers, "=~"):
        if not marker:
            raise _Skipped(f"{label}: text before the first answer in the answer block")
        chunk = chunk.strip()
        weight: float | None = None
        match = _WEIGHT_RE.match(chunk)
        if match:
            weight = float(match.group(1))
            chunk = chunk[match.end() :]
        feedback_at = _find_unescaped(chunk, "#")
        feedback = ""
        if feedback_at >= 0:
            feedback = unescape(chunk[feedback_at + 1 :]).strip()
            chunk = chunk[:feedback_at]
        parsed.append((marker, weight, unescape(chunk).strip(), feedback))
    if not (2 <= len(parsed) <= 6):
        raise _Skipped(f"{label} has {len(parsed)} answers; items have 2 to 6 options")
    return parsed, general


def _correct(parsed: list[tuple[str, float | None, str, str]], label: str) -> tuple[list[int], bool]:
    """(indexes of the correct answers, multiple response?): every ``=`` answer, else every
    ``~`` answer with a positive weight (multiple response)."""
    equals = [i for i, (m, _, _, _) in enumerate(parsed) if m == "="]
    positive = [i for i, (m, w, _, _) in enumerate(parsed) if m == "~" and w is not None and w > 0]
    if positive and not equals:
        return positive, True
    if len(equals) == 1:
        return equals, False
    if len(equals) > 1:
        return equals, True
    raise _Skipped(f"{label} has no correct answer")


def _tags(meta: dict[str, object], category: str | None) -> tuple[str, ...]:
    """The tags of our metadata comment, else the last part of the ``$CATEGORY``."""
    meta_tags = meta.get("tags")
    tags: tuple[str, ...] = tuple(str(t) for t in meta_tags) if isinstance(meta_tags, list) else ()
    if not tags and category:
        last = _slug(category.split("/")[-1].replace("$course$", ""))
        tags = (last,) if last else ()
    return tags


def _choose_id(title: str, prefix: str, number: int, used: set[str]) -> str:
    if title and _ID_RE.match(title) and title not in used:
        return title
    base = f"{prefix}-{_slug(title)}" if _slug(title) else f"{prefix}-{number:03d}"
    base = base[:60].strip("-")
    if not _ID_RE.match(base):
        base = f"gift-{number:03d}"
    candidate, suffix = base, 2
    while candidate in used:
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate
