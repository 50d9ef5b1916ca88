"""Checking typed codes against a ``CodeSource``, and the rules between diagnosis codes.

``CodeChecker(source).check(system, raw)`` says whether a typed code is reportable, a real code
that is incomplete (and what it lacks), or not a code (with the nearest real codes).
``CodeChecker(source).conflicts(codes)`` reports Excludes1 pairs, a manifestation code listed
first, and "use additional code" hints.

Note references are parsed from the tabular notes, where they look like ``(E10.-)``,
``(O24.4-)``, ``(P70.2)``, ``(N18.1-N18.6)``, ``(E08.-, E09.-)``, ``(K85-K86.-)``,
``(E08-E13 with .44)`` or ``(S06.0X- with seventh character A)``. A reference covers the code it
names and every code below it (the ``-`` only tells a reader that more characters follow); a
range covers every code between its ends in string order. A qualifier that is not understood
drops the reference: a missed hint is better than a false one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from study.codes.normalize import (
    classify_procedure_code,
    icd10cm_with_dot,
    is_cpt_shape,
    is_hcpcs_shape,
    is_modifier_shape,
    is_pcs_shape,
    looks_like_icd10cm,
    normalize_cpt,
    normalize_hcpcs,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
)
from study.codes.pcs_tables import suggest
from study.codes.types import CodeCheck, CodeRecord, CodeSource, Conflict

#: What the platform says about a CPT code when no licensed CPT file is loaded (no AMA text).
CPT_WITHOUT_DESCRIPTOR = "CPT code (check the descriptor in your CPT book)"
#: What it says about a dental D-code of HCPCS Level II: its descriptor is the ADA's CDT text,
#: which the project's HCPCS set leaves out (study/codes/data/hcpcs_2026.PROVENANCE.md).
CDT_WITHOUT_DESCRIPTOR = "CDT dental code (check the descriptor in your CDT book)"

_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    """1 -> '1st', 4 -> '4th'."""
    return _ORDINALS.get(n, f"{n}th")


def _bare(code: str) -> str:
    return code.replace(".", "")


def _list_codes(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (", ..." if len(codes) > limit else "")


# --- references in note text ----------------------------------------------------------------

_CODE_TOKEN = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?", re.ASCII)
_PAREN = re.compile(r"\(([^()]*)\)")
_POSITION_WORDS = {
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "6th": 6,
    "sixth": 6,
    "7th": 7,
    "seventh": 7,
}
_POSITION_RE = re.compile(
    r"with\s+(?P<pos>[a-z0-9]+)(?:\s+or\s+(?P<pos2>[a-z0-9]+))?[\s-]+characters?\s+"
    r"\.?(?P<lo>[0-9a-z])(?:\s*-\s*(?P<hi>[0-9a-z]))?",
)
_SUFFIX_RE = re.compile(
    r"with\s+\.(?P<lo>[0-9a-z]+)-?(?:\s*-\s*\.(?P<hi>[0-9a-z]+))?",
)


@dataclass(frozen=True)
class CodeRef:
    """A reference to a code, a subtree or a range of codes, as printed in a note.

    Stored without dots. ``positions``/``allowed`` restrict characters at 1-based positions
    ("with fifth or sixth character 5"); ``suffix_lo``/``suffix_hi`` restrict what follows the
    category ("E08-E13 with .51-.52").
    """

    low: str
    high: str
    positions: tuple[int, ...] = ()
    allowed: str = ""
    suffix_lo: str = ""
    suffix_hi: str = ""

    def matches(self, code: str) -> bool:
        bare = _bare(code)
        if self.low == self.high:
            if not bare.startswith(self.low):
                return False
        elif not (bare[: len(self.low)] >= self.low and bare[: len(self.high)] <= self.high):
            return False
        if self.positions and not any(len(bare) >= p and bare[p - 1] in self.allowed for p in self.positions):
            return False
        if self.suffix_lo:
            tail = bare[3:]
            if self.suffix_hi:
                if not (
                    tail[: len(self.suffix_lo)] >= self.suffix_lo
                    and tail[: len(self.suffix_hi)] <= self.suffix_hi
                ):
                    return False
            elif not tail.startswith(self.suffix_lo):
                return False
        return True

    def __str__(self) -> str:
        low, high = icd10cm_with_dot(self.low), icd10cm_with_dot(self.high)
        return low if low == high else f"{low}-{high}"


def _qualify(ref: CodeRef, qualifier: str) -> CodeRef | None:
    """Apply a 'with ...' qualifier, or None when it is not understood."""
    text = qualifier.strip().lower()
    if not text:
        return ref
    match = _POSITION_RE.fullmatch(text)
    if match:
        positions = []
        for word in (match.group("pos"), match.group("pos2")):
            if word is None:
                continue
            if word not in _POSITION_WORDS:
                return None
            positions.append(_POSITION_WORDS[word])
        lo, hi = match.group("lo").upper(), (match.group("hi") or match.group("lo")).upper()
        allowed = "".join(chr(c) for c in range(ord(lo), ord(hi) + 1))
        return CodeRef(ref.low, ref.high, positions=tuple(positions), allowed=allowed)
    match = _SUFFIX_RE.fullmatch(text)
    if match:
        return CodeRef(
            ref.low,
            ref.high,
            suffix_lo=match.group("lo").upper(),
            suffix_hi=(match.group("hi") or "").upper(),
        )
    return None


def parse_references(text: str) -> tuple[CodeRef, ...]:
    """Every code reference in the parenthesised parts of a note."""
    refs: list[CodeRef] = []
    for group in _PAREN.findall(text):
        previous: CodeRef | None = None
        for item in group.split(","):
            tokens = list(_CODE_TOKEN.finditer(item))
            if not tokens:
                # ", with sixth character 5" qualifies the reference before it
                if previous is not None and item.strip().lower().startswith("with"):
                    qualified = _qualify(previous, item)
                    refs.remove(previous)
                    if qualified is not None:
                        refs.append(qualified)
                    previous = None
                continue
            first = tokens[0]
            if first.start() > 0 and item[: first.start()].strip():
                previous = None
                continue  # words before the code: not a plain reference
            ref: CodeRef | None
            end = first.end()
            if len(tokens) >= 2 and re.fullmatch(r"[\s.]*-[\s.-]*", item[end : tokens[1].start()]):
                ref = CodeRef(_bare(first.group()), _bare(tokens[1].group()))
                end = tokens[1].end()
                rest_tokens = tokens[2:]
            else:
                ref = CodeRef(_bare(first.group()), _bare(first.group()))
                rest_tokens = tokens[1:]
            rest = item[end:].lstrip(".- \t")
            if rest_tokens and not rest.lower().startswith("with"):
                # several codes in one item without commas: take each as a single code
                refs.append(ref)
                for tok in rest_tokens:
                    refs.append(CodeRef(_bare(tok.group()), _bare(tok.group())))
                previous = None
                continue
            ref = _qualify(ref, rest) if rest else ref
            if ref is not None:
                refs.append(ref)
            previous = ref
    return tuple(refs)


# --- a code typed into the wrong list ----------------------------------------------------------

#: The entry rows of a case answer and the code set each takes: diagnoses, CPT/HCPCS Level II
#: procedures, ICD-10-PCS procedures.
ROW_SYSTEMS: tuple[str, ...] = ("icd10cm", "procedure", "pcs")

_PROCEDURE_SETTINGS = {
    "inpatient": "inpatient facility procedures are reported with ICD-10-PCS",
    "professional": "professional services are reported with CPT or HCPCS Level II",
    "outpatient-facility": "outpatient facility procedures are reported with CPT or HCPCS Level II",
}


#: The first character of an ICD-10-PCS code: its section (0-9 medical and surgical to
#: chiropractic, B imaging, C nuclear medicine, D radiation therapy, F rehabilitation, G mental
#: health, H substance abuse, X new technology).
_PCS_SECTIONS = "0123456789BCDFGHX"


def _undotted(raw: object) -> str:
    """The typed code upper-cased, without the dot a diagnosis list's normalisation puts after the
    third character of anything (99213 becomes 992.13 there) unless it is an ICD-10-CM shape."""
    text = normalize_cpt(raw)
    if text[3:4] == "." and not looks_like_icd10cm(text):
        text = text[:3] + text[4:]
    return text


def code_systems_by_shape(raw: object) -> frozenset[str]:
    """The code sets whose shape a typed code has, among ICD-10-CM, CPT, HCPCS Level II and
    ICD-10-PCS (J1100 is HCPCS Level II, or ICD-10-CM J11.00 written without its dot; a PCS code
    starts with the character of a PCS section)."""
    text = _undotted(raw)
    shapes = (
        ("icd10cm", looks_like_icd10cm(text)),
        ("cpt", is_cpt_shape(text)),
        ("hcpcs", is_hcpcs_shape(text)),
        ("pcs", is_pcs_shape(text) and text[0] in _PCS_SECTIONS),
    )
    return frozenset(name for name, fits in shapes if fits)


#: Per row, the code sets that belong in it, and the others in the order a misplaced code is named.
_ROW_FITS = {
    "icd10cm": (("icd10cm",), ("pcs", "cpt")),
    "procedure": (("cpt", "hcpcs"), ("pcs", "icd10cm")),
    "pcs": (("pcs",), ("cpt", "hcpcs", "icd10cm")),
}
_SYSTEM_NAMES = {
    "icd10cm": "an ICD-10-CM diagnosis code",
    "cpt": "a CPT code",
    "hcpcs": "a HCPCS Level II code",
    "pcs": "an ICD-10-PCS procedure code",
}


def wrong_system(row: str, raw: object, setting: str | None = None) -> str | None:
    """The message for a code typed into the row of another code set, told by its shape before
    it is looked up: a CPT or HCPCS code in a PCS row, a PCS or CPT code in a diagnosis row, an
    ICD-10-CM or PCS code in a CPT/HCPCS row. ``row`` is one of ``ROW_SYSTEMS``; ``setting`` (the
    case's) words the message about procedures. None when the code has the shape of the row's
    set (it may still not exist: the checker says so) or of no set at all."""
    if row not in _ROW_FITS:
        return None
    fits = code_systems_by_shape(raw)
    belongs, others = _ROW_FITS[row]
    if fits & set(belongs):
        return None
    system = next((name for name in others if name in fits), None)
    if system == "icd10cm" and row == "procedure":
        # only when the dot (or a bare category, I10) says so: J1100X4 is HCPCS with its units
        text = _undotted(raw)
        system = system if "." in text or len(text) == 3 else None
    if system is None:
        return None
    code = normalize_icd10cm(raw) if system == "icd10cm" else _undotted(raw)
    what = f"{code} is {_SYSTEM_NAMES[system]}"
    if row == "icd10cm":
        return f"{what}; diagnoses are ICD-10-CM."
    if system == "icd10cm":
        where = "ICD-10-PCS" if row == "pcs" else "CPT or HCPCS Level II"
        return f"{what}; diagnoses go in the diagnosis list, and procedures here are {where}."
    if row == "pcs":
        return f"{what}; {_PROCEDURE_SETTINGS['inpatient']}."
    if setting == "inpatient":
        return f"{what}; it goes in the ICD-10-PCS list, and this list is for CPT or HCPCS Level II codes."
    reason = _PROCEDURE_SETTINGS.get(setting or "", "this list is for CPT or HCPCS Level II codes")
    return f"{what}; {reason}."


# --- the checker ----------------------------------------------------------------------------


class CodeChecker:
    """Checks typed codes and sets of diagnosis codes against a ``CodeSource``.

    Cheap to create; it caches the ancestor chains and parsed note references it looks up, so a
    long-lived instance (one per process or per request) saves queries to a database source.
    """

    CACHE_LIMIT = 20_000

    def __init__(self, source: CodeSource) -> None:
        self.source = source
        self._chains: dict[str, tuple[CodeRecord, ...]] = {}
        self._refs: dict[str, tuple[CodeRef, ...]] = {}

    # --- single codes ---
    def check(self, system: str, raw: object) -> CodeCheck:
        """Check one typed code. ``system``: icd10cm, cpt, hcpcs, pcs, modifier, or ``procedure``
        (CPT or HCPCS Level II, told apart by shape; the result says which). Never raises."""
        text = "" if raw is None else (raw if isinstance(raw, str) else str(raw))
        if system == "icd10cm":
            return self._check_icd10cm(text)
        if system == "procedure":
            kind = classify_procedure_code(text)
            if kind is None:
                code = normalize_cpt(text)
                return CodeCheck(
                    "procedure",
                    text,
                    code,
                    "invalid",
                    self._not_a_procedure(code),
                )
            system = kind
        if system == "cpt":
            return self._check_cpt(text)
        if system == "hcpcs":
            return self._check_hcpcs(text)
        if system == "pcs":
            return self._check_pcs(text)
        if system == "modifier":
            return self._check_modifier(text)
        return CodeCheck(system, text, "", "invalid", f"Unknown code system {system!r}.")

    @staticmethod
    def _not_a_procedure(code: str) -> str:
        if not code:
            return "No procedure code was given."
        return (
            f"{code} is not a CPT or HCPCS Level II code: CPT codes are 5 digits (or 4 digits "
            "and F or T), HCPCS Level II codes a letter A-V and 4 digits."
        )

    def _check_icd10cm(self, text: str) -> CodeCheck:
        code = normalize_icd10cm(text)
        if not code:
            return CodeCheck("icd10cm", text, "", "invalid", "No diagnosis code was given.")
        if not looks_like_icd10cm(code):
            return CodeCheck(
                "icd10cm",
                text,
                code,
                "invalid",
                f"{code} is not an ICD-10-CM code: a code is a letter, a digit, a letter or "
                "digit, then up to four more characters after a dot (E11.22, S72.21XA).",
                suggestions=tuple(self.source.nearest(code, 5))
                if re.match(r"[A-Z][0-9]", code, re.ASCII)
                else (),
            )
        rec = self.source.get(code)
        if rec is not None and rec.kind in ("chapter", "block"):
            rec = None
        if rec is not None:
            if rec.reportable:
                return CodeCheck("icd10cm", text, code, "reportable", rec.description, rec.description)
            return self._incomplete(text, rec)
        return self._not_found(text, code)

    def _needs_seventh(self, rec: CodeRecord) -> tuple[bool, list[str]]:
        children = self.source.children(rec.code)
        needs = (
            bool(rec.seventh)
            and bool(children)
            and all(
                len(_bare(c)) == 7 and _bare(c)[:-1].rstrip("X") == _bare(rec.code).rstrip("X")
                for c in children
            )
        )
        return needs, children

    def _seventh_message(self, typed: str, rec: CodeRecord, children: list[str]) -> str:
        chars = [c[-1] for c in children]
        meanings = ", ".join(f"{ch} {rec.seventh.get(ch, '')}".strip() for ch in chars)
        example = children[0] if children else ""
        bare = _bare(rec.code)
        if len(bare) < 6:
            tail = f"positions before it are filled with the placeholder X: {example}"
        else:
            tail = f"for example {example}"
        return f"{typed} needs a 7th character ({meanings}); {tail}."

    def _incomplete(self, text: str, rec: CodeRecord, typed: str | None = None) -> CodeCheck:
        typed = typed or rec.code
        needs_seventh, children = self._needs_seventh(rec)
        if needs_seventh:
            return CodeCheck(
                "icd10cm",
                text,
                typed,
                "incomplete",
                self._seventh_message(typed, rec, children),
                rec.description,
                missing="7th character",
            )
        position = len(_bare(rec.code)) + 1
        label = "a category" if rec.kind == "category" else "a subcategory"
        return CodeCheck(
            "icd10cm",
            text,
            typed,
            "incomplete",
            f"{rec.code} is {label}: a {ordinal(position)} character is required ({_list_codes(children)}).",
            rec.description,
            missing="more characters",
        )

    def _not_found(self, text: str, code: str) -> CodeCheck:
        bare = _bare(code)
        # S72.21X: placeholders typed but no 7th character
        stripped = bare.rstrip("X")
        if stripped != bare and len(stripped) >= 3:
            base = self.source.get(icd10cm_with_dot(stripped))
            if base is not None and not base.reportable and self._needs_seventh(base)[0]:
                return self._incomplete(text, base, typed=code)
        # S7221A: a 7th character typed without the placeholder X
        if 4 <= len(bare) <= 6:
            base_code = icd10cm_with_dot(bare[:-1].rstrip("X") or bare[:-1])
            base = self.source.get(base_code)
            char = bare[-1]
            if base is not None and base.seventh and char in base.seventh:
                padded = _bare(base.code).ljust(6, "X") + char
                fixed = icd10cm_with_dot(padded)
                fixed_rec = self.source.get(fixed)
                if fixed_rec is not None and fixed_rec.reportable:
                    others = [c for c in self.source.nearest(code, 5) if c != fixed]
                    return CodeCheck(
                        "icd10cm",
                        text,
                        code,
                        "invalid",
                        f"{code} is not a code: the 7th character goes in the 7th position, "
                        f"and the empty positions before it are filled with the placeholder X: "
                        f"{fixed}.",
                        suggestions=tuple([fixed, *others][:5]),
                    )
        suggestions = tuple(self.source.nearest(code, 5))
        hint = f" Nearest codes: {', '.join(suggestions)}." if suggestions else ""
        return CodeCheck(
            "icd10cm",
            text,
            code,
            "invalid",
            f"{code} is not an ICD-10-CM code.{hint}",
            suggestions=suggestions,
        )

    def _check_cpt(self, text: str) -> CodeCheck:
        code = normalize_cpt(text)
        if not is_cpt_shape(code):
            return CodeCheck(
                "cpt",
                text,
                code,
                "invalid",
                f"{code or 'This'} is not a CPT code: CPT codes are 5 digits, or 4 digits "
                "followed by F (Category II) or T (Category III).",
            )
        if self.source.cpt_loaded():
            description = self.source.cpt(code)
            if description is None:
                return CodeCheck("cpt", text, code, "invalid", f"{code} is not in the loaded CPT code set.")
            return CodeCheck("cpt", text, code, "reportable", description, description)
        return CodeCheck("cpt", text, code, "reportable", CPT_WITHOUT_DESCRIPTOR)

    def _check_hcpcs(self, text: str) -> CodeCheck:
        code = normalize_hcpcs(text)
        if not is_hcpcs_shape(code):
            return CodeCheck(
                "hcpcs",
                text,
                code,
                "invalid",
                f"{code or 'This'} is not a HCPCS Level II code: a letter A-V followed by four "
                "digits (J1100).",
            )
        description = self.source.hcpcs(code)
        if description is None:
            where = (
                "the loaded HCPCS Level II table"
                if self.source.hcpcs_loaded()
                else "the HCPCS Level II codes this site knows (no CMS HCPCS file is loaded)"
            )
            return CodeCheck("hcpcs", text, code, "invalid", f"{code} is not in {where}.")
        if code.startswith("D") and description in ("", code):
            return CodeCheck("hcpcs", text, code, "reportable", CDT_WITHOUT_DESCRIPTOR)
        return CodeCheck("hcpcs", text, code, "reportable", description, description)

    def _check_pcs(self, text: str) -> CodeCheck:
        code = normalize_pcs(text)
        if not is_pcs_shape(code):
            if len(code) != 7:
                why = f"ICD-10-PCS codes have exactly 7 characters ({code} has {len(code)})"
            elif "I" in code or "O" in code:
                why = "ICD-10-PCS never uses the letters I and O (to avoid confusion with 1 and 0)"
            else:
                why = "ICD-10-PCS codes use only digits and the letters A-H, J-N and P-Z"
            return CodeCheck(
                "pcs", text, code, "invalid", f"{code or 'This'} is not an ICD-10-PCS code: {why}."
            )
        if self.source.pcs_loaded():
            description = self.source.pcs(code)
            if description is None:
                return self._pcs_not_a_code(text, code)
            return CodeCheck("pcs", text, code, "reportable", description, description)
        return CodeCheck("pcs", text, code, "reportable", "ICD-10-PCS code (valid structure)")

    def _pcs_not_a_code(self, text: str, code: str) -> CodeCheck:
        """A well-formed PCS code that is not in the loaded set: the valid codes of its table's row
        that shares the most leading values (``suggest``), or that the table does not exist."""
        rows = self.source.pcs_rows(code[:3])
        where = self.source.pcs_set_name()
        if not rows:
            message = f"{code} is not a valid {where} code: there is no table {code[:3]}."
            return CodeCheck("pcs", text, code, "invalid", message)
        suggestions = tuple(suggest(code, rows))
        message = f"{code} is not a valid {where} code; valid codes in the same table row: {_list_codes(suggestions)}."
        return CodeCheck("pcs", text, code, "invalid", message, suggestions=suggestions)

    def _check_modifier(self, text: str) -> CodeCheck:
        code = normalize_modifier(text)
        if not is_modifier_shape(code):
            return CodeCheck(
                "modifier",
                text,
                code,
                "invalid",
                f"{code or 'This'} is not a modifier: modifiers are two letters or digits.",
            )
        description = self.source.modifier(code)
        if description is None:
            return CodeCheck("modifier", text, code, "invalid", f"{code} is not a known modifier.")
        return CodeCheck("modifier", text, code, "reportable", description, description)

    # --- sets of diagnosis codes ---
    def chain(self, code: str) -> tuple[CodeRecord, ...]:
        """The record of ``code`` and of every ancestor up to its chapter (empty if unknown)."""
        if code in self._chains:
            return self._chains[code]
        chain: list[CodeRecord] = []
        current = self.source.get(code)
        guard = 0
        while current is not None and guard < 20:
            chain.append(current)
            current = self.source.get(current.parent) if current.parent else None
            guard += 1
        result = tuple(chain)
        if len(self._chains) >= self.CACHE_LIMIT:  # typed garbage must not grow a worker's memory
            self._chains.clear()
        self._chains[code] = result
        return result

    def references(self, note: str) -> tuple[CodeRef, ...]:
        """``parse_references`` with a cache."""
        if note not in self._refs:
            if len(self._refs) >= self.CACHE_LIMIT:
                self._refs.clear()
            self._refs[note] = parse_references(note)
        return self._refs[note]

    def is_manifestation(self, code: str) -> tuple[bool, str]:
        """(True, the code-first note) for a code that must not be listed first."""
        chain = [r for r in self.chain(code) if r.kind not in ("chapter", "block")]
        note = next(
            ("; ".join(_groups(r.notes["code_first"])) for r in chain if r.notes.get("code_first")),
            "",
        )
        elsewhere = any("classified elsewhere" in r.description.lower() for r in chain)
        return bool(note) and elsewhere, note

    def conflicts(self, diagnoses: Sequence[str]) -> list[Conflict]:
        """Excludes1 pairs, a manifestation listed first, and "use additional code" hints."""
        codes: list[str] = []
        for raw in diagnoses:
            code = normalize_icd10cm(raw)
            if code and code not in codes:
                codes.append(code)
        known = [c for c in codes if self.chain(c)]
        found = self._excludes1(known)
        if known and known[0] == codes[0]:
            found.extend(self._manifestation_first(known[0]))
        found.extend(self._use_additional(known, codes))
        return found

    def _excludes1(self, known: list[str]) -> list[Conflict]:
        """A conflict per pair of codes that an Excludes1 note of one of them (or of an
        ancestor) names, each pair once."""
        found: list[Conflict] = []
        pairs: set[frozenset[str]] = set()
        for a in known:
            for holder in self.chain(a):
                for note in holder.notes.get("excludes1", ()):
                    refs = self.references(note)
                    if not refs or any(ref.matches(a) for ref in refs):
                        continue
                    for b in known:
                        pair = frozenset((a, b))
                        if b == a or pair in pairs or not any(ref.matches(b) for ref in refs):
                            continue
                        pairs.add(pair)
                        found.append(
                            Conflict(
                                "excludes1",
                                (a, b),
                                f"Excludes1: {a} and {b} are never coded together ({holder.code} excludes {note}).",
                            )
                        )
        return found

    def _manifestation_first(self, first: str) -> list[Conflict]:
        """A conflict when the first code is a manifestation code."""
        manifestation, note = self.is_manifestation(first)
        if not manifestation:
            return []
        # the tabular note usually starts with its own article ("the underlying condition")
        what = note if note.lower().startswith("the ") else f"the {note}"
        return [
            Conflict(
                "code_first",
                (first,),
                f'{first} is a manifestation code ("in diseases classified elsewhere") '
                f"and is never listed first: code first {what}".rstrip(".")
                + ".",
            )
        ]

    def _use_additional(self, known: list[str], codes: list[str]) -> list[Conflict]:
        """A hint per "use additional code" note (of a code or of an ancestor below its block)
        that none of the submitted codes answers, each note once."""
        found: list[Conflict] = []
        seen_groups: set[tuple[str, str]] = set()
        for code in known:
            for holder in self.chain(code):
                if holder.kind in ("chapter", "block"):
                    continue
                for group in _groups(holder.notes.get("use_additional_code", ())):
                    key = (holder.code, group)
                    if key in seen_groups:
                        continue
                    refs = self.references(group)
                    if not refs:
                        continue
                    seen_groups.add(key)
                    if any(ref.matches(other) for ref in refs for other in codes):
                        continue
                    where = "" if holder.code == code else f" (a note at {holder.code})"
                    found.append(
                        Conflict(
                            "use_additional",
                            (code,),
                            f"{code}{where}: use additional {_strip_lead(group)}"
                            + ("" if "if applicable" in group else ", if applicable")
                            + ".",
                        )
                    )
        return found


def _strip_lead(text: str) -> str:
    text = text.strip()
    for lead in ("use additional code", "use additional"):
        if text.lower().startswith(lead):
            text = text[len(lead) :].strip()
    return text if text.lower().startswith("code") else f"code {text}"


def _groups(lines: Sequence[str]) -> list[str]:
    """Join a note line ending in ':' with the lines that list its alternatives."""
    groups: list[str] = []
    current: list[str] | None = None

    def close(group: list[str]) -> str:
        return group[0] + (" " + "; ".join(group[1:]) if len(group) > 1 else "")

    for line in lines:
        if line.endswith(":"):
            if current:
                groups.append(close(current))
            current = [line]
        elif current is not None and not line.lower().startswith(("code ", "use ", "additional ")):
            current.append(line)
        else:
            if current:
                groups.append(close(current))
                current = None
            groups.append(line)
    if current:
        groups.append(close(current))
    return groups
