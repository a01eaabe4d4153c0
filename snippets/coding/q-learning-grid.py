# --8<-- [start:signature]
import numpy as np

MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]  # actions 0..3: up, down, left, right


def q_update(
    Q: np.ndarray,
    s: int,
    a: int,
    r: float,
    s_next: int,
    done: bool,
    alpha: float,
    gamma: float,
) -> None:
    """One Q-learning update, in place: Q[s, a] += alpha * (target - Q[s, a]), where
    target = r if done else r + gamma * max(Q[s_next])."""
    raise NotImplementedError


def q_learning_grid(
    n_rows: int,
    n_cols: int,
    goal: tuple[int, int],
    episodes: int,
    rng: np.random.Generator,
    alpha: float = 0.5,
    gamma: float = 0.9,
    epsilon: float = 0.2,
    max_steps: int = 100,
) -> np.ndarray:
    """Tabular Q-learning on a grid. State r * n_cols + c; every episode starts at
    (0, 0); actions move as in MOVES, and a move off the grid leaves the agent where it
    is. Every step gives reward -1; reaching the goal ends the episode. Behaviour is
    epsilon-greedy (a random action with probability epsilon, else argmax Q). Q starts
    at zeros. Returns Q of shape (n_rows * n_cols, 4)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np

MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]  # actions 0..3: up, down, left, right


def q_update(
    Q: np.ndarray,
    s: int,
    a: int,
    r: float,
    s_next: int,
    done: bool,
    alpha: float,
    gamma: float,
) -> None:
    # off-policy: bootstrap from the best next action, whatever the agent does next
    target = r if done else r + gamma * Q[s_next].max()
    Q[s, a] += alpha * (target - Q[s, a])


def q_learning_grid(
    n_rows: int,
    n_cols: int,
    goal: tuple[int, int],
    episodes: int,
    rng: np.random.Generator,
    alpha: float = 0.5,
    gamma: float = 0.9,
    epsilon: float = 0.2,
    max_steps: int = 100,
) -> np.ndarray:
    Q = np.zeros((n_rows * n_cols, 4))
    for _ in range(episodes):
        r, c = 0, 0
        for _ in range(max_steps):
            s = r * n_cols + c
            a = rng.integers(4) if rng.random() < epsilon else int(np.argmax(Q[s]))
            r = min(max(r + MOVES[a][0], 0), n_rows - 1)
            c = min(max(c + MOVES[a][1], 0), n_cols - 1)
            done = (r, c) == goal
            q_update(Q, s, a, -1.0, r * n_cols + c, done, alpha, gamma)
            if done:
                break
    return Q


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def greedy_path_length(Q, n_rows, n_cols, goal, limit=50):
    r, c = 0, 0
    for step in range(1, limit + 1):
        dr, dc = [(-1, 0), (1, 0), (0, -1), (0, 1)][int(np.argmax(Q[r * n_cols + c]))]
        r, c = min(max(r + dr, 0), n_rows - 1), min(max(c + dc, 0), n_cols - 1)
        if (r, c) == goal:
            return step
    return None  # the greedy policy never arrives


def test_q_learning_worked_example():
    Q = np.zeros((2, 4))
    Q[1] = [0.0, -2.0, 1.0, 0.5]
    q_update(Q, 0, 3, -1.0, 1, False, alpha=0.5, gamma=0.9)
    assert Q[0, 3] == pytest.approx(0.5 * (-1.0 + 0.9 * 1.0))
    q_update(Q, 0, 2, -1.0, 1, True, alpha=0.5, gamma=0.9)  # terminal: no bootstrap
    assert Q[0, 2] == pytest.approx(-0.5)


def test_q_learning_grid_learns_a_shortest_path():
    Q = q_learning_grid(4, 5, (3, 4), episodes=300, rng=np.random.default_rng(0))
    assert Q.shape == (20, 4)
    assert greedy_path_length(Q, 4, 5, (3, 4)) == 7  # 3 down and 4 right, in some order


def test_q_learning_grid_start_value_is_the_optimal_return():
    # the optimal return from the start is -(1 + 0.9 + ... + 0.9^6) for 7 steps
    Q = q_learning_grid(4, 5, (3, 4), episodes=300, rng=np.random.default_rng(1))
    optimal = -sum(0.9**t for t in range(7))
    assert Q[0].max() == pytest.approx(optimal, abs=0.05)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_q_learning_worked_example,
    test_q_learning_grid_learns_a_shortest_path,
    test_q_learning_grid_start_value_is_the_optimal_return,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
Q = q_learning_grid(4, 5, (3, 4), episodes=300, rng=np.random.default_rng(0))
print(f"optimal return from the start: {-sum(0.9**t for t in range(7)):.4f}")
print(f"learned max Q at the start:    {Q[0].max():.4f}")
arrows = np.array(list("^v<>"))[Q.argmax(axis=1)].reshape(4, 5)
arrows[3, 4] = "G"
print("\n".join(" ".join(row) for row in arrows))
# --8<-- [end:check]
