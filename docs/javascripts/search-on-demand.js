// The search index (about 640 KB gzipped for 400 answers) is fetched only when the reader goes to
// search, not with every page: Material requests it as soon as a page loads, so its XMLHttpRequest
// for search/search_index.json is held back until the search box gets focus or is opened (the
// magnifier, or the "/", "s" and "f" keys, which focus the box), or the address already holds a
// search (`?q=`). Loaded once, the index stays with Material's worker across instant navigation.
// overrides/main.html loads this file before Material's bundle.
(function () {
  const INDEX = /\/search\/search_index\.json(\?|$)/;
  let wanted = new URLSearchParams(location.search).has("q");
  const waiting = [];

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach((go) => go());
  }

  document.addEventListener("focusin", (event) => {
    if (event.target.matches?.("input[data-md-component=search-query]")) want();
  });
  document.addEventListener("change", (event) => {
    if (event.target.id === "__search" && event.target.checked) want();
  });

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.searchIndex = INDEX.test(String(url));
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.searchIndex || wanted) return send.apply(this, args);
    waiting.push(() => send.apply(this, args));
  };
})();
