// The site's search worker, in place of Material's (overrides/main.html points Material at this
// file). It speaks Material's messages: the index arrives as SETUP and is answered with READY,
// each query arrives as QUERY and is answered with RESULT, whose items are groups of documents
// (one question each: its answer, then its card header) with their title and text highlighted,
// their score, and which query words each holds; and `suggest`, the words that complete the
// query in the box. Material's worker built a lunr index of every answer when search was first
// opened, most of a reader's first wait (about 1 s of 2.2 s), only to list candidates that the
// ranking below then re-ordered and completed from its own table of words: that table, which the
// index carries ready-made (handbook/search_index.py), now does it all.
const SETUP = 0;
const READY = 1;
const QUERY = 2;
const RESULT = 3;

// lunr's English stop words, which Material's search left out of its index, and "vs". Material
// turned every query word into a prefix, so such a word could only ever match the start of other
// words ("of" matched "offline"): it is dropped from the query, unless the query has nothing else.
const STOP_WORDS = new Set(
  `a able about across after all almost also am among an and any are as at be because been but by
  can cannot could dear did do does either else ever every for from get got had has have he her
  hers him his how however i if in into is it its just least let like likely may me might most
  must my neither no nor not of off often on only or other our own rather said say says she should
  since so some than that the their them then there these they this tis to too twas us wants was
  we were what when where which while who whom why will with would yet you your vs`.split(/\s+/),
);

function isNoise(word) {
  return STOP_WORDS.has(word.toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, ""));
}

// The query as the reader typed it, read as terms. Every word matches the words it begins, as the
// reader types; a word of one or two letters ("p value", "a/b", "kv") only itself, not every
// word starting with it. Hyphens split words as the index does ("top-p" is "top" and "p"). The
// syntax Material's search took: "+word" and "quoted words" must be in a result, "-word" must
// not; "title:", a trailing "*", "~1" and "^2" are read as the plain word.
function parseQuery(query) {
  // A caret is a formula ("gamma^t"), not a boost; a minus before a digit is a negative number
  // ("labels -100", "-5 dB"), not an exclusion.
  query = query.replace(/\^(?![\d.])/g, " ").replace(/(^|\s)-(?=\d)/g, "$1");
  query = query.replace(/"([^"]*)"?/g, (_, quoted) => quoted.replace(/(^|\s+)(?=\S)/g, " +"));
  const terms = [];
  for (const part of query.split(/\s+/)) {
    const presence = part[0] === "+" ? "required" : part[0] === "-" && part.length > 1 ? "prohibited" : "optional";
    const bare = part
      .replace(/^[+-]+/, "")
      .replace(/^(title|text|tags):/i, "")
      .replace(/(\*|~\d*|\^[\d.]+)+$/, "");
    for (const word of bare.split(/[-:]+/)) {
      const clean = word.toLowerCase().replace(/^\W+|\W+$/g, "");
      if (clean) terms.push({ word: clean, whole: /^[a-z0-9]{1,2}$/i.test(word), presence, noise: isNoise(word) });
    }
  }
  const meaningful = terms.filter((term) => !term.noise || term.presence !== "optional");
  return meaningful.some((term) => term.presence !== "prohibited") ? meaningful : terms;
}

