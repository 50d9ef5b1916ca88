"""Template globals and filters."""
from __future__ import annotations

from flask import Flask

from study.auth.forms import SignOutForm
from study.codes.normalize import procedure_fields
from study.models import Role


def init_app(app: Flask) -> None:
    from study.rendering import render_markdown

    app.add_template_filter(render_markdown, "md")
    app.add_template_global(procedure_fields)  # a procedure's text back into the entry form's row

    @app.context_processor
    def globals_():
        # formdata=None: the layout's form must never read the request body (an over-size body on
        # an error page would raise again)
        return {"sign_out_form": SignOutForm(formdata=None), "Role": Role}
