"""The code book: ICD-10-CM search (words, lay terms, codes) and code pages for learners, and the JSON
behind them; a CPT, HCPCS Level II or ICD-10-PCS code typed in full gets a page of its own.

ICD-10-CM is public domain, so the code book is public (career changers use it too)."""

from flask import abort, current_app, render_template, request

from study.codebook import bp
from study.codebook.payloads import check_payload, conflicts_payload, search_payload
from study.codes.checking import wrong_system
from study.codes.notes import note_parts
from study.extensions import limiter
from study.security import public
from study.services import code_book, code_search, codes, pcs_tables
from study.services.cases import SETTINGS

# a search per client address (the setting of the same name overrides it): generous, like the
# JSON search, for the page's search-as-you-type
SEARCH_LIMIT_PER_IP = "120 per minute"
# results on one page of the code book (the JSON search's default is code_search.search's 25)
PAGE_SIZE = 50


def _query() -> str:
    return request.args.get("q", "", type=str)[: code_search.MAX_QUERY]


@bp.route("/codes")
@limiter.limit(
    lambda: current_app.config.get("CODE_SEARCH_LIMIT_PER_IP", SEARCH_LIMIT_PER_IP),
    exempt_when=lambda: not request.args.get("q"),
)
@public
def search():
    query = _query()
    result = code_search.search(query, limit=PAGE_SIZE) if query else None
    groups = code_search.grouped(result) if result else []
    template = "codebook/_results.html" if request.args.get("partial") == "1" else "codebook/search.html"
    return render_template(template, query=query, result=result, groups=groups, panel=request.args.get("panel") == "1")


@bp.app_template_filter("note_parts")
def note_parts_filter(text: str) -> list[tuple[str, str | None]]:
    return note_parts(text)


@bp.route("/codes/<path:code>")
@public
def show(code: str):
    code = code[:20]
    # a CPT, HCPCS Level II or ICD-10-PCS code typed in full: its own page ("J1100" is the HCPCS code)
    other = code_search.other_code_set(code)
    detail = code_book.code_detail(code) if other is None else None
    if other is None and detail is None:
        other = code_search.pcs_result(code)
    if other is not None:
        check = codes.check_code(code, other.system)
        pcs_table = other.system == "pcs" and pcs_tables.exists(check.code[:3])
        return render_template("codebook/other.html", payload=check_payload(check), other=other, pcs_table=pcs_table)
    if detail is None:
        return render_template("codebook/not_found.html", payload=check_payload(codes.check_code(code, "icd10cm"))), 404
    if detail.record.kind in ("chapter", "block"):
        payload = {"status": "header", "message": f"A {detail.record.kind} of the classification, not a code."}
    else:
        payload = check_payload(codes.check_code(detail.record.code, "icd10cm"))
    return render_template("codebook/show.html", payload=payload, detail=detail)


@bp.route("/api/codes/search")
@limiter.limit(SEARCH_LIMIT_PER_IP)
@public
def api_search():
    limit = request.args.get("limit", 25, type=int)
    return search_payload(code_search.search(_query(), limit=limit))


@bp.route("/api/codes/check")
@limiter.limit("240 per minute")
@public
def api_check():
    """The verdict on one typed code (`code`, `system`); for a row of a case's entry form
    (`system` icd10cm, procedure or pcs, and the case's `setting`), a code of another code set is
    told as status "wrong_system" with a message naming its set."""
    raw = request.args.get("code", "", type=str)[:40]
    system = request.args.get("system", type=str)
    if system not in (None, "icd10cm", "cpt", "hcpcs", "pcs", "modifier", "procedure"):
        abort(400)
    payload = check_payload(codes.check_code(raw, system))
    # a code typed into the row of another code set, said before grading (the grader's wrong_system)
    setting = request.args.get("setting", type=str)
    misplaced = wrong_system(system, raw, setting if setting in SETTINGS else None) if system else None
    if misplaced:
        payload.update(status="wrong_system", reportable=False, message=misplaced, description=None, suggestions=[])
    dx = [d for d in request.args.get("with", "", type=str)[:400].split(",") if d.strip()][:25]
    if dx:
        payload["conflicts"] = conflicts_payload(codes.conflicts(dx))
    return payload


@bp.route("/api/codes/conflicts")
@limiter.limit("240 per minute")
@public
def api_conflicts():
    dx = [d for d in request.args.get("dx", "", type=str)[:400].split(",") if d.strip()][:25]
    return {"diagnoses": dx, "conflicts": conflicts_payload(codes.conflicts(dx))}