// The ranking. Material's own search scored by lunr's BM25 with headings boosted 1000x, so one
// query word in a heading beat an answer holding every word in its text ("draft model acceptance
// rate" put an answer whose heading says "models" first), and among answers whose headings all
// held the words, the shortest heading won, whatever the answers said. An answer matches when it
// holds the query's words or words they begin, as the reader types (see parseQuery); the order
// is BM25F (Robertson et al., "Simple BM25 extension to multiple weighted fields", CIKM 2004) over
// three fields of each answer: its heading (weighted 5x), its meta line (tags and "also asked
// as" names, 3x) and its text. A result group (one question) is ranked by its answer entry.
// Every answer holding all the query's words is listed, and at least PARTIAL_KEPT answers in
// all: a query for a topic the handbook lacks ("graph neural network message passing") listed
// 180 answers that share one common word. tests/bench_pages.py measures the ranking on the tuned
// and the unseen queries.
const PARTIAL_KEPT = 10;
// K1 = 3 rather than the usual 1.2: an answer that keeps coming back to a word is more about it
// than one that uses it twice (recall@1 0.920 -> 0.929 on the reader queries, 0.736 -> 0.755 on
// the unseen ones). With it a word in the heading needs more weight to still count for more than
// a few mentions in the text: 5 instead of 3 (with the prior below: reader queries 0.949 ->
// 0.950, unseen ones unchanged at 0.868).
const FIELD_WEIGHT = { title: 5, meta: 3, text: 1 };
const K1 = 3;
const B = 0.75;

let separator = /[\s-]+/; // the index's own (its config.separator) once set up
// location -> the answer's heading (its words in order, and counted), its fields' lengths in words
const answers = new Map();
// word -> the answers holding it outside their heading: position in the index, count in the meta
// line, count in the rest, three numbers per answer (handbook/search_index.py)
let postings = new Map();
const inHeadings = new Map(); // word -> the answers whose heading holds it
const byPosition = []; // position in the index -> an answer's location
const documents = new Map(); // location -> the document as the index has it
const groupHeader = new Map(); // location of an answer -> its card header (or a section's page)
const indexOrder = new Map(); // location -> position in the index: the order of equal scores
const pages = []; // entries with no word counts: chapter and topic pages, found by their own words
let vocabulary = []; // every word of every answer
const averageLength = { title: 1, meta: 1, text: 1 };
let suggesting = false;

function tokens(html) {
  return html
    .replace(/<[^>]+>/g, " ")
    .split(separator)
    .map((token) => token.toLowerCase().replace(/^\W+|\W+$/g, ""))
    .filter(Boolean);
}

function field(words) {
  const counts = new Map();
  for (const word of words) counts.set(word, (counts.get(word) || 0) + 1);
  return { counts, length: words.length };
}

function remember({ config, docs, options }) {
  if (config?.separator) separator = new RegExp(config.separator);
  suggesting = Boolean(options?.suggest);
  postings = new Map(Object.entries(config?.postings || {}));
  const before = new Map(); // location before "#" -> its entry, as Material groups them
  for (const [position, doc] of docs.entries()) {
    documents.set(doc.location, doc);
    indexOrder.set(doc.location, position);
    const [path, fragment] = doc.location.split("#");
    if (fragment === undefined) before.set(path, doc);
    else if (before.has(path)) groupHeader.set(doc.location, before.get(path));
    if (!doc.lengths) {
      // A card header holds no words of its own; a page is listed when nothing better is found.
      if (!doc.location.includes("?a=")) pages.push({ doc, words: new Set(tokens(`${doc.title} ${doc.text}`)) });
      continue;
    }
    const heading = tokens(doc.title); // in order, for the proximity bonus
    const [meta, text] = doc.lengths;
    const answer = { title: field(heading), meta: { length: meta }, text: { length: text }, heading, cited: doc.cited || 0 };
    answers.set(doc.location, answer);
    byPosition[position] = doc.location;
    for (const word of answer.title.counts.keys()) {
      if (!inHeadings.has(word)) inHeadings.set(word, []);
      inHeadings.get(word).push(doc.location);
    }
  }
  vocabulary = [...new Set([...postings.keys(), ...inHeadings.keys()])];
  for (const name of Object.keys(averageLength)) {
    let total = 0;
    for (const answer of answers.values()) total += answer[name].length;
    averageLength[name] = Math.max(1, total / Math.max(1, answers.size));
  }
}

function idf(found) {
  return Math.log(1 + (answers.size - found + 0.5) / (found + 0.5));
}

