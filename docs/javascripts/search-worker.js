// Material's search worker, with two changes. Before it sees a query: words that lunr's
// stop-word filter keeps out of the index ("of", "how", "the"…) and "vs" are dropped. Material
// turns every query word into a prefix, so such a word could only ever match the start of other
// words ("of" matched "offline"); a query of nothing but such words is left as typed.
// A word of one or two letters ("p value", "a/b", "kv") must match exactly, not as the prefix
// of every word starting with it: lunr's "~0" (edit distance 0) tells Material to add no "*".
// overrides/main.html points Material at this file.
const QUERY = 2; // Material's message type for a query (its SearchMessageType.QUERY)

function isNoise(word) {
  const bare = word.toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return bare === "vs" || (bare !== "" && lunr.stopWordFilter(bare) === undefined);
}

function withoutNoise(query) {
  // A caret not followed by a number is a formula ("gamma^t", "x^2" is a boost of 2, kept), not
  // lunr's boost syntax, which fails on it and listed nothing: read it as a space.
  query = query.replace(/\^(?![\d.])/g, " ");
  // A minus before a digit is a negative number ("labels -100", "-5 dB"), not lunr's "must not
  // contain": read as an exclusion it dropped every answer that mentions the number.
  query = query.replace(/(^|\s)-(?=\d)/g, "$1");
  if (/["+\-~^:*]/.test(query.replace(/\b-\b/g, ""))) return query; // lunr syntax: as typed
  // Hyphens split words as the index does ("top-p" is "top" and "p"), so the short part
  // gets the exact-match rule below instead of matching every word that starts with "p".
  const words = query.split(/[\s-]+/).filter(Boolean);
  const kept = words.filter((word) => !isNoise(word));
  if (!kept.length) return query;
  return kept.map((word) => (/^[a-z0-9]{1,2}$/i.test(word) ? `${word}~0` : word)).join(" ");
}

// Results are re-ranked here. Material scores by lunr's BM25 with headings boosted 1000x, so one
// query word in a heading beat an answer holding every word in its text ("draft model acceptance
// rate" put an answer whose heading says "models" first), and among answers whose headings all
// held the words, the shortest heading won, whatever the answers said. An answer matches when it
// holds the query's words or words they begin, as the reader types (see withTheRest); the order
// is BM25F (Robertson et al., "Simple BM25 extension to multiple weighted fields", CIKM 2004) over
// three fields of each answer: its heading (weighted 5x), its meta line (tags and "also asked
// as" names, 3x) and its text. A result group (one question) is ranked by its answer entry.
// Every answer holding all the query's words is listed, and at least PARTIAL_KEPT answers in
// all: a query for a topic the handbook lacks ("graph neural network message passing") listed
// 180 answers that share one common word. tests/bench_pages.py measures the ranking on the tuned
// and the unseen queries.
const SETUP = 0; // Material's message type for the index (its SearchMessageType.SETUP)
const RESULT = 3; // Material's message type for results (its SearchMessageType.RESULT)
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
// location -> per field, how often each word occurs and how many words the field has
const answers = new Map();
const answersWith = new Map(); // word -> the answers that hold it, in index order
const documents = new Map(); // location -> the document as Material has it
let vocabulary = []; // every word of every answer
const averageLength = { title: 1, meta: 1, text: 1 };
let lastQuery = "";

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

// A field as the index counts it (handbook/search_index.py): "lora rank:3 adapter".
function counted(words) {
  const counts = new Map();
  let length = 0;
  for (const entry of words.split(" ")) {
    if (!entry) continue;
    const colon = entry.indexOf(":");
    const count = colon < 0 ? 1 : Number(entry.slice(colon + 1));
    counts.set(colon < 0 ? entry : entry.slice(0, colon), count);
    length += count;
  }
  return { counts, length };
}

function remember({ config, docs }) {
  if (config?.separator) separator = new RegExp(config.separator);
  for (const doc of docs) {
    if (!doc.words) continue; // a page or a card header
    const heading = tokens(doc.title); // in order, for the proximity bonus
    const answer = {
      title: field(heading),
      meta: counted(doc.words.meta),
      text: counted(doc.words.text),
      heading,
      cited: doc.cited || 0,
    };
    delete doc.words; // not needed again, and results would carry it to the page
    answers.set(doc.location, answer);
    for (const { counts } of [answer.title, answer.meta, answer.text]) {
      for (const word of counts.keys()) {
        const holders = answersWith.get(word);
        if (!holders) answersWith.set(word, [doc.location]);
        else if (holders[holders.length - 1] !== doc.location) holders.push(doc.location);
      }
    }
  }
  vocabulary = [...answersWith.keys()];
  for (const name of Object.keys(averageLength)) {
    let total = 0;
    for (const answer of answers.values()) total += answer[name].length;
    averageLength[name] = Math.max(1, total / Math.max(1, answers.size));
  }
}

// The query as lunr was given it: a word ending in "~0" matches exactly, any other as a prefix.
function queryTerms(query) {
  return withoutNoise(query)
    .toLowerCase()
    .split(/\s+/)
    .map((word) => ({ word: word.replace(/~0$/, "").replace(/^\W+|\W+$/g, ""), exact: word.endsWith("~0") }))
    .filter((term) => term.word);
}

function idf(found) {
  return Math.log(1 + (answers.size - found + 0.5) / (found + 0.5));
}

function saturated(answer, words) {
  let tf = 0;
  for (const [name, weight] of Object.entries(FIELD_WEIGHT)) {
    const { counts, length } = answer[name];
    let count = 0;
    for (const word of words) count += counts.get(word) || 0;
    tf += (weight * count) / (1 - B + (B * length) / averageLength[name]);
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

// For each query term: the words it matches, and how rare the word itself and the prefix are.
function expanded(term) {
  const exact = answersWith.has(term.word) ? [term.word] : [];
  const words = term.exact ? exact : vocabulary.filter((word) => word.startsWith(term.word));
  const one = term.exact ? null : singular(term.word);
  if (one && answersWith.has(one)) words.push(one);
  const holders = new Set();
  for (const word of words) for (const location of answersWith.get(word)) holders.add(location);
  return {
    words,
    matches: new Set(words),
    exact,
    exactRarity: idf(exact.length ? answersWith.get(term.word).length : 0),
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
function bm25f(answer, terms) {
  let score = 0;
  let covered = 0;
  for (const term of terms) {
    const prefix = saturated(answer, term.words);
    if (prefix > 0) covered += 1;
    score += Math.max(term.exactRarity * saturated(answer, term.exact), term.prefixRarity * prefix);
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

function ranked(group, terms, asksForCode) {
  const entry = group.find((doc) => answers.has(doc.location));
  if (!entry) return { complete: false, score: -Infinity };
  const answer = answers.get(entry.location);
  const result = bm25f(answer, terms);
  if (EXERCISE.test(entry.location)) result.score *= asksForCode ? CODE_INTENT.asked : CODE_INTENT.not;
  if (terms.length <= CITED_MAX_TERMS) result.score += CITED_WEIGHT * Math.log1p(answer.cited);
  return result;
}

// A card's header (the entry for the question alone, which matches no word itself) carries the
// words its answer matched, so opening it marks them in the answer (docs/javascripts/links.js)
// as opening one of its sections does.
function withAnswerTerms(group) {
  const terms = {};
  for (const doc of group) for (const [term, found] of Object.entries(doc.terms || {})) terms[term] ||= found;
  return group.map((doc) => (Object.keys(doc.terms || {}).length ? doc : { ...doc, terms }));
}

// lunr, in Material's worker, builds its index when search is first opened, and over the whole
// text of 801 answers that was most of the reader's first wait (in one profile, 6.7 s of adding
// documents to lunr against 1.6 s for the tables above). So the index gives lunr each answer's
// opening only (meta line and short answer, what a result's teaser shows: a ninth of the text)
// and the tables their word counts (handbook/search_index.py); the answers whose other text holds
// a query word are added to lunr's results here, unhighlighted. First search, measured alike:
// 6.5-6.9 s with the whole text, 3.1-3.7 s with lunr on the openings; the first result is the
// same for all 1,498 test queries. A query that excludes a word ("-word") or names a field
// ("title:word") in lunr's syntax is left to lunr.
function withTheRest(items, terms) {
  if (/(^|\s)-\S|\w:\w/.test(withoutNoise(lastQuery))) return items; // lunr's "not" or a field
  // Which query words an answer holds, in its whole text: Material lists the others as "Missing".
  const found = (location) => Object.fromEntries(terms.map((term) => [term.word, term.holders.has(location)]));
  const listed = new Set();
  // The answer leads its group, as it did when lunr scored its whole text: with only the opening
  // indexed, a heading that matched could outscore it, and Material shows a group by its first.
  const seen = items.map((group) =>
    group
      .map((doc) => {
        listed.add(doc.location);
        return answers.has(doc.location) ? { ...doc, terms: found(doc.location) } : doc;
      })
      .sort((a, b) => answers.has(b.location) - answers.has(a.location)),
  );
  const more = new Set();
  for (const term of terms) for (const location of term.holders) if (!listed.has(location)) more.add(location);
  const added = [...more].map((location) => {
    const doc = documents.get(location);
    const group = [{ ...doc, score: 0, terms: found(location) }];
    if (doc.parent) group.push({ ...doc.parent, score: 0, terms: {} });
    return group;
  });
  return seen.concat(added);
}

function reranked(message) {
  const fromLunr = message.data && message.data.items;
  if (!Array.isArray(fromLunr)) return message;
  const terms = queryTerms(lastQuery).map((term) => ({ ...expanded(term), word: term.word }));
  const items = withTheRest(fromLunr, terms);
  const asksForCode = ASKS_FOR_CODE.test(lastQuery);
  const order = items.map((group, position) => ({
    group: withAnswerTerms(group),
    position,
    ...ranked(group, terms, asksForCode),
  }));
  order.sort((a, b) => b.score - a.score || a.position - b.position);
  const complete = order.filter((result) => result.complete).length;
  const kept = order.slice(0, Math.max(complete, PARTIAL_KEPT));
  return { ...message, data: { ...message.data, items: kept.map(({ group }) => group) } };
}

const send = self.postMessage.bind(self);
self.postMessage = (message, ...rest) =>
  send(message && message.type === RESULT ? reranked(message) : message, ...rest);

addEventListener("message", (event) => {
  const message = event.data;
  if (message && message.type === QUERY && typeof message.data === "string") {
    lastQuery = message.data;
    message.data = withoutNoise(message.data);
  }
  if (message && message.type === SETUP && Array.isArray(message.data?.docs)) {
    uniqueNodeNames();
    remember(message.data);
    for (const doc of message.data.docs) documents.set(doc.location, doc);
  }
});

// Resolved against this file's own address: the offline site (file://) runs workers through the
// iframe-worker shim, where a relative path would resolve against the page instead.
const HERE = self.document?.currentScript?.src ?? self.location.href;
importScripts(new URL("../assets/javascripts/workers/search.a7633da7.min.js", HERE).href);

// lunr names each node of its word automaton by its edges' labels and child ids run together, and
// merges nodes with equal names while it builds the index. With digits as labels two different
// nodes can share a name ("1" to node 2 and "3" to node 4, or "1" to node 234: both "01234"), and
// the merged automaton then holds words the index does not: once the handbook grew, a query for
// "b" failed inside lunr ("Cannot read properties of undefined (reading '_index')") and found
// nothing. A separator after each id makes the names unique. It is set when the index arrives,
// not here: in the offline site importScripts is the iframe-worker shim's, and lunr may not be
// loaded yet when this file's last line runs.
function uniqueNodeNames() {
  lunr.TokenSet.prototype.toString = function () {
    if (this._str) return this._str;
    let name = this.final ? "1" : "0";
    for (const label of Object.keys(this.edges).sort()) name += `${label}${this.edges[label].id},`;
    return (this._str = name);
  };
}
