"""A billing exercise (a bank ``BillingItem``) read into the billing core: the claim key, the
remittance with its key, or the claim with its planted errors; the validator's checks and the
grading of a learner's response. PURE: no Flask, no database.

The code-set checks come in as a function ``code_problem(system, code) -> message | None``
(``system``: ``icd10cm`` for diagnoses, ``cpt_hcpcs`` for service lines), so the same rules run in
``flask bank validate`` (the code sets in the database) and in tests (a fake).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from study.bank.model import BillingItem
from study.billing import npi as npi_rules
from study.billing.claim import (
    DIAGNOSIS_LETTERS,
    FIELDS,
    LINE_FIELDS,
    MAX_LINES,
    Claim,
    claim_from_form,
    field_paths,
    format_problems,
    parse_claim,
    value_at,
)
from study.billing.remittance import KeyLine, Remit, answers_from_form, parse_remit, parse_remit_key
from study.grading.claim import ClaimReport, grade_claim
from study.grading.remittance import RemittanceReport, grade_remittance
from study.grading.scrubber import PlantedError, ScrubberReport, grade_scrubber, parse_errors

CodeProblem = Callable[[str, str], "str | None"]
Describe = Callable[[str], "str | None"]
Report = ClaimReport | RemittanceReport | ScrubberReport
#: fields holding an NPI (bank files must use fictional ones: starting with 9)
NPI_FIELDS = ("referring_npi", "facility_npi", "billing_npi")


def yaml_path(path: str) -> tuple[Any, ...]:
    """A field path ("lines.2.pointers") as the YAML path under its block ("lines", 1, "pointers")."""
    parts: list[Any] = []
    for part in path.split("."):
        parts.append(int(part) - 1 if part.isdigit() else part)
    return tuple(parts)


@dataclass(frozen=True)
class ClaimExercise:
    key: Claim
    weights: Mapping[str, float]
    rules: Mapping[str, str]


@dataclass(frozen=True)
class RemittanceExercise:
    remit: Remit
    key: tuple[KeyLine, ...]
    rules: Mapping[str, str]


@dataclass(frozen=True)
class ScrubberExercise:
    claim: Claim
    errors: tuple[PlantedError, ...]
    context: Mapping[str, Any]


Exercise = ClaimExercise | RemittanceExercise | ScrubberExercise


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def read(kind: str, spec: Mapping[str, Any]) -> tuple[Exercise | None, list[tuple[tuple[Any, ...], str]]]:
    """The exercise of a spec, and its structural problems as (YAML path, message)."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    if kind == "claim":
        claim, found = parse_claim(_mapping(spec.get("key")), require_all=False)
        problems += [(("key", *yaml_path(p)), m) for p, m in found]
        weights = {str(k): float(v) for k, v in _mapping(spec.get("weights")).items() if isinstance(v, int | float)}
        rules = {str(k): str(v) for k, v in _mapping(spec.get("rules")).items()}
        for block, entries in (("weights", _mapping(spec.get("weights"))), ("rules", rules)):
            for name, value in entries.items():
                if claim is not None and not _names_a_field(claim, name):
                    problems.append(((block, name), f"{block}: {name!r} names no field of the key"))
                if block == "weights" and not (isinstance(value, int | float) and value > 0):
                    problems.append(((block, name), f"weights: {name} must be a positive number"))
        return (ClaimExercise(claim, weights, rules) if claim is not None else None), problems
    if kind == "remittance":
        remit, found = parse_remit(_mapping(spec.get("remit")))
        problems += [(("remit", *yaml_path(p)), m) for p, m in found]
        if remit is None:
            return None, problems
        lines, found = parse_remit_key(_mapping(spec.get("key")), remit)
        problems += [(("key", *yaml_path(p)), m) for p, m in found]
        rules = {str(k): str(v) for k, v in _mapping(spec.get("rules")).items()}
        return RemittanceExercise(remit, tuple(lines), rules), problems
    if kind == "scrubber":
        claim, found = parse_claim(_mapping(spec.get("claim")), require_all=False)
        problems += [(("claim", *yaml_path(p)), m) for p, m in found]
        if claim is None:
            return None, problems
        errors, found = parse_errors(_mapping(spec.get("key")).get("errors"), claim)
        problems += [(("key", *yaml_path(p)), m) for p, m in found]
        return ScrubberExercise(claim, tuple(errors), _mapping(spec.get("context"))), problems
    return None, [(("type",), f"not a billing exercise type: {kind!r}")]


def _names_a_field(claim: Claim, name: str) -> bool:
    paths = set(field_paths(claim))
    if name in paths:
        return True
    if name.startswith("lines.") and name.count(".") == 1:  # lines.FIELD: every line
        return any(p.startswith("lines.") and p.endswith("." + name.split(".")[1]) for p in paths)
    return False


@lru_cache(maxsize=512)
def _cached(kind: str, spec_json: str) -> tuple[Exercise | None, tuple[tuple[tuple[Any, ...], str], ...]]:
    import json

    exercise, problems = read(kind, json.loads(spec_json))
    return exercise, tuple(problems)