// How often `words` occur in each answer that holds any of them, per field.
function occurrences(words) {
  const found = new Map();
  const at = (location) => {
    if (!found.has(location)) found.set(location, { title: 0, meta: 0, text: 0 });
    return found.get(location);
  };
  for (const word of words) {
    const list = postings.get(word) || [];
    for (let i = 0; i < list.length; i += 3) {
      const counts = at(byPosition[list[i]]);
      counts.meta += list[i + 1];
      counts.text += list[i + 2];
    }
    for (const location of inHeadings.get(word) || []) at(location).title += answers.get(location).title.counts.get(word);
  }
  return found;
}

// An answer's BM25F term frequency for some words, given how often they occur in each field.
function saturated(answer, counts) {
  if (!counts) return 0;
  let tf = 0;
  for (const [name, weight] of Object.entries(FIELD_WEIGHT)) {
    tf += (weight * counts[name]) / (1 - B + (B * answer[name].length) / averageLength[name]);
  }
  return tf / (K1 + tf);
}

// A plural query word also matches its singular, which a prefix cannot reach: "adapters" finds
// the answer that only says "adapter". Only the plain "s" rule of Harman's S stemmer ("How
// effective is suffixing?", JASIS 1991), not after s, a, i or u ("loss", "bias", "axis",
// "focus"), and only the singular itself: as a prefix ("expert" reaching "expertise") it took
// the first place from 11 reader queries and gave it to 4. As is: recall@1 0.950 -> 0.951 on the
// reader queries; on the 55 held-out ones it changes no ranking (0.836 either way).
function singular(word) {
  return /^[a-z][a-z0-9]+[^saiu]s$/.test(word) ? word.slice(0, -1) : null;
}

// Whether a word is one a query term asks for: the term itself, a word it begins (unless the
// term is matched whole), or its singular.
function matches(term) {
  const one = term.whole ? null : singular(term.word);
  return (word) => word === term.word || word === one || (!term.whole && word.startsWith(term.word));
}

// For each query term: the words it matches, where they occur (`holders`: all of them; `exact`:
// the term itself), and how rare the word itself and the prefix are.
function expanded(term) {
  // The words matches(term) accepts, without calling it 40,000 times: the term whole, or the words
  // it begins and its singular (shorter, so never among them).
  const words = term.whole ? [term.word] : vocabulary.filter((word) => word.startsWith(term.word));
  const one = term.whole ? null : singular(term.word);
  if (one) words.push(one);
  const holders = occurrences(words);
  const inExact = term.whole ? holders : occurrences([term.word]);
  return {
    words,
    matches: new Set(words),
    exact: inExact,
    exactRarity: idf(inExact.size),
    prefixRarity: idf(holders.size),
    holders,
  };
}

// Two query words that stand side by side in a heading ("learning rate", "dynamic batching")
// name that answer's topic more surely than the same words scattered over its text: each such
// adjacent pair adds PROXIMITY_BONUS times the lower rarity of its two words (a term-proximity
// feature, as in Rasolofo and Savoy, "Term proximity scoring for keyword-based retrieval
// systems", ECIR 2003).
const PROXIMITY_BONUS = 0.2;

function proximity(heading, terms) {
  let bonus = 0;
  for (let i = 0; i + 1 < terms.length; i += 1) {
    const [first, second] = [terms[i], terms[i + 1]];
    for (let j = 0; j + 1 < heading.length; j += 1) {
      if (first.matches.has(heading[j]) && second.matches.has(heading[j + 1])) {
        bonus += PROXIMITY_BONUS * Math.min(first.prefixRarity, second.prefixRarity);
        break;
      }
    }
  }
  return bonus;
}

// A query term scores as the better of the word itself, with the word's own rarity, and the
// words it is a prefix of, with the prefix's: "sam" is the rare word SAM in one answer and the
// prefix of "sample" in hundreds, and "cost" finds "costs" too.
function bm25f(location, terms) {
  const answer = answers.get(location);
  let score = 0;
  let covered = 0;
  for (const term of terms) {
    const prefix = saturated(answer, term.holders.get(location));
    if (prefix > 0) covered += 1;
    score += Math.max(term.exactRarity * saturated(answer, term.exact.get(location)), term.prefixRarity * prefix);
  }
  return { complete: covered === terms.length, score: score + proximity(answer.heading, terms) };
}

