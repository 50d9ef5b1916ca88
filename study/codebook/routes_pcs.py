"""The ICD-10-PCS tables in the code book: the index by section, a table as the book prints it, and
building a code in it by choosing values (a GET form; static/js/pcs-table.js narrows the choices
and shows the code's validity as values are chosen, from /api/codes/pcs/<table>)."""

from flask import redirect, render_template, request, url_for

from study.codebook import bp
from study.codes.pcs_tables import BUILD_POSITIONS
from study.security import public
from study.services import pcs_tables


def _chosen(table: str) -> dict[int, str]:
    """The values chosen (`c4`..`c7`), or those of a full code in the address (/codes/pcs/0DTJ4ZZ)."""
    typed = table.replace(" ", "").upper()
    chosen = {p: typed[p - 1] for p in BUILD_POSITIONS} if len(typed) == 7 else {}
    for p in BUILD_POSITIONS:
        value = request.args.get(f"c{p}", "", type=str)[:1].upper()
        if value:
            chosen[p] = value
    return chosen


@bp.route("/codes/pcs")
@public
def pcs_index():
    typed = request.args.get("t", "", type=str).replace(" ", "")[:7]
    if typed:  # the "table or code" box: its table, with a full code's values chosen
        return redirect(url_for("codebook.pcs_table", table=typed.upper()) + "#build")
    return render_template("codebook/pcs_index.html", sections=pcs_tables.index())


@bp.route("/codes/pcs/<table>")
@public
def pcs_table(table: str):
    view = pcs_tables.view(table[:12], _chosen(table[:12]))
    return render_template("codebook/pcs_table.html", view=view, panel=request.args.get("panel") == "1")


@bp.route("/api/codes/pcs/<table>")
@public
def api_pcs_table(table: str):
    """The code being built: what each position still allows, and the code when it is complete."""
    view = pcs_tables.view(table[:12], _chosen(table[:12]))
    built = view.built
    return {
        "table": view.table.code,
        "partial": view.partial,
        "code": built.code,
        "valid": built.valid,
        "description": view.description,
        "allowed": {str(p): built.allowed[p] for p in BUILD_POSITIONS},
    }
