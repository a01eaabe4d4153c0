// Drill mode's script (docs/javascripts/drill.js, 5 KB gzipped) is needed on two pages only: the
// Drill page (#hb-drill) and the All-questions page (.hb-questions), which shows drill progress.
// This file, on every page, loads it when a page with either is shown (first load or instant
// navigation); drill.js then follows Material's document$ itself.
(function () {
  const DRILL_JS = new URL("drill.js", document.currentScript.src);
  let loading = false;
  document$.subscribe(({ body }) => {
    if (loading || !body.querySelector("#hb-drill, .hb-questions")) return;
    loading = true;
    const script = Object.assign(document.createElement("script"), { src: DRILL_JS.href });
    script.onerror = () => {
      loading = false; // try again on the next page that needs it
      script.remove();
    };
    document.head.appendChild(script);
  });
})();