// The coding round's exercises ("Implement dropout") share their words with the answers that
// explain the same idea ("What is dropout?"), and BM25F cannot tell which the reader wants. The
// query can: "dropout" asks for the idea, "dropout from scratch" or "implement dropout" for code.
// So an exercise's score is nudged up (x1.1) when the query asks for code and down (x0.9) when it
// does not: a tie-breaker between answers scored within about 20% of each other, not an override.
const EXERCISE = /^coding\//;
const ASKS_FOR_CODE = /\b(implement\w*|code|coding|scratch|numpy|write|python)\b/i;
const CODE_INTENT = { asked: 1.1, not: 0.9 };

// A query of a few words ("kv cache", "lora") often matches several answers on its topic about
// as well: how the KV cache works and how to shrink it. Then the answer that more of the other
// answers link to (handbook/search_index.py counts them) is the better first result, as in-link
// priors do for web search (Kraaij, Westerveld and Hiemstra, "The importance of prior
// probabilities for entry page search", SIGIR 2002). The prior is small, 0.15 x ln(1 + 35) =
// 0.54 for the most cited answer, where a matched word scores up to its rarity (7.0 for a word
// in one answer, 2.9 for one in a hundred), and it applies to queries of up to CITED_MAX_TERMS
// words only: longer ones say enough. Measured with K1 = 3: recall@1 0.929 -> 0.934 on the
// reader queries, 0.755 -> 0.830 on the unseen ones.
const CITED_WEIGHT = 0.15;
const CITED_MAX_TERMS = 4;

function ranked(location, terms, asksForCode) {
  const result = bm25f(location, terms);
  if (EXERCISE.test(location)) result.score *= asksForCode ? CODE_INTENT.asked : CODE_INTENT.not;
  if (terms.length <= CITED_MAX_TERMS) result.score += CITED_WEIGHT * Math.log1p(answers.get(location).cited);
  return result;
}

// Whether a word of a result is one the query asked for, as the ranking matched it.
function matcher(terms) {
  const each = terms.map(matches);
  return (word) => each.some((wanted) => wanted(word));
}

// The words of `html` that the query asked for, in <mark>, as Material's results showed them. A
// word is taken whole first ("XGBoost" for the query "xgboost"), then by the parts the index
// splits it into ("Boost" for "boost"); markup and entities ("&amp;" for "amp") are left alone.
const RUN = /[\w.'’]+/g;

function marked(html, hit) {
  const parts = new RegExp(separator.source, "g");
  const mark = (token) => {
    const [, lead, core, trail] = /^(\W*)(.*?)(\W*)$/s.exec(token);
    return core && hit(core.toLowerCase()) ? `${lead}<mark>${core}</mark>${trail}` : token;
  };
  const markRun = (run) => {
    if (hit(run.toLowerCase().replace(/^\W+|\W+$/g, ""))) return mark(run);
    let out = "";
    let from = 0;
    for (const gap of run.matchAll(parts)) {
      out += mark(run.slice(from, gap.index)) + gap[0];
      from = gap.index + gap[0].length;
    }
    return out + mark(run.slice(from));
  };
  return html.replace(/<[^>]*>|[^<]+/g, (chunk) =>
    chunk[0] === "<"
      ? chunk
      : chunk.replace(RUN, (run, at) =>
          /&#?$/.test(chunk.slice(0, at)) && chunk[at + run.length] === ";" ? run : markRun(run),
        ),
  );
}

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

// The top-level elements of `html` (and any text between them), in order.
function topLevel(html) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (const tag of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*>/g)) {
    const [whole, closing, name] = tag;
    if (!closing && (whole.endsWith("/>") || VOID_ELEMENTS.has(name.toLowerCase()))) continue;
    if (!closing && depth++ === 0 && tag.index > start) {
      parts.push(html.slice(start, tag.index));
      start = tag.index;
    }
    if (closing && depth > 0 && --depth === 0) {
      parts.push(html.slice(start, tag.index + whole.length));
      start = tag.index + whole.length;
    }
  }
  if (start < html.length) parts.push(html.slice(start));
  return parts;
}

