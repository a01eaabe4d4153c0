import sqlite3

import numpy as np

# SQLite stands in for "a relational database with a vector column": it shows the
# programming model of pgvector (filters, joins and transactions around an exact
# vector scan), not its speed.
rng = np.random.default_rng(0)
n, d = 2_000, 64
emb = rng.normal(size=(n, d)).astype("float32")
tenant = rng.choice(["acme", "globex", "initech"], size=n)
year = rng.integers(2015, 2027, size=n)

db = sqlite3.connect(
    ":memory:", isolation_level=None
)  # autocommit; BEGIN/COMMIT/ROLLBACK by hand
db.create_function(
    "l2sq",
    2,
    lambda a, b: float(
        ((np.frombuffer(a, "float32") - np.frombuffer(b, "float32")) ** 2).sum()
    ),
    deterministic=True,
)
db.execute("CREATE TABLE tenants (name TEXT PRIMARY KEY, plan TEXT)")
db.executemany(
    "INSERT INTO tenants VALUES (?, ?)",
    [("acme", "pro"), ("globex", "free"), ("initech", "pro")],
)
db.execute(
    "CREATE TABLE docs (id INTEGER PRIMARY KEY, tenant TEXT REFERENCES tenants,"
    " year INT, embedding BLOB)"
)
db.execute("BEGIN")
db.executemany(
    "INSERT INTO docs VALUES (?, ?, ?, ?)",
    [(i, str(tenant[i]), int(year[i]), emb[i].tobytes()) for i in range(n)],
)
db.execute("COMMIT")

query = rng.normal(size=d).astype("float32")
sql = """SELECT d.id FROM docs d JOIN tenants t ON t.name = d.tenant
         WHERE t.plan = 'pro' AND d.year >= 2024
         ORDER BY l2sq(d.embedding, ?) LIMIT 5"""
top = [r[0] for r in db.execute(sql, (query.tobytes(),))]

# The same query in NumPy: filter, then exact nearest neighbours.
ok = np.flatnonzero(np.isin(tenant, ["acme", "initech"]) & (year >= 2024))
expected = ok[np.argsort(((emb[ok] - query) ** 2).sum(1))[:5]].tolist()
print("SQL filter + join + vector ORDER BY == NumPy:", top == expected)

# Deleting a document and its vector is one transaction: no second store to sync.
db.execute("BEGIN")
db.execute("DELETE FROM docs WHERE id = ?", (top[0],))
db.execute("ROLLBACK")
print(
    "rolled-back delete: the document is still the top hit:",
    next(db.execute(sql, (query.tobytes(),)))[0] == top[0],
)
db.execute("BEGIN")
db.execute("DELETE FROM docs WHERE id = ?", (top[0],))
db.execute("COMMIT")
after = [r[0] for r in db.execute(sql, (query.tobytes(),))]
print("committed delete: gone, and the next neighbour moves up:", after[:4] == top[1:])
