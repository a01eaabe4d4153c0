// Render the math that pymdownx.arithmatex (generic mode) wraps in <span|div class="arithmatex">
// as \( ... \) or \[ ... \], with the vendored KaTeX. KaTeX (76 KB gzipped) is fetched only by
// pages that hold math, and each formula is rendered when it comes near the screen: a long page
// holds hundreds, and rendering them all at load blocks the main thread for most of a second.
// Before printing, every formula left is rendered, so a printed page or PDF shows no raw TeX.
// Labs are notebooks rendered by nbconvert, which leaves $...$ in their Markdown cells as text:
// those are wrapped like arithmatex's first (tests/test_math.py finds the same formulas).
// document$ is Material's observable: it fires on first load and after every instant navigation.
const KATEX_JS = new URL("../assets/vendor/katex/katex.min.js", document.currentScript.src);
// The two fonts nearly every formula uses. Formulas wait for them, so they do not reflow again
// when the fonts swap in (a layout shift); they are fetched only once a formula nears the screen,
// so a page whose formulas are all far below does not pay for them on its first screen.
const KATEX_FONTS = ["1em KaTeX_Main", "italic 1em KaTeX_Math"];
const NOTEBOOK_MATH = /\$\$([^]+?)\$\$|(?<![\\$])\$([^$\n]+?)\$/g;
let katexReady;
let fontsReady;
let observer;

function render(element) {
  if (element.dataset.rendered) return;
  element.dataset.rendered = "true";
  const tex = element.textContent.trim();
  const display = tex.startsWith("\\[");
  katex.render(tex.slice(2, -2), element, { displayMode: display, throwOnError: false });
  if (display) sideways.observe(element);
}

// A formula wider than its column scrolls sideways: let the keyboard reach it. Checked again
// when the column resizes and when KaTeX's fonts arrive, which widen a formula after it renders.
function reachable(box) {
  if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
  else box.removeAttribute("tabindex");
}
const sideways = new ResizeObserver((entries) => entries.forEach(({ target }) => reachable(target)));
document.fonts.addEventListener("loadingdone", () =>
  document.querySelectorAll("div.arithmatex[data-rendered]").forEach(reachable),
);

function wrapNotebookMath(body) {
  for (const cell of body.querySelectorAll(".jp-RenderedMarkdown")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement.closest("code, pre, .arithmatex") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    const texts = [];
    while (walker.nextNode()) if (walker.currentNode.data.includes("$")) texts.push(walker.currentNode);
    for (const node of texts) {
      const parts = [];
      let last = 0;
      for (const m of node.data.matchAll(NOTEBOOK_MATH)) {
        parts.push(document.createTextNode(node.data.slice(last, m.index)));
        const display = m[1] !== undefined;
        const math = document.createElement(display ? "div" : "span");
        math.className = "arithmatex";
        math.textContent = display ? `\\[${m[1]}\\]` : `\\(${m[2]}\\)`;
        parts.push(math);
        last = m.index + m[0].length;
      }
      if (!parts.length) continue;
      parts.push(document.createTextNode(node.data.slice(last)));
      node.replaceWith(...parts);
    }
  }
}

document$.subscribe(({ body }) => {
  observer?.disconnect();
  wrapNotebookMath(body);
  const math = body.querySelectorAll(".arithmatex");
  if (!math.length) return;
  katexReady ??= new Promise((resolve, reject) => {
    document.head.appendChild(Object.assign(document.createElement("script"), { src: KATEX_JS, onload: resolve, onerror: reject }));
  });
  katexReady.then(() => {
    observer = new IntersectionObserver(
      (entries) => {
        const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
        if (!near.length) return;
        for (const element of near) observer.unobserve(element);
        fontsReady ??= Promise.all(KATEX_FONTS.map((font) => document.fonts.load(font).catch(() => {})));
        fontsReady.then(() => near.forEach(render));
      },
      { rootMargin: "1000px 0px" },
    );
    for (const element of math) observer.observe(element);
  });
});

window.addEventListener("beforeprint", () => {
  if (typeof katex === "undefined") return;
  for (const element of document.querySelectorAll(".arithmatex")) render(element);
});