// A result's teaser, as Material's was: the (at most two) top-level elements of its text with a
// marked word, or the whole text when none has one.
function teaser(text, hit) {
  const found = topLevel(marked(text, hit)).filter((part) => part.includes("<mark>"));
  return found.length ? found.slice(0, 2).join("") : text;
}

function shown(doc, score, terms, hit) {
  return { location: doc.location, title: marked(doc.title, hit), text: teaser(doc.text, hit), score, terms };
}

// The words the box offers to complete the query with (Material's search.suggest): those of the
// first result's heading that the query's words begin, when its heading holds them all.
function suggestion(order, terms) {
  const wanted = terms.map(matches);
  for (const { location } of order) {
    const heading = answers.get(location).heading;
    const words = wanted.map((term) => heading.find(term));
    if (words.every(Boolean)) return words;
  }
  return [];
}

function search(query) {
  const parsed = parseQuery(query);
  const terms = parsed.filter((term) => term.presence !== "prohibited").map((term) => ({ ...term, ...expanded(term) }));
  if (!terms.length) return { items: [] };
  const excluded = new Set(
    parsed.filter((term) => term.presence === "prohibited").flatMap((term) => [...occurrences([term.word]).keys()]),
  );
  const required = terms.filter((term) => term.presence === "required");
  const asksForCode = ASKS_FOR_CODE.test(query);
  const order = [];
  const seen = new Set(excluded);
  for (const term of terms) {
    for (const location of term.holders.keys()) {
      if (seen.has(location) || required.some((other) => !other.holders.has(location))) continue;
      seen.add(location);
      order.push({ location, ...ranked(location, terms, asksForCode) });
    }
  }
  order.sort((a, b) => b.score - a.score || indexOrder.get(a.location) - indexOrder.get(b.location));
  const complete = order.filter((result) => result.complete).length;
  const kept = order.slice(0, Math.max(complete, PARTIAL_KEPT));
  const hit = matcher(terms);
  const items = kept.map(({ location, score }) => {
    // Which query words the answer holds, in its whole text: Material lists the others as
    // "Missing". Its card header gets them too, so that opening it marks them in the answer
    // (docs/javascripts/links.js) as opening the answer does.
    const holds = Object.fromEntries(terms.map((term) => [term.word, term.holders.has(location)]));
    const group = [shown(documents.get(location), score, holds, hit)];
    const header = groupHeader.get(location);
    if (header) group.push(shown(header, 0, holds, hit)); // scored 0, as Material's worker added it
    return group;
  });
  // A page is listed when it holds every word and fewer than PARTIAL_KEPT answers were found.
  const each = terms.map(matches);
  const unwanted = parsed.filter((term) => term.presence === "prohibited").map((term) => term.word);
  const all = Object.fromEntries(terms.map((term) => [term.word, true]));
  for (const { doc, words } of pages) {
    if (items.length >= PARTIAL_KEPT) break;
    const list = [...words];
    if (unwanted.some((word) => words.has(word)) || !each.every((holds) => list.some(holds))) continue;
    items.push([shown(doc, 0, all, hit)]);
  }
  return suggesting ? { items, suggest: suggestion(kept, terms) } : { items };
}

addEventListener("message", (event) => {
  const message = event.data;
  if (message?.type === SETUP) {
    remember(message.data);
    postMessage({ type: READY });
  } else if (message?.type === QUERY) {
    postMessage({ type: RESULT, data: search(String(message.data)) });
  }
});