def exercise_of(item: BillingItem) -> Exercise:
    """The item's exercise (ValueError when its spec does not read: the validator says why)."""
    exercise, problems = _cached(item.kind, item.spec_json)
    if exercise is None:
        raise ValueError(f"{item.id}: " + "; ".join(m for _, m in problems[:3]))
    return exercise


def check(item: BillingItem, code_problem: CodeProblem | None) -> list[tuple[tuple[Any, ...], str, str]]:
    """Every problem of the exercise: (YAML path, message, "error" | "warning")."""
    exercise, problems = _cached(item.kind, item.spec_json)
    found = [(at, message, "error") for at, message in problems]
    if exercise is None:
        return found
    no_codes: CodeProblem = code_problem or (lambda system, code: None)
    if isinstance(exercise, ClaimExercise | ScrubberExercise):
        block = "key" if isinstance(exercise, ClaimExercise) else "claim"
        claim = exercise.key if isinstance(exercise, ClaimExercise) else exercise.claim
        planted = {e.path for e in exercise.errors} if isinstance(exercise, ScrubberExercise) else set()
        for path, message in format_problems(claim, no_codes).items():
            if path in planted:
                continue
            hint = " (a scrubber's claim may be wrong only where an error is planted)" if planted or block == "claim" else ""
            found.append(((block, *yaml_path(path)), f"{path}: {message}{hint}", "error"))
        for path in field_paths(claim):
            leaf = path.rsplit(".", 1)[-1]
            value = value_at(claim, path)
            if (leaf in NPI_FIELDS or leaf == "npi") and value and path not in planted:
                text = str(value)
                if npi_rules.is_valid(text) and not npi_rules.is_fictional(text):
                    message = f"{path}: NPIs in bank files are fictional: start them with 9 (no real NPI does)"
                    found.append(((block, *yaml_path(path)), message, "error"))
    return found


def code_problem_with(checker: Any) -> CodeProblem:
    """``code_problem`` over a study.codes CodeChecker: ICD-10-CM codes must be reportable;
    service-line codes must be a reportable HCPCS Level II code or have a CPT shape."""

    def problem(system: str, code: str) -> str | None:
        result = checker.check("icd10cm" if system == "icd10cm" else "procedure", code)
        return None if result.reportable else result.message

    return problem


def describe_with(checker: Any) -> Describe:
    def describe(code: str) -> str | None:
        result = checker.check("icd10cm", code)
        return result.description

    return describe


# ------------------------------------------------------------------ the learner's response
def response_from_form(item: BillingItem, form: Mapping[str, str]) -> dict[str, Any]:
    """The stored answer of a submitted form: the fields as typed (text), so that the grade can be
    recomputed from it (regrades) and the form shown again."""
    exercise = exercise_of(item)
    if isinstance(exercise, ScrubberExercise):
        marked = [p for p in field_paths(exercise.claim) if form.get(f"mark-{p}")]
        return {"marked": {p: _typed(form.get(f"fix-{p}")) for p in marked}}
    names = form_names(exercise)
    return {"fields": {name: _typed(form.get(name)) for name in names if _typed(form.get(name))}}


MAX_TYPED = 200  # characters kept of one typed box (the longest real one, an address, is far shorter)


def _typed(value: object) -> str:
    return str(value or "").strip()[:MAX_TYPED]


def form_names(exercise: ClaimExercise | RemittanceExercise) -> tuple[str, ...]:
    """The names of the work form's fields: only these are read and stored (whatever else a
    request carries is ignored)."""
    if isinstance(exercise, RemittanceExercise):
        return tuple(
            f"lines-{n}-{name}"
            for n in range(1, len(exercise.remit.lines) + 1)
            for name in ("patient_responsibility", "write_off", "action", "evidence")
        )
    top = tuple(key for key, spec in FIELDS.items() if spec.kind not in ("diagnoses", "lines"))
    return (
        top
        + tuple(f"diagnoses-{letter}" for letter in DIAGNOSIS_LETTERS)
        + tuple(f"lines-{n}-{name}" for n in range(1, MAX_LINES + 1) for name in LINE_FIELDS)
    )


def grade(item: BillingItem, answer: Mapping[str, Any], describe: Describe | None = None) -> Report:
    """Grade a stored answer (``response_from_form``) against the item."""
    exercise = exercise_of(item)
    if isinstance(exercise, ClaimExercise):
        given = claim_from_form(_mapping(answer.get("fields")))
        return grade_claim(exercise.key, given, weights=exercise.weights, rules=exercise.rules, describe=describe or (lambda c: None))
    if isinstance(exercise, RemittanceExercise):
        answers = answers_from_form(_mapping(answer.get("fields")), len(exercise.remit.lines))
        return grade_remittance(exercise.remit, exercise.key, answers, rules=exercise.rules)
    marked = {str(k): str(v) for k, v in _mapping(answer.get("marked")).items()}
    return grade_scrubber(exercise.claim, exercise.errors, marked)
