"""Remittance (ERA/EOB) exercises: the remittance the learner reads, its key, and the form's answers.

``parse_remit(raw) -> (Remit | None, problems)`` reads the ``remit`` mapping of a ``type:
remittance`` item (docs: billing format) and checks it:

- every adjustment's group is one of ``GROUPS`` (CO, PR, OA, PI) and its CARC is in CodePrep's
  list; every remark is in the RARC list; modifiers are in the modifier list;
- amounts have at most two decimals (they are kept as ``Decimal`` to the cent); a line's money
  amounts are not negative (an adjustment may be, e.g. a reversal);
- dates are ``MM/DD/YYYY`` (or YAML dates);
- each line adds up: ``billed - sum(adjustments) == paid``; and its ``PR`` adjustments equal
  the deductible, coinsurance and copay (PR-1, PR-2 and PR-3 adjustments; other PR reasons, such
  as 204, are the patient's too but none of the three).

``problems`` is a list of ``(path, message)``; paths are ``payer``, ``paid_date``,
``lines.N.FIELD``, ``lines.N.adjustments.M.carc``, ``claim_adjustments.M.amount`` (N and M from 1).
The ``Remit`` is ``None`` only when some value could not be read at all; a remittance that reads
but does not add up (or names an unknown code) comes back with its problems, so the key can still
be checked against it.

``parse_remit_key(raw, remit) -> (key lines, problems)`` reads the key (``{"lines": [...]}`` or the
list itself): one ``KeyLine`` per remit line, whose ``patient_responsibility`` and ``write_off``
must equal the line's ``PR`` and ``CO`` sums (a key that disagrees with its own remittance is an
error), ``action`` one of ``ACTIONS`` (or a list of ``{action, credit}``, 0 <= credit <= 1, at least
one with credit 1) and optional ``evidence`` (one of ``EVIDENCE``, only with an ``appeal`` action).

``answers_from_form(form, line_count)`` reads the HTML form (``lines-N-patient_responsibility``,
``lines-N-write_off``, ``lines-N-action``, ``lines-N-evidence``) into ``LineAnswer``s; it never
raises and keeps whatever text was typed, so the grader can say "not an amount".

Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from study.billing.codes import GROUPS, carc, rarc
from study.codes.loaders import load_modifier_list

__all__ = [
    "ACTIONS",
    "EVIDENCE",
    "Adjustment",
    "KeyLine",
    "LineAnswer",
    "Problem",
    "Remit",
    "RemitLine",
    "answers_from_form",
    "money",
    "parse_amount",
    "parse_amount_text",
    "parse_remit",
    "parse_remit_key",
]

#: What the biller does next with a remittance line.
ACTIONS = ("accept", "correct-resubmit", "appeal", "bill-secondary", "bill-patient", "write-off")
#: What an appeal sends with it.
EVIDENCE = ("medical-records", "prior-authorization", "timely-filing-proof", "primary-eob", "corrected-claim", "referral")
#: The line's money fields besides the adjustments, in display order.
AMOUNT_FIELDS = ("billed", "allowed", "deductible", "coinsurance", "copay", "paid")
#: The most lines the form reader will look at (a remittance exercise has a handful).
MAX_FORM_LINES = 50

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: ``(path, message)``
Problem = tuple[str, str]

_DATE_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)
_AMOUNT_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_CODE_RE = re.compile(r"\d{4}[0-9FTU]|[A-V]\d{4}", re.ASCII)


def money(amount: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"$1,234.50"``; negatives as ``"-$5.00"``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@dataclass(frozen=True)
class Adjustment:
    """One adjustment: group code (CO, PR, OA, PI), CARC, amount (positive reduces payment)."""

    group: str
    carc: str
    amount: Decimal

    @property
    def label(self) -> str:
        """``"CO-45"``"""
        return f"{self.group}-{self.carc}"


@dataclass(frozen=True)
class RemitLine:
    """One service line of a remittance."""

    line: int
    dos: dt.date
    code: str
    modifiers: tuple[str, ...]
    billed: Decimal
    allowed: Decimal
    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal
    paid: Decimal
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]

    def group_total(self, group: str) -> Decimal:
        """The sum of this line's adjustments in ``group`` (``ZERO`` when there are none)."""
        return sum((a.amount for a in self.adjustments if a.group == group), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        """What the patient owes for the line: its ``PR`` adjustments."""
        return self.group_total("PR")

    @property
    def write_off(self) -> Decimal:
        """What the provider may not bill the patient: the line's ``CO`` adjustments."""
        return self.group_total("CO")

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True)
class Remit:
    """A payer's remittance for one claim, as the learner sees it."""

    payer: str
    claim_number: str
    patient: str
    paid_date: dt.date
    check_number: str
    lines: tuple[RemitLine, ...]
    claim_adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True)
