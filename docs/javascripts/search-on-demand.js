// The search index (about 640 KB gzipped for 400 answers) is fetched only when the reader goes to
// search, not with every page: Material requests it as soon as a page loads, so its XMLHttpRequest
// for search/search_index.json is held back until the search box gets focus or is opened (the
// magnifier, or the "/", "s" and "f" keys, which focus the box), or the address already holds a
// search (`?q=`). Loaded once, the index stays with Material's worker across instant navigation.
// The worker itself (docs/javascripts/search-worker.js, 8 KB gzipped) starts then
// too: Material creates it when its bundle starts, and gets a stand-in that keeps its messages
// until the real worker exists. On file:// (`make offline`) the iframe-worker shim replaces
// Worker after this file runs, so the offline site starts its worker at once, as before.
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

  const SEARCH_WORKER = /\/javascripts\/search-worker\.js$/;
  const NativeWorker = window.Worker;
  // Material only posts messages to its worker and listens for "message" events.
  class SearchWorkerOnDemand extends EventTarget {
    constructor(url, options) {
      super();
      this.queued = [];
      const start = () => {
        this.worker = new NativeWorker(url, options);
        for (const type of ["message", "error", "messageerror"]) {
          this.worker.addEventListener(type, (event) => this.dispatchEvent(new event.constructor(type, event)));
        }
        this.queued.splice(0).forEach((args) => this.worker.postMessage(...args));
      };
      wanted ? start() : waiting.push(start);
    }
    postMessage(...args) {
      this.worker ? this.worker.postMessage(...args) : this.queued.push(args);
    }
    terminate() {
      this.worker?.terminate();
    }
  }
  if (NativeWorker) {
    window.Worker = function (url, options) {
      return SEARCH_WORKER.test(new URL(url, location.href).pathname)
        ? new SearchWorkerOnDemand(url, options)
        : new NativeWorker(url, options);
    };
  }

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
