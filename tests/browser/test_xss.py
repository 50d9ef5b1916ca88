"""XSS in a real browser: a corpus of payloads goes through EVERY Markdown field of an MCQ and a case
authored in the editor (stem, options, rationale, why-not; documentation, task, case rationale), the
items are published, and the editor, its live preview, its no-JavaScript preview and the learner's
pages (practice question and its feedback, the case and its graded result) are opened in Chromium.
No payload may run: no dialog opens, `window.__xss` stays undefined, and no CSP violation is logged
(the sanitiser must remove what the CSP would otherwise have to block)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import sign_in_page
from tests.xss_corpus import MARKDOWN, PAYLOADS

FAST = 10_000


def _chunks(n: int) -> list[str]:
    """The corpus spread over n one-line fields (option text is one line)."""
    return [" ".join(PAYLOADS[i::n]) for i in range(n)]


@pytest.fixture
def people(live_app, tmp_path):
    from study.services import bank

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        make_user("instructor", email="ina@example.org")
        make_user("learner", email="lee@example.org")


@pytest.fixture
def watch(page):
    """Records dialogs (alert, confirm, prompt) and checks the page for executed payloads."""
    page.set_default_timeout(FAST)
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def check(where: str):
        page.wait_for_timeout(250)  # let error/load handlers of injected elements fire
        assert dialogs == [], f"{where}: a payload opened a dialog: {dialogs}"
        assert page.evaluate("typeof window.__xss") == "undefined", f"{where}: a payload ran"
        csp = [e for e in page.js_errors if "Content Security Policy" in e or "Refused to" in e]
        assert csp == [], f"{where}: CSP violations: {csp}"
        # the sanitised markup has no script, handler, style, frame or javascript: URL
        bad = page.evaluate(
            """() => {
                const out = [];
                document.querySelectorAll('main *').forEach(el => {
                    const risky = ['SCRIPT','IFRAME','OBJECT','EMBED','STYLE','SVG','IMG','BASE','META','LINK'];
                    if (risky.includes(el.tagName.toUpperCase()) && !el.closest('form[data-authoring] textarea')) {
                        if (el.tagName.toUpperCase() !== 'SCRIPT' || !el.src.endsWith('.js')) out.push(el.tagName);
                    }
                    for (const a of el.attributes) {
                        if (a.name.startsWith('on') || a.name === 'style' || a.name === 'srcdoc') out.push(el.tagName + '@' + a.name);
                        const urlish = ['href','src','action','formaction','data','xlink:href'].includes(a.name);
                        const scheme = /^\\s*(javascript|vbscript|data):/i;
                        if (urlish && scheme.test(a.value)) out.push(el.tagName + '@' + a.name + '=' + a.value);
                    }
                });
                return out;
            }"""
        )
        assert bad == [], f"{where}: unsafe markup in the page: {bad}"

    return check


def _wait_for_live_preview(page):
    panel = page.locator("[data-preview-panel]")
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-preview-panel]'); return p && p.hasAttribute('data-preview-ready'); }",
        timeout=FAST,
    )
    return panel


def test_xss_corpus_never_runs_in_editor_preview_or_learner_pages(page, people, watch, axe_check):
    assert len(PAYLOADS) >= 50
    sign_in_page(page, "ina@example.org")

    # ---- the MCQ: stem, six options, rationale, five why-not texts
    page.goto("/teach/items/new/mcq")
    axe_check(page)
    page.get_by_label("Item id").fill("xss-mcq-001")
    page.get_by_label("CPC", exact=True).check()
    page.get_by_label("Topic").select_option("modifiers")
    page.get_by_label("Stem (Markdown)").fill(MARKDOWN)
    for letter, text in zip("ABCDEF", _chunks(6), strict=False):
        page.get_by_label(f"Option {letter}", exact=True).fill(f"{letter}{letter} {text}")
    page.locator("#answer-0").check()  # A
    page.get_by_label("Rationale (Markdown)").fill(MARKDOWN)
    for letter in "BCDEF":
        page.get_by_label(f"Why not {letter} (Markdown, optional)").fill(MARKDOWN)
    panel = _wait_for_live_preview(page)
    expect(panel.locator(".stem")).to_contain_text("md link")  # the live preview shows the item
    watch("editor with the live preview (MCQ)")
    page.get_by_role("button", name="Preview").click()  # the no-JavaScript preview
    expect(page.locator("[data-preview-panel] .stem")).to_contain_text("md link")
    watch("no-JavaScript preview (MCQ)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("as a draft")).to_be_visible()
    watch("editor of the saved MCQ")
    axe_check(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-status]")).to_have_text("published")
    watch("published MCQ")

    # ---- the case: documentation, task, rationale
    page.goto("/teach/items/new/case")
    axe_check(page)
    page.get_by_label("Item id").fill("xss-case-001")
    page.get_by_label("CPC", exact=True).check()
    page.get_by_label("Topic").select_option("em")
    page.get_by_label("Setting").select_option("professional")
    page.get_by_label("Documentation (Markdown)").fill(MARKDOWN)
    page.get_by_label("Task (Markdown, optional)").fill(MARKDOWN)
    page.get_by_label("Key: diagnoses").fill("E11.9")
    page.get_by_label("Key: procedures (CPT/HCPCS)").fill("99213")
    page.get_by_label("Rationale (Markdown)").fill(MARKDOWN)
    _wait_for_live_preview(page)
    expect(page.locator("[data-preview-panel] .record")).to_contain_text("md link")
    watch("editor with the live preview (case)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("as a draft")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-status]")).to_have_text("published")
    watch("published case")
    page.get_by_role("link", name="Try an answer against the saved key").click()
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("E11.9")
    page.get_by_role("button", name="Grade this answer").click()
    expect(page.locator("[data-try-result]")).to_contain_text("Score")
    watch("try an answer (case)")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()

    # ---- the learner: practice question, its feedback, the case and its result
    sign_in_page(page, "lee@example.org")
    page.goto("/practice?topic=modifiers&size=1")
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator(".stem")).to_contain_text("md link")
    watch("practice question")
    page.locator("input[name=answer]").first.check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".rationale")).to_contain_text("md link")
    watch("practice feedback")

    page.goto("/cases")
    page.locator("a[href$='/cases/xss-case-001']").click()
    expect(page.locator(".record")).to_contain_text("md link")
    watch("case page")
    page.locator("#dx-0").fill("E11.9")
    page.locator("#px-0").fill("99213")
    page.get_by_role("button", name="Grade my answer").click()
    page.locator("[data-grade-dialog]").get_by_role("button", name="Grade now").click()
    expect(page.locator(".rationale")).to_contain_text("md link")
    watch("case result")
