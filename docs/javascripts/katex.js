// Render the math that pymdownx.arithmatex (generic mode) wraps in <span|div class="arithmatex">
// as \( ... \) or \[ ... \], with the vendored KaTeX. KaTeX (76 KB gzipped) is fetched only by
// pages that hold math, and only those elements are visited (not every text node of the page).
// document$ is Material's observable: it fires on first load and after every instant navigation.
const KATEX_JS = new URL("../assets/vendor/katex/katex.min.js", document.currentScript.src);
let katexReady;

document$.subscribe(({ body }) => {
  const math = body.querySelectorAll(".arithmatex");
  if (!math.length) return;
  katexReady ??= new Promise((resolve, reject) => {
    document.head.appendChild(Object.assign(document.createElement("script"), { src: KATEX_JS, onload: resolve, onerror: reject }));
  });
  katexReady.then(() => {
    for (const element of math) {
      const tex = element.textContent.trim();
      const display = tex.startsWith("\\[");
      katex.render(tex.slice(2, -2), element, { displayMode: display, throwOnError: false });
    }
  });
});
