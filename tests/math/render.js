// Render formulas with the KaTeX the site ships, failing on any error KaTeX reports.
// stdin: JSON [{where, tex, display}]; stdout: JSON [{where, tex, error}] for the ones that fail.
const path = require("path");
const katex = require(path.join(__dirname, "..", "..", "docs", "assets", "vendor", "katex", "katex.min.js"));

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const failures = [];
  for (const { where, tex, display } of JSON.parse(input)) {
    try {
      katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error" });
    } catch (error) {
      failures.push({ where, tex, error: String(error.message || error) });
    }
  }
  process.stdout.write(JSON.stringify(failures));
});
