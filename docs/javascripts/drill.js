// Drill mode (docs/drill.md): one random question at a time from the reader's filters (chapter,
// difficulty, topic), its answer hidden until asked, "Knew it" / "Review again" kept in this
// browser (localStorage). The questions are in drill-data.js and their short answers in one
// script per page, drill-answers/<page>.js; the build writes both (handbook/drill.py). This script
// loads them with <script> tags on the Drill page only, the answers of the question shown: a page
// opened from file:// can load a script but cannot fetch() a file.
// On the All-questions page: what the reader knows per chapter, and a link to drill the questions
// the table's filters select. Filters come from the address: drill/?chapter=...&difficulty=...&tag=...
(function () {
  // This file is SITE/javascripts/drill.js; the site root is one level up (on file:// too).
  const ROOT = new URL("../", document.currentScript.src);
  const DATA_JS = new URL("drill-data.js", ROOT);
  const KATEX_JS = new URL("assets/vendor/katex/katex.min.js", ROOT);
  const KEY = "handbook.drill"; // {anchor: "known" | "review"}
  const LEVELS = ["easy", "medium", "hard"];
  const FILTERS = ["chapter", "difficulty", "tag"];

  // localStorage can be missing or refuse writes (private windows, some file:// setups): the marks
  // are then kept in memory, and the drill still works for this visit.
  let memory = null;
  function readMarks() {
    if (memory) return { ...memory };
    try {
      const marks = JSON.parse(localStorage.getItem(KEY) || "{}");
      return marks && typeof marks === "object" && !Array.isArray(marks) ? marks : {};
    } catch {
      memory = {};
      return {};
    }
  }
  function writeMarks(marks) {
    try {
      localStorage.setItem(KEY, JSON.stringify(marks));
    } catch {
      memory = { ...marks };
    }
  }

  // `make offline` writes page.html files; the served site has page/ directories.
  function fileStyle() {
    return /\.html$/.test(location.pathname) && !/\/index\.html$/.test(location.pathname);
  }
  function siteHref(url) {
    const [path, hash] = url.split("#");
    const target = fileStyle() ? (path ? path.replace(/\/$/, ".html") : "index.html") : path;
    return new URL(target + (hash ? `#${hash}` : ""), ROOT).href;
  }

  function loadScript(src, ready) {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const tag = Object.assign(document.createElement("script"), { src: String(src), onload: resolve, onerror: reject });
      document.head.appendChild(tag);
    });
  }
  let dataReady;
  let katexReady;
  const answersReady = {}; // by answers file

  // The short answer of a question (HTML), from its page's answers script.
  function answerOf(q) {
    const known = () => Boolean(window.HANDBOOK_DRILL_ANSWERS && q.id in window.HANDBOOK_DRILL_ANSWERS);
    answersReady[q.answers] ??= loadScript(new URL(q.answers, ROOT), known).catch((error) => {
      delete answersReady[q.answers]; // try again with the next question of that page
      throw error;
    });
    return answersReady[q.answers].then(() => window.HANDBOOK_DRILL_ANSWERS[q.id]);
  }

  // Formulas in an inserted answer, as docs/javascripts/katex.js renders those of a page.
  function typeset(element) {
    const math = element.querySelectorAll(".arithmatex");
    if (!math.length) return;
    katexReady ??= loadScript(KATEX_JS, () => typeof katex !== "undefined");
    katexReady.then(() => {
      for (const item of math) {
        if (item.dataset.rendered) continue;
        item.dataset.rendered = "true";
        const tex = item.textContent.trim();
        katex.render(tex.slice(2, -2), item, { displayMode: tex.startsWith("\\["), throwOnError: false });
      }
    });
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }
  function options(values) {
    return values.map((v) => `<option value="${escape(v)}">${escape(v)}</option>`).join("");
  }

  function drill(box, questions) {
    const chapters = [...new Set(questions.map((q) => q.chapter))];
    const levels = LEVELS.filter((d) => questions.some((q) => q.difficulty === d));
    const tags = [...new Set(questions.flatMap((q) => q.tags))].sort();
    box.innerHTML = `
      <div class="hb-filters hb-drill-filters">
        <label>Chapter <select id="hb-drill-chapter"><option value="">any</option>${options(chapters)}</select></label>
        <label>Difficulty <select id="hb-drill-difficulty"><option value="">any</option>${options(levels)}</select></label>
        <label>Topic <select id="hb-drill-tag"><option value="">any</option>${options(tags)}</select></label>
        <label><input type="checkbox" id="hb-drill-skip"> Skip questions I know</label>
      </div>
      <div class="hb-drill-status">
        <span id="hb-drill-count" role="status"></span>
        <button type="button" class="hb-drill-reset" id="hb-drill-reset">Reset progress</button>
      </div>
      <section class="hb-drill-card" id="hb-drill-card" aria-labelledby="hb-drill-question">
        <p class="hb-drill-where" id="hb-drill-where"></p>
        <h2 class="hb-drill-question" id="hb-drill-question" tabindex="-1"></h2>
        <div class="hb-drill-task" id="hb-drill-task"></div>
        <div class="hb-drill-answer" id="hb-drill-answer" role="region" aria-label="Answer" tabindex="-1" hidden>
          <div id="hb-drill-answer-text"></div>
          <p class="hb-drill-full"><a id="hb-drill-link" href="">Read the full answer, with its example</a></p>
        </div>
        <div class="hb-drill-actions">
          <button type="button" class="md-button md-button--primary" id="hb-drill-show" aria-controls="hb-drill-answer" aria-expanded="false">Show answer</button>
          <button type="button" class="md-button md-button--primary" id="hb-drill-knew" hidden>Knew it</button>
          <button type="button" class="md-button" id="hb-drill-review" hidden>Review again</button>
          <button type="button" class="md-button" id="hb-drill-next">Next question</button>
        </div>
      </section>`;
    const $ = (id) => box.querySelector(`#hb-drill-${id}`);
    const select = { chapter: $("chapter"), difficulty: $("difficulty"), tag: $("tag") };
    const skip = $("skip");
    const params = new URLSearchParams(location.search);
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value && [...select[name].options].some((o) => o.value === value)) select[name].value = value;
    }
    skip.checked = params.get("skip") === "known";
    let current = null;
    let answered = Promise.resolve(); // the shown question's answer is in the card

    const selection = () =>
      questions.filter(
        (q) =>
          (!select.chapter.value || q.chapter === select.chapter.value) &&
          (!select.difficulty.value || q.difficulty === select.difficulty.value) &&
          (!select.tag.value || q.tags.includes(select.tag.value)),
      );

    function count() {
      const marks = readMarks();
      const chosen = selection();
      const known = chosen.filter((q) => marks[q.id] === "known").length;
      $("count").textContent = `${known} of ${chosen.length} known in this selection`;
    }

    function reveal(shown) {
      $("answer").hidden = !shown;
      $("show").hidden = shown;
      $("show").setAttribute("aria-expanded", String(shown));
      $("knew").hidden = $("review").hidden = !shown;
    }

    function show(q) {
      current = q;
      const card = $("card");
      card.dataset.question = q ? q.id : "";
      reveal(false);
      $("show").disabled = !q;
      if (!q) {
        const all = selection().length;
        $("where").textContent = "";
        $("task").innerHTML = "";
        $("question").textContent = all
          ? `You know all ${all} questions in this selection.`
          : "No question matches these filters.";
        return;
      }
      $("where").innerHTML =
        `${escape(q.chapter)} · <span class="hb-level" data-level="${escape(q.difficulty)}">${escape(q.difficulty)}</span>`;
      $("question").textContent = q.question;
      $("task").innerHTML = q.task;
      $("answer-text").innerHTML = "";
      answered = answerOf(q).then(
        (html) => {
          if (current === q) $("answer-text").innerHTML = html;
        },
        () => {
          if (current === q) $("answer-text").textContent = "This short answer did not load; the link below opens the answer.";
        },
      );
      $("link").href = siteHref(q.url);
      typeset($("task"));
    }

    // A random question of the selection, another than the one shown when there is another.
    function next() {
      const marks = readMarks();
      const pool = selection().filter((q) => !(skip.checked && marks[q.id] === "known"));
      const others = pool.filter((q) => q !== current);
      const from = others.length ? others : pool;
      show(from.length ? from[Math.floor(Math.random() * from.length)] : null);
    }

    function keepInAddress() {
      const query = new URLSearchParams();
      for (const name of FILTERS) if (select[name].value) query.set(name, select[name].value);
      if (skip.checked) query.set("skip", "known");
      const search = query.toString();
      history.replaceState(history.state, "", location.pathname + (search ? `?${search}` : ""));
    }

    function mark(state) {
      const marks = readMarks();
      marks[current.id] = state;
      writeMarks(marks);
      count();
      next();
      $("question").focus();
    }

    for (const control of [...Object.values(select), skip]) {
      control.addEventListener("change", () => {
        keepInAddress();
        count();
        if (!current || control !== skip || (skip.checked && readMarks()[current.id] === "known")) next();
      });
    }
    $("show").addEventListener("click", () => {
      reveal(true);
      $("answer").focus();
      answered.then(() => typeset($("answer")));
    });
    $("knew").addEventListener("click", () => mark("known"));
    $("review").addEventListener("click", () => mark("review"));
    $("next").addEventListener("click", () => {
      next();
      $("question").focus();
    });
    $("reset").addEventListener("click", () => {
      if (!confirm("Forget which questions you marked as known, in every chapter?")) return;
      writeMarks({});
      count();
      if (!current) next();
    });
    count();
    next();
  }

  // All-questions page: known / total for each chapter the reader has drilled (marked a question
  // of), from the table's rows, above the filters. Chapters not started are left out: compact.
  function progress(table) {
    const filters = document.querySelector(".hb-filters");
    if (!filters || document.querySelector(".hb-progress")) return;
    const marks = readMarks();
    const chapters = new Map();
    for (const row of table.tBodies[0].rows) {
      const chapter = row.cells[1].textContent;
      const entry = chapters.get(chapter) || { known: 0, marked: 0, total: 0 };
      const mark = marks[row.cells[0].querySelector("a").hash.slice(1)];
      entry.total += 1;
      entry.known += mark === "known";
      entry.marked += Boolean(mark);
      chapters.set(chapter, entry);
    }
    const started = [...chapters].filter(([, c]) => c.marked);
    const known = started.reduce((sum, [, c]) => sum + c.known, 0);
    const total = table.tBodies[0].rows.length;
    const drillPage = new URL(fileStyle() ? "drill.html" : "drill/", ROOT);
    const block = document.createElement("div");
    block.className = "hb-progress";
    const list = started
      .map(
        ([name, c]) =>
          `<li data-chapter="${escape(name)}"><span>${escape(name)}</span> ` +
          `<span class="hb-progress-count">${c.known}&nbsp;/&nbsp;${c.total}</span></li>`,
      )
      .join("");
    block.innerHTML = `
      <p class="hb-progress-total"><strong>Drill progress:</strong> ${known} of ${total} questions known. <a class="hb-drill-these" href="${escape(drillPage.href)}">Drill these questions</a></p>
      ${list ? `<ul class="hb-progress-chapters" aria-label="Questions known per chapter">${list}</ul>` : ""}`;
    filters.before(block);
    const link = block.querySelector(".hb-drill-these");
    const update = () => {
      const query = new URLSearchParams();
      for (const name of ["difficulty", "tag"]) {
        const value = document.querySelector(`#hb-${name}`)?.value;
        if (value) query.set(name, value);
      }
      const search = query.toString();
      link.href = drillPage.href + (search ? `?${search}` : "");
    };
    for (const name of ["difficulty", "tag"]) document.querySelector(`#hb-${name}`)?.addEventListener("input", update);
    update();
  }

  document$.subscribe(() => {
    const table = document.querySelector(".hb-questions");
    if (table) progress(table);
    const box = document.querySelector("#hb-drill");
    if (!box) return;
    dataReady ??= loadScript(DATA_JS, () => Array.isArray(window.HANDBOOK_DRILL));
    dataReady.then(
      () => drill(box, window.HANDBOOK_DRILL),
      () => {
        dataReady = undefined; // try again on the next visit
      },
    );
  });
})();
