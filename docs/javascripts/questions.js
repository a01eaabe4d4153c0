// Filters for the "All questions" table (rendered at build time, so it works from file:// too).
document$.subscribe(() => {
  const table = document.querySelector(".hb-questions");
  if (!table) return;
  const difficulty = document.querySelector("#hb-difficulty");
  const tag = document.querySelector("#hb-tag");
  const text = document.querySelector("#hb-text");
  const count = document.querySelector("#hb-count");
  const rows = [...table.tBodies[0].rows];
  const params = new URLSearchParams(location.search);
  if (params.get("difficulty")) difficulty.value = params.get("difficulty");
  if (params.get("tag")) tag.value = params.get("tag");
  const apply = () => {
    const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const ok =
        (!difficulty.value || row.dataset.difficulty === difficulty.value) &&
        (!tag.value || row.dataset.tags.split(",").includes(tag.value)) &&
        words.every((w) => row.textContent.toLowerCase().includes(w));
      row.hidden = !ok;
      shown += ok;
    }
    count.textContent = `${shown} of ${rows.length} questions`;
  };
  for (const control of [difficulty, tag, text]) control.addEventListener("input", apply);
  apply();
});
