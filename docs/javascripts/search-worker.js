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
