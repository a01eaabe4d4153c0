// Render ```mermaid fences (written by pymdownx.superfences as <pre class="hb-mermaid">) with the
// vendored Mermaid, fetched only by pages that hold a diagram. Material's own Mermaid support
// would load the library from a CDN; the site requests nothing from other hosts.
// document$ is Material's observable: it fires on first load and after every instant navigation.
const MERMAID_JS = new URL("../assets/vendor/mermaid/mermaid.min.js", document.currentScript.src);
let mermaidReady;

document$.subscribe(({ body }) => {
  const diagrams = [...body.querySelectorAll("pre.hb-mermaid:not([data-processed])")];
  if (!diagrams.length) return;
  mermaidReady ??= new Promise((resolve, reject) => {
    document.head.appendChild(Object.assign(document.createElement("script"), { src: MERMAID_JS, onload: resolve, onerror: reject }));
  });
  mermaidReady.then(() => {
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    // The dark theme's edge labels are #ccc on #585858 (4.43:1); a darker label box passes WCAG AA.
    const themeVariables = dark ? { edgeLabelBackground: "#404040" } : {};
    mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", themeVariables, securityLevel: "strict" });
    // superfences wraps the source in <code>; Mermaid parses the element's markup, so keep text only.
    for (const diagram of diagrams) diagram.textContent = diagram.textContent;
    mermaid.run({ nodes: diagrams });
  });
});