class KeyLine:
    """The key of one remit line. ``actions`` is ``((action, credit), ...)``, best first."""

    patient_responsibility: Decimal
    write_off: Decimal
    actions: tuple[tuple[str, Fraction], ...]
    evidence: str | None = None

    @property
    def best_action(self) -> str:
        """The first action with full credit."""
        return next(action for action, credit in self.actions if credit == 1)

    def credit(self, action: str) -> Fraction:
        """The credit ``action`` earns (0 when the key does not list it)."""
        return next((credit for listed, credit in self.actions if listed == action), Fraction(0))


@dataclass(frozen=True)
class LineAnswer:
    """What the learner typed for one line, as text (trimmed; ``""`` when left blank)."""

    patient_responsibility: str = ""
    write_off: str = ""
    action: str = ""
    evidence: str = ""


# --- reading values ------------------------------------------------------------------------------


def parse_amount(value: object) -> Decimal | None:
    """A money amount from YAML: an int, a float, a Decimal or a numeric string with at most two
    decimals, as a ``Decimal`` to the cent; ``None`` when it is not one (booleans, 1.005, "abc")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        if _AMOUNT_RE.fullmatch(text) is None:
            return None
    else:
        return None
    try:
        number = Decimal(text)
        if not number.is_finite() or number != number.quantize(CENT):  # more than two decimals
            return None
        return number.quantize(CENT) + ZERO  # + ZERO: no -0.00
    except InvalidOperation:  # too many digits to quantize
        return None


def parse_amount_text(text: str) -> Decimal | None:
    """An amount the learner typed: ``"16"``, ``"16.00"``, ``"$1,016.5"``, ``"-$3"``; ``None`` if not."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:]
    cleaned = cleaned.removeprefix("$")
    if not cleaned or cleaned[0] in "+-":
        return None
    return parse_amount(sign + cleaned)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_RE.fullmatch(value.strip())
        if match:
            month, day, year = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class _Reader:
    """Collects problems while reading; ``broken`` when some value could not be read at all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.broken = False

    def fail(self, path: str, message: str, *, broken: bool = True) -> None:
        self.problems.append((path, message))
        self.broken = self.broken or broken

    def text(self, raw: Mapping[str, object], key: str, path: str) -> str:
        value = _text(raw.get(key))
        if value is None:
            self.fail(path, "required: a non-empty text")
            return ""
        return value

    def amount(self, value: object, path: str, *, negative_ok: bool = False) -> Decimal:
        amount = parse_amount(value)
        if amount is None:
            self.fail(path, f"{value!r} is not an amount with at most two decimals")
            return ZERO
        if amount < 0 and not negative_ok:
            self.fail(path, f"{money(amount)}: this amount cannot be negative", broken=False)
        return amount

    def date(self, value: object, path: str) -> dt.date:
        date = _date(value)
        if date is None:
            self.fail(path, f"{value!r} is not a real date MM/DD/YYYY")
            return dt.date(1900, 1, 1)
        return date

    def adjustments(self, value: object, path: str) -> tuple[Adjustment, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "a list of {group, carc, amount}")
            return ()
        known = carc()
        result = []
        for m, raw in enumerate(value, start=1):
            where = f"{path}.{m}"
            if not isinstance(raw, Mapping):
                self.fail(where, "an adjustment is a mapping {group, carc, amount}")
                continue
            group = str(raw.get("group", "")).strip().upper()
            if group not in GROUPS:
                self.fail(f"{where}.group", f"{group or 'nothing'}: the group is one of {', '.join(GROUPS)}", broken=False)
            code = _text(raw.get("carc"))
            code = code.upper() if code else ""
            if code not in known:
                self.fail(f"{where}.carc", f"{code or 'nothing'} is not in CodePrep's CARC list", broken=False)
            amount = self.amount(raw.get("amount"), f"{where}.amount", negative_ok=True)
            result.append(Adjustment(group, code, amount))
        return tuple(result)


def _line(reader: _Reader, raw: object, n: int, modifiers: Mapping[str, str], remarks: Mapping[str, str]) -> RemitLine | None:
    path = f"lines.{n}"
    if not isinstance(raw, Mapping):
        reader.fail(path, "a remit line is a mapping")
        return None
    number = raw.get("line")
    if isinstance(number, bool) or not isinstance(number, int) or number != n:
        reader.fail(f"{path}.line", f"the line number is {n} (lines are numbered in order from 1)", broken=False)
    dos = reader.date(raw.get("dos"), f"{path}.dos")
    code = raw.get("code")
    if not isinstance(code, str) or _CODE_RE.fullmatch(code.strip().upper()) is None:
        reader.fail(f"{path}.code", f"{code!r}: a CPT or HCPCS Level II code, quoted")
        code = ""
    code = code.strip().upper()
    mods_raw = raw.get("modifiers") or []
    mods: list[str] = []
    if not isinstance(mods_raw, list) or len(mods_raw) > 4:
        reader.fail(f"{path}.modifiers", "a list of up to four modifiers")
    else:
        for modifier in mods_raw:
            text = f"{modifier:02d}" if isinstance(modifier, int) and not isinstance(modifier, bool) else str(modifier).strip().upper()
            if text not in modifiers:
                reader.fail(f"{path}.modifiers", f"{text} is not in CodePrep's modifier list", broken=False)
            mods.append(text)
    amounts = {
        name: reader.amount(raw.get(name, 0 if name in ("deductible", "coinsurance", "copay") else None), f"{path}.{name}")
        for name in AMOUNT_FIELDS
    }
    adjustments = reader.adjustments(raw.get("adjustments"), f"{path}.adjustments")
    remark_codes: list[str] = []
    remarks_raw = raw.get("remarks") or []
    if not isinstance(remarks_raw, list):
        reader.fail(f"{path}.remarks", "a list of RARC codes")
    else:
        for remark in remarks_raw:
            text = str(remark).strip().upper()
            if text not in remarks:
                reader.fail(f"{path}.remarks", f"{text} is not in CodePrep's RARC list", broken=False)
            remark_codes.append(text)
    line = RemitLine(
        line=n,
        dos=dos,
        code=code,
        modifiers=tuple(mods),
        adjustments=adjustments,
        remarks=tuple(remark_codes),
        **amounts,
    )
    if line.billed - line.adjusted != line.paid:
        reader.fail(
            f"{path}.paid",
            f"the line does not add up: billed {money(line.billed)} − adjustments {money(line.adjusted)} = "
            f"{money(line.billed - line.adjusted)}, not paid {money(line.paid)}",
            broken=False,
        )
    # the patient's shares: PR-1 is the deductible, PR-2 the coinsurance, PR-3 the copay (other PR
    # reasons, such as 204 "not covered", are the patient's too but none of the three)
    for carc_code, name in (("1", "deductible"), ("2", "coinsurance"), ("3", "copay")):
        adjusted = sum((a.amount for a in line.adjustments if a.group == "PR" and a.carc == carc_code), ZERO)
        if adjusted != getattr(line, name):
            reader.fail(
                f"{path}.{name}",
                f"{name} {money(getattr(line, name))} but the PR-{carc_code} adjustments total {money(adjusted)}",
                broken=False,
            )
    return line


def parse_remit(raw: object) -> tuple[Remit | None, list[Problem]]:
    """Read and check a remittance (see the module docstring)."""
    reader = _Reader()
    if not isinstance(raw, Mapping):
        return None, [("remit", "the remittance is a mapping")]
    payer = reader.text(raw, "payer", "payer")
    claim_number = reader.text(raw, "claim_number", "claim_number")
    patient = reader.text(raw, "patient", "patient")
    paid_date = reader.date(raw.get("paid_date"), "paid_date")
    check_number = reader.text(raw, "check_number", "check_number")
    lines_raw = raw.get("lines")
    lines: list[RemitLine] = []
    if not isinstance(lines_raw, list) or not lines_raw:
        reader.fail("lines", "a list of at least one remit line")
    else:
        modifiers, remarks = load_modifier_list(), rarc()
        for n, line_raw in enumerate(lines_raw, start=1):
            line = _line(reader, line_raw, n, modifiers, remarks)
            if line is not None:
                lines.append(line)
    claim_adjustments = reader.adjustments(raw.get("claim_adjustments"), "claim_adjustments")
    if reader.broken:
        return None, reader.problems
    remit = Remit(payer, claim_number, patient, paid_date, check_number, tuple(lines), claim_adjustments)
    return remit, reader.problems


# --- the key -------------------------------------------------------------------------------------


def _credit(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        credit = Fraction(Decimal(repr(value) if isinstance(value, float) else str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    return credit if 0 <= credit <= 1 else None


def _actions(reader: _Reader, value: object, path: str) -> tuple[tuple[str, Fraction], ...]:
    if isinstance(value, str):
        action = value.strip().lower()
        if action not in ACTIONS:
            reader.fail(path, f"{value!r}: the action is one of {', '.join(ACTIONS)}")
            return ()
        return ((action, Fraction(1)),)
    if not isinstance(value, list) or not value:
        reader.fail(path, "one action, or a list of {action, credit}")
        return ()
    result: list[tuple[str, Fraction]] = []
    for m, entry in enumerate(value, start=1):
        where = f"{path}.{m}"
        if not isinstance(entry, Mapping):
            reader.fail(where, "each entry is {action, credit}")
            continue
        action = str(entry.get("action", "")).strip().lower()
        credit = _credit(entry.get("credit"))
        if action not in ACTIONS:
            reader.fail(f"{where}.action", f"{action or 'nothing'}: the action is one of {', '.join(ACTIONS)}")
            continue
        if credit is None:
            reader.fail(f"{where}.credit", f"{entry.get('credit')!r}: a credit is a number from 0 to 1")
            continue
        if any(action == seen for seen, _ in result):
            reader.fail(f"{where}.action", f"{action} is listed twice")
            continue
        result.append((action, credit))
    if result and not any(credit == 1 for _, credit in result):
        reader.fail(path, "at least one action must earn full credit (credit 1)")
    return tuple(result)


def parse_remit_key(raw: object, remit: Remit | None) -> tuple[list[KeyLine], list[Problem]]:
    """Read and check the key of a remittance exercise (see the module docstring).

    Returns the key lines read (possibly fewer than the remit's when some could not be read) and
    the problems; a key with problems must not be graded.
    """
    reader = _Reader()
    lines_raw = raw.get("lines") if isinstance(raw, Mapping) else raw
    if not isinstance(lines_raw, list):
        return [], [("lines", "the key is a list of lines, one per remit line")]
    if remit is not None and len(lines_raw) != len(remit.lines):
        reader.fail("lines", f"the key has {len(lines_raw)} lines; the remittance has {len(remit.lines)}")
    result: list[KeyLine] = []
    for n, line_raw in enumerate(lines_raw, start=1):
        path = f"lines.{n}"
        if not isinstance(line_raw, Mapping):
            reader.fail(path, "a key line is a mapping")
            continue
        before = len(reader.problems)
        patient = reader.amount(line_raw.get("patient_responsibility"), f"{path}.patient_responsibility", negative_ok=True)
        write_off = reader.amount(line_raw.get("write_off"), f"{path}.write_off", negative_ok=True)
        actions = _actions(reader, line_raw.get("action"), f"{path}.action")
        evidence_raw = line_raw.get("evidence")
        evidence: str | None = None
        if evidence_raw not in (None, ""):
            evidence = str(evidence_raw).strip().lower()
            if evidence not in EVIDENCE:
                reader.fail(f"{path}.evidence", f"{evidence_raw!r}: the evidence is one of {', '.join(EVIDENCE)}")
            elif not any(action == "appeal" for action, _ in actions):
                reader.fail(f"{path}.evidence", "evidence goes with an appeal: list appeal among the actions")
        remit_line = remit.lines[n - 1] if remit is not None and n <= len(remit.lines) else None
        if remit_line is not None:
            if patient != remit_line.patient_responsibility:
                reader.fail(
                    f"{path}.patient_responsibility",
                    f"{money(patient)} disagrees with the line's PR adjustments ({money(remit_line.patient_responsibility)})",
                )
            if write_off != remit_line.write_off:
                reader.fail(
                    f"{path}.write_off",
                    f"{money(write_off)} disagrees with the line's CO adjustments ({money(remit_line.write_off)})",
                )
        if len(reader.problems) == before:
            result.append(KeyLine(patient, write_off, actions, evidence))
    return result, reader.problems


# --- the form ------------------------------------------------------------------------------------


def _form_value(form: Mapping[str, object], name: str) -> str:
    try:
        value = form.get(name)
    except Exception:  # noqa: BLE001 (whatever the form object does, a field reads as blank)
        return ""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None:
        return ""
    try:
        return str(value).strip()[:200]
    except Exception:  # noqa: BLE001
        return ""


def answers_from_form(form: Mapping[str, object], line_count: int) -> list[LineAnswer]:
    """The learner's answers from the HTML form, one per line (blank fields are ``""``). Never raises;
    keeps the text as typed (trimmed, at most 200 characters) so the grader can say what is wrong."""
    if not isinstance(form, Mapping):
        form = {}
    try:
        count = max(0, min(int(line_count), MAX_FORM_LINES))
    except (TypeError, ValueError, OverflowError):
        count = 0
    answers = []
    for n in range(1, count + 1):
        prefix = f"lines-{n}-"
        answers.append(
            LineAnswer(
                patient_responsibility=_form_value(form, prefix + "patient_responsibility"),
                write_off=_form_value(form, prefix + "write_off"),
                action=_form_value(form, prefix + "action").lower(),
                evidence=_form_value(form, prefix + "evidence").lower(),
            )
        )
    return answers
