// Code blocks off screen cost nothing to lay out (content-visibility in handbook.css), and every
// code block or table that scrolls sideways can be reached by keyboard. Nothing here measures the
// page at load: reading a block's scrollWidth forces a layout of the whole page, 0.6 s of main
// thread on the longest page under Lighthouse's mobile throttling when this file checked each
// block that way. A table is measured only once it is on screen, where it is laid out anyway.
document$.subscribe(({ body }) => {
  for (const block of body.querySelectorAll(".highlight")) {
    // A Lab's Markdown cells render code as a bare <pre>, without <code>: then the <pre> scrolls.
    const code = block.querySelector("pre > code") ?? block.querySelector("pre");
    if (!code) continue;
    // Until a skipped block is first drawn it is as tall as this estimate, from its line count
    // (about 1.2em a line on a desktop, where code does not wrap); a flat 16em left a 173-line
    // block about 3,000 px (desktop) to 3,800 px (phone) short, so the page's length was off.
    const lines = code.textContent.replace(/\n$/, "").split("\n").length;
    block.style.containIntrinsicSize = `auto calc(${lines} * 1.2em + 1.5em)`;
    // Material (content.lazy) sets or drops tabindex once a block nears the screen; until then
    // each block is a tab stop, as on Docusaurus sites, so none that scrolls is left unreachable.
    if (!code.hasAttribute("tabindex")) code.tabIndex = 0;
  }
  // Material wraps each table in a box that scrolls sideways when the table is wider than the
  // text (often on a phone) but makes no tab stop of it. Each is one until it comes on screen,
  // then only if it scrolls.
  for (const wrap of body.querySelectorAll(".md-typeset__scrollwrap")) {
    wrap.tabIndex = 0;
    tablesOnScreen.observe(wrap);
  }
  body.dataset.codeFocusable = "true";
});

const tablesOnScreen = new IntersectionObserver((entries) => {
  for (const { target, isIntersecting } of entries) {
    if (!isIntersecting) continue;
    // A table that content-visibility skipped is laid out in the frame after it comes on screen;
    // measured before, it seems to fit.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (target.scrollWidth > target.clientWidth) target.tabIndex = 0;
        else target.removeAttribute("tabindex");
      }),
    );
  }
});
