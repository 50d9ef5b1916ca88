"""Template rules that axe would only catch once a page is narrow enough: every scrolling table
container is a keyboard-focusable, named region (axe: scrollable-region-focusable)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_table_wrap_is_a_focusable_named_region():
    bad = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<div[^>]*class=\"table-wrap\"[^>]*>", path.read_text(encoding="utf-8")):
            if 'tabindex="0"' not in tag or 'role="region"' not in tag or "aria-label" not in tag:
                bad.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert bad == []
