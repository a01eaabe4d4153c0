// Material's search worker, with one change made before it sees a query: words that lunr's
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
  if (/["+\-~^:*]/.test(query.replace(/\b-\b/g, ""))) return query; // lunr syntax: as typed
  // Hyphens split words as the index does ("top-p" is "top" and "p"), so the short part
  // gets the exact-match rule below instead of matching every word that starts with "p".
  const words = query.split(/[\s-]+/).filter(Boolean);
  const kept = words.filter((word) => !isNoise(word));
  if (!kept.length) return query;
  return kept.map((word) => (/^[a-z0-9]{1,2}$/i.test(word) ? `${word}~0` : word)).join(" ");
}

// Material scores an answer by lunr's BM25 with headings boosted 1000x, and multiplies by at most
// 2 for the share of the query's words it holds, so one query word in a heading beat an answer
// holding every word in its text ("draft model acceptance rate" put an answer whose heading says
// "models" first). Results are re-ordered: answers that hold more of the query's words come
// first, and lunr's order decides among equals. A result group (one question) counts as its best
// entry. Every answer holding all the words is listed, and at least PARTIAL_KEPT answers in all:
// a query for a topic the handbook lacks ("graph neural network message passing") listed 180
// answers that share one common word.
const RESULT = 3; // Material's message type for results (its SearchMessageType.RESULT)
const PARTIAL_KEPT = 10;

function share(doc) {
  const found = Object.values(doc.terms || {});
  return found.length ? found.filter(Boolean).length / found.length : 0;
}

function best(group) {
  return group.reduce(
    (top, doc) => {
      const covered = share(doc);
      return covered > top.covered || (covered === top.covered && doc.score > top.score)
        ? { covered, score: doc.score }
        : top;
    },
    { covered: -1, score: -Infinity },
  );
}

// A card's header (the entry for the question alone, which matches no word itself) carries the
// words its answer matched, so opening it marks them in the answer (docs/javascripts/links.js)
// as opening one of its sections does.
function withAnswerTerms(group) {
  const terms = {};
  for (const doc of group) for (const [term, found] of Object.entries(doc.terms || {})) terms[term] ||= found;
  return group.map((doc) => (Object.keys(doc.terms || {}).length ? doc : { ...doc, terms }));
}

function reranked(message) {
  const items = message.data && message.data.items;
  if (!Array.isArray(items)) return message;
  const order = items.map((group, position) => ({ group: withAnswerTerms(group), position, ...best(group) }));
  order.sort((a, b) => b.covered - a.covered || b.score - a.score || a.position - b.position);
  const complete = order.filter(({ covered }) => covered === 1).length;
  const kept = order.slice(0, Math.max(complete, PARTIAL_KEPT));
  return { ...message, data: { ...message.data, items: kept.map(({ group }) => group) } };
}

const send = self.postMessage.bind(self);
self.postMessage = (message, ...rest) =>
  send(message && message.type === RESULT ? reranked(message) : message, ...rest);

addEventListener("message", (event) => {
  const message = event.data;
  if (message && message.type === QUERY && typeof message.data === "string") {
    message.data = withoutNoise(message.data);
  }
});

// Resolved against this file's own address: the offline site (file://) runs workers through the
// iframe-worker shim, where a relative path would resolve against the page instead.
const HERE = self.document?.currentScript?.src ?? self.location.href;
importScripts(new URL("../assets/javascripts/workers/search.a7633da7.min.js", HERE).href);
