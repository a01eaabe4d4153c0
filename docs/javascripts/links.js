// Links a reader lands on or copies point at one answer and carry no search state.
// - A search result opens `page/?a=anchor` (card header) or `page/?a=anchor#anchor` (see
//   handbook/search_index.py), possibly with Material's highlight terms (`?h=`): scroll to the
//   answer, then leave `page/#anchor` in the address bar. Older shared links used `?q=anchor`,
//   which Material takes for a search: those land at the answer too, with search closed.
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
    if (!anchor && !params.has("h")) return;
    const found = anchor && document.getElementById(anchor);
    history.replaceState(history.state, "", url.pathname + (found ? "#" + anchor : url.hash));
    if (found) setTimeout(() => keepInView(anchor), delay);
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
      const top = target ? target.getBoundingClientRect().top : 0;
      // Rounded down: scrollIntoView can leave the heading a fraction of a pixel above the top.
      if (!readerMoved && (top < 0 || top > innerHeight / 2)) scrollTo(0, Math.floor(scrollY + top));
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

  // Material's highlight reads `h` when the page renders; clean up just after.
  document$.subscribe(() => setTimeout(cleanAddress, 0));
})();
