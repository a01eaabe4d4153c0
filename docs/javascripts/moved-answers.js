// Links to an answer keep working after the answer moves to another page (when a long page is
// split: handbook/move_questions.py). An old link `page/#anchor` opens the old page, which no
// longer has that anchor; this script looks the anchor up in the question index (drill-data.js,
// written by the build for the Drill page) and replaces the address with the answer's new page.
// The index is loaded only when the address names an anchor this page does not have.
// loadIndex and pageHref repeat drill.js's script loader and offline-URL mapping (about ten
// lines): drill.js loads only on two pages, and sharing them would put a third script on every
// page or make this one wait for drill.js. A change to either belongs in both.
(function () {
  // This file is SITE/javascripts/moved-answers.js; the site root is one level up (on file:// too).
  const ROOT = new URL("../", document.currentScript.src);
  const INDEX_JS = new URL("drill-data.js", ROOT);

  function loadIndex() {
    if (Array.isArray(window.HANDBOOK_DRILL)) return Promise.resolve(window.HANDBOOK_DRILL);
    return new Promise((resolve, reject) => {
      const onload = () => resolve(window.HANDBOOK_DRILL || []);
      document.head.appendChild(Object.assign(document.createElement("script"), { src: INDEX_JS.href, onload, onerror: reject }));
    });
  }

  // `make offline` writes page.html files; the served site has page/ directories.
  function pageHref(url) {
    const [path, hash] = url.split("#");
    const offline = /\.html$/.test(location.pathname) && !/\/index\.html$/.test(location.pathname);
    return new URL((offline ? path.replace(/\/$/, ".html") : path) + "#" + hash, ROOT).href;
  }

  function forward() {
    const anchor = decodeURIComponent(location.hash.slice(1));
    if (!/^[a-z0-9-]+$/.test(anchor) || document.getElementById(anchor)) return;
    loadIndex().then(
      (questions) => {
        const question = questions.find((q) => q.id === anchor);
        if (question) location.replace(pageHref(question.url));
      },
      () => {}, // no index (a partial copy of the site): the reader stays on the page
    );
  }

  document$.subscribe(forward);
})();
