// Links a reader lands on or copies point at one answer and carry no search state.
// - A search result opens `page/?a=anchor` (card header) or `page/?a=anchor#anchor` (see
//   handbook/search_index.py), possibly with Material's highlight terms (`?h=`): scroll to the
//   answer, then leave `page/#anchor` in the address bar. Older shared links used `?q=anchor`,
//   which Material takes for a search: those land at the answer too, with search closed.
// - The words searched for are marked in the answer the reader opened, whole words only (a word
//   also marks its plural). Material's own highlighter marks every word starting with a term ("in"
//   marked "independent") across the whole page, as soon as the search index is loaded, which it
//   is after a search (instant navigation keeps it): so result links carry the terms as `?hl=`
//   instead of Material's `?h=`, which Material's highlighter never sees.
// - The ¶ after a question copies that clean link (with a confirmation) instead of only jumping.
(function () {
  function cleanAddress() {
    const url = new URL(location.href);
    const params = url.searchParams;
    let anchor = params.get("a");
    const legacy = params.get("q");
    let delay = 0;
    if (!anchor && legacy && document.getElementById(legacy)) {
      anchor = legacy;
      const input = document.querySelector("input[data-md-component=search-query]");
      if (input) input.value = "";
      const toggle = document.getElementById("__search");
      if (toggle && toggle.checked) {
        toggle.click(); // Material closes search and restores the scroll position it saved
        delay = 100;
      }
    }
    const terms = params.get("hl") ?? params.get("h"); // `h`: links copied before `hl`
    if (!anchor && terms === null) return;
    const found = anchor && document.getElementById(anchor);
    history.replaceState(history.state, "", url.pathname + (found ? "#" + anchor : url.hash));
    if (found) {
      markWords(found, terms || "");
      setTimeout(() => keepInView(anchor), delay);
    }
  }

  function markWords(heading, terms) {
    const words = terms
      .split(/\s+/)
      .map((word) => word.replace(/[^\w-]/g, ""))
      .filter((word) => word.length > 1);
    if (!words.length) return;
    const pattern = new RegExp(`\\b(?:${words.join("|")})(?:e?s)?\\b`, "gi");
    const texts = [];
    const skip = (node) => node.parentElement.closest("pre, code, a, .arithmatex, .katex, .hb-meta, mark");
    // The answer runs from its heading to the next question's.
    for (let el = heading; el && (el === heading || !/^H[12]$/.test(el.tagName)); el = el.nextElementSibling) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) if (!skip(walker.currentNode)) texts.push(walker.currentNode);
    }
    for (const node of texts) {
      const parts = [];
      let last = 0;
      for (const match of node.data.matchAll(pattern)) {
        const mark = Object.assign(document.createElement("mark"), { textContent: match[0] });
        parts.push(node.data.slice(last, match.index), mark);
        last = match.index + match[0].length;
      }
      if (parts.length) node.replaceWith(...parts, node.data.slice(last));
    }
  }

  // Formulas above the answer render after the jump and move it; follow it for a second,
  // unless the reader scrolls first.
  function keepInView(anchor) {
    let readerMoved = false;
    const stop = () => (readerMoved = true);
    const events = ["wheel", "touchmove", "keydown", "mousedown"];
    events.forEach((name) => addEventListener(name, stop, { once: true, passive: true }));
    const follow = () => {
      const target = document.getElementById(anchor);
      if (!target || readerMoved) return;
      // Just below Material's sticky header, as the browser places an anchor it jumps to.
      const below = (document.querySelector(".md-header")?.getBoundingClientRect().bottom ?? 0) + 8;
      const top = target.getBoundingClientRect().top - below;
      // Rounded down: scrollIntoView can leave the heading a fraction of a pixel above the top.
      if (top < -1 || top > innerHeight / 2) scrollTo(0, Math.floor(scrollY + top));
    };
    follow();
    [150, 400, 800, 1500].forEach((ms) => setTimeout(follow, ms));
  }

  function toast(message) {
    let box = document.querySelector(".hb-toast");
    if (!box) {
      box = document.createElement("div");
      box.className = "hb-toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = message;
    box.classList.add("hb-toast--on");
    clearTimeout(box.hideTimer);
    box.hideTimer = setTimeout(() => box.classList.remove("hb-toast--on"), 2000);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest(".md-typeset h2 > a.headerlink");
    if (!link) return;
    event.preventDefault();
    const id = link.parentElement.id;
    const url = location.origin + location.pathname + "#" + id;
    history.replaceState(history.state, "", location.pathname + "#" + id);
    link.parentElement.scrollIntoView();
    const done = () => toast("Link to this answer copied");
    const failed = () => toast("Copy this link from the address bar");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, failed);
    } else {
      failed();
    }
  });

  function renameHighlightTerms(results) {
    for (const link of results.querySelectorAll("a.md-search-result__link")) {
      const url = new URL(link.href);
      if (!url.searchParams.has("h")) continue;
      url.searchParams.set("hl", url.searchParams.get("h"));
      url.searchParams.delete("h");
      link.href = url.href;
    }
  }
  // The results list stays in the header across instant navigation; Material refills it per query.
  const results = document.querySelector(".md-search-result__list");
  if (results) {
    new MutationObserver(() => renameHighlightTerms(results)).observe(results, { childList: true, subtree: true });
  }

  // After the page's own content is in place: mark the searched words, then clean the address.
  document$.subscribe(() => setTimeout(cleanAddress, 0));
})();
