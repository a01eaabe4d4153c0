"""axe-core's WCAG 2.2 A and AA rules on a page the browser has open, as the reader sees it.

The colour rules, four fifths of axe's time on a page, look at one text element per colour
combination: axe's verdict on an element's contrast depends only on its computed text colour,
size, weight and shadow, its parent's text colour (links in text) and the backgrounds and
opacities between it and the first opaque background. Elements that match an element already
checked, on this page or an earlier one in the same scheme, would get the same verdict.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What the colour scheme changes; the other rules look at markup, the same in both schemes.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
OUTSIDE_CODE = {"exclude": [[".highlight"]]}
# One page of each kind, checked whole in both schemes (test_accessibility.py); every other page
# is checked outside its code (test_every_page.py).
PAGE_KINDS = [
    "",
    "questions/",
    "drill/",
    "tags/",
    "labs/rag-pipeline/",
    "labs/fine-tune-encoder/",
    "coding/numpy-classical-ml/",
    "transformers/attention/",
    "system-design/recommendation-search-ads/",
]


AXE_SCRIPT = Axe().axe_script
# The colour rules check only the sampled elements (MARK_NEW_COLOUR_COMBINATIONS), so one axe run
# does every rule: axe's own set-up over the whole page is most of a run's time (about 1 s here),
# whatever the rules or elements it is asked about.
COLOUR_RULES_ON_SAMPLES = """() => axe.configure({ rules: [
  { id: "color-contrast", selector: "[data-axe-sample]" },
  { id: "link-in-text-block", selector: "a[href][data-axe-sample], [role=link][data-axe-sample]" },
] })"""
RUN = "([context, options]) => axe.run(context ?? document, options)"


def violations(page, context: dict | None = None, rules: list[str] | None = None) -> list[str]:
    """axe's WCAG rules (or only `rules`) on the page, the colour rules on the sampled elements."""
    if page.evaluate("typeof axe === 'undefined'"):
        page.evaluate(AXE_SCRIPT)
        page.evaluate(COLOUR_RULES_ON_SAMPLES)
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG}
    result = page.evaluate(RUN, [context, {"runOnly": run_only, "resultTypes": ["violations"]}])
    return [
        f"{v['id']}: {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for v in result["violations"]
        for node in v["nodes"][:3]
    ]


def settle(page) -> None:
    """Wait until the page looks final: KaTeX and its fonts fetched (a formula widens when they
    arrive), code blocks marked, no colour transition running and everything laid out."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_selector("body[data-code-focusable]", state="attached")
    # Material fades colours in over 0.125-0.25 s; axe once read a summary mid-fade (dark text on a
    # light background). Checked colours must be the final ones, so no transition is left running.
    still = "*, *::before, *::after { transition: none !important; animation: none !important; }"
    # Off screen, content-visibility (handbook.css) skips an element's layout and sizes it by an
    # estimate: axe would judge it as a reader never sees it (a table held to its 5em estimate
    # "scrolls"; a code block that scrolls sideways does not yet). Every element is laid out as
    # it is once the reader scrolls to it.
    shown = "* { content-visibility: visible !important; }"
    page.add_style_tag(content=still + shown)
    next_frames(page)


def next_frames(page) -> None:
    """Wait two animation frames: what a script changes in the next frame is in place."""
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def switch_to_dark(page) -> None:
    """The header's toggle, as a reader switches: the same page, now in the dark scheme."""
    page.click("label[for='__palette_1']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    next_frames(page)


# Marks, with data-axe-sample, the visible text elements (outside code unless `withCode`) whose
# colour combination (see the module's docstring) is not in `seen`; returns the new combinations.
MARK_NEW_COLOUR_COMBINATIONS = """([seen, withCode]) => {
  const known = new Set(seen);
  const fresh = [];
  for (const old of document.querySelectorAll("[data-axe-sample]")) old.removeAttribute("data-axe-sample");
  const opaque = (style) => style.backgroundImage === "none" && /^rgb\\(/.test(style.backgroundColor);
  for (const element of document.body.querySelectorAll("*")) {
    const hasText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!hasText || (!withCode && element.closest(".highlight")) || !element.checkVisibility()) continue;
    const own = getComputedStyle(element);
    const parts = [own.color, own.fontSize, own.fontWeight, own.textShadow];
    parts.push(getComputedStyle(element.parentElement).color);
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      parts.push(style.backgroundColor, style.backgroundImage, style.opacity, style.filter);
      if (opaque(style) && style.opacity === "1") break;
    }
    const combination = parts.join("|");
    if (known.has(combination)) continue;
    known.add(combination);
    fresh.push(combination);
    element.setAttribute("data-axe-sample", "");
  }
  return fresh;
}"""
SEEN_COLOURS: set[str] = set()  # combinations already checked in this process, both schemes


def mark_new_colours(page, with_code: bool) -> bool:
    """Mark the text elements whose colour combination is new; False when there are none."""
    fresh = page.evaluate(MARK_NEW_COLOUR_COMBINATIONS, [sorted(SEEN_COLOURS), with_code])
    SEEN_COLOURS.update(fresh)
    return bool(fresh)


# A highlighted block's token spans are most of a page's elements (85% of rag/pipeline's 12,834);
# axe builds its tree and layout grid over every element of the page, whatever it is asked to
# check. Outside code, the spans only cost time: the block's text in place of them is laid out
# the same (one font, the same characters), so everything around it is judged as before.
PLAIN_CODE = """() => {
  for (const code of document.querySelectorAll(".highlight code")) code.textContent = code.textContent;
}"""


def outside_code_in_both_schemes(page) -> list[str]:
    """Every rule outside code in the light scheme, then the colour rules after the header's toggle
    to the dark one."""
    page.evaluate(PLAIN_CODE)
    mark_new_colours(page, with_code=False)
    problems = [f"light: {p}" for p in violations(page, context=OUTSIDE_CODE)]
    switch_to_dark(page)
    if mark_new_colours(page, with_code=False):
        problems += [f"dark: {p}" for p in violations(page, context=OUTSIDE_CODE, rules=COLOUR_RULES)]
    return problems
