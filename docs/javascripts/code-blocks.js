// Code blocks off screen cost nothing to lay out (content-visibility in handbook.css), and every
// block that scrolls sideways can be reached by keyboard. Neither may measure the page: reading a
// block's scrollWidth forces a layout of the whole page, 0.6 s of main thread on the longest page
// under Lighthouse's mobile throttling when this file checked each block that way.
document$.subscribe(({ body }) => {
  for (const block of body.querySelectorAll(".highlight")) {
    const code = block.querySelector("pre > code");
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
  body.dataset.codeFocusable = "true";
});
