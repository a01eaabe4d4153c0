// Render the math that pymdownx.arithmatex (generic mode) wraps in <span|div class="arithmatex">
// as \( ... \) or \[ ... \], with the vendored KaTeX. KaTeX (76 KB gzipped) is fetched only by
// pages that hold math, and each formula is rendered when it comes near the screen: a long page
// holds hundreds, and rendering them all at load blocks the main thread for most of a second.
// document$ is Material's observable: it fires on first load and after every instant navigation.
const KATEX_JS = new URL("../assets/vendor/katex/katex.min.js", document.currentScript.src);
let katexReady;
let observer;

function render(element) {
  const tex = element.textContent.trim();
  const display = tex.startsWith("\\[");
  katex.render(tex.slice(2, -2), element, { displayMode: display, throwOnError: false });
}

document$.subscribe(({ body }) => {
  observer?.disconnect();
  const math = body.querySelectorAll(".arithmatex");
  if (!math.length) return;
  katexReady ??= new Promise((resolve, reject) => {
    document.head.appendChild(Object.assign(document.createElement("script"), { src: KATEX_JS, onload: resolve, onerror: reject }));
  });
  katexReady.then(() => {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          render(entry.target);
        }
      },
      { rootMargin: "1000px 0px" },
    );
    for (const element of math) observer.observe(element);
  });
});
