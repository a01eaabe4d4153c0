# --8<-- [start:signature]
import numpy as np


def als(
    R: np.ndarray,
    mask: np.ndarray,
    rank: int,
    reg: float,
    n_iters: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Matrix factorisation R ~ U @ V.T by alternating least squares on observed
    entries.

    R (m, n) ratings, mask (m, n) True where observed. Minimises
    L = sum over observed (i, j) of (R[i, j] - U[i] @ V[j]) ** 2
        + reg * (|U|^2 + |V|^2).
    Start from small random U (m, rank) and V (n, rank); each iteration solves exactly
    for every row of U with V fixed, then for every row of V with U fixed. Returns
    (U, V, losses), losses[t] = L after iteration t.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def als(
    R: np.ndarray,
    mask: np.ndarray,
    rank: int,
    reg: float,
    n_iters: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    m, n = R.shape
    U = 0.1 * rng.normal(size=(m, rank))
    V = 0.1 * rng.normal(size=(n, rank))

    def solve_rows(A, B, R, mask):
        # row i of A: ridge regression of R[i, observed] on the rows of B it observed
        for i in range(A.shape[0]):
            Bi = B[mask[i]]
            A[i] = np.linalg.solve(Bi.T @ Bi + reg * np.eye(rank), Bi.T @ R[i, mask[i]])

    losses = []
    for _ in range(n_iters):
        solve_rows(U, V, R, mask)
        solve_rows(V, U, R.T, mask.T)
        residual = np.where(mask, R - U @ V.T, 0.0)
        losses.append(float(np.sum(residual**2) + reg * (np.sum(U**2) + np.sum(V**2))))
    return U, V, losses


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def low_rank_problem(seed, m=40, n=30, rank=2, observed=0.5):
    rng = np.random.default_rng(seed)
    R = rng.normal(size=(m, rank)) @ rng.normal(size=(rank, n))
    mask = rng.random((m, n)) < observed
    return R, mask


def test_als_worked_example():
    R = np.outer([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0])  # rank 1; R[3, 2] = 12
    mask = np.ones_like(R, dtype=bool)
    mask[3, 2] = False  # hide one entry
    U, V, _ = als(R, mask, rank=1, reg=1e-3, n_iters=200, rng=np.random.default_rng(0))
    assert abs(U[3] @ V[2] - 12.0) < 0.1


def test_als_loss_never_increases_and_v_is_optimal():
    R, mask = low_rank_problem(1)
    U, V, losses = als(
        R, mask, rank=2, reg=0.1, n_iters=20, rng=np.random.default_rng(0)
    )
    assert len(losses) == 20
    assert np.all(np.diff(losses) <= 1e-9 * losses[0])
    # after the last V step, the gradient of L with respect to V is zero
    residual = np.where(mask, R - U @ V.T, 0.0)
    grad_V = -2 * residual.T @ U + 2 * 0.1 * V
    np.testing.assert_allclose(grad_V, 0.0, atol=1e-8)


def test_als_recovers_hidden_entries_of_a_low_rank_matrix():
    R, mask = low_rank_problem(2)
    U, V, _ = als(R, mask, rank=2, reg=1e-3, n_iters=100, rng=np.random.default_rng(0))
    rmse = np.sqrt(np.mean((U @ V.T - R)[~mask] ** 2))
    assert rmse < 0.05


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_als_worked_example,
    test_als_loss_never_increases_and_v_is_optimal,
    test_als_recovers_hidden_entries_of_a_low_rank_matrix,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
R = np.outer([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
mask = np.ones_like(R, dtype=bool)
mask[3, 2] = False
U, V, _ = als(R, mask, rank=1, reg=1e-3, n_iters=200, rng=np.random.default_rng(0))
print(f"hidden entry R[3, 2] = 12, predicted {U[3] @ V[2]:.3f}")
R, mask = low_rank_problem(2)
for rank in (1, 2, 5):
    U, V, losses = als(
        R, mask, rank, reg=1e-3, n_iters=100, rng=np.random.default_rng(0)
    )
    train = np.sqrt(np.mean((U @ V.T - R)[mask] ** 2))
    held_out = np.sqrt(np.mean((U @ V.T - R)[~mask] ** 2))
    print(f"rank {rank}: RMSE observed {train:.3f}, hidden {held_out:.3f}")
# --8<-- [end:check]
