"""The ML coding round: Learning loops: factorisation, Q-learning, bandits and GAE. Practice file with 7 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest learning-loops.py                 # every exercise
    pytest learning-loops.py -k <function>   # one exercise, e.g. -k als

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import math
import random
from functools import cache

import numpy as np
import pytest
import torch


# --------------------------------------------------------------------------------------
# 1. How do you implement matrix factorisation with alternating least squares?
# Handbook: coding/learning-loops/#als-matrix-factorization
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 2. How do you implement tabular Q-learning on a grid world?
# Handbook: coding/learning-loops/#q-learning-grid
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 3. Implement ε-greedy, UCB1 and Thompson sampling for a Bernoulli bandit, and compare their regret.
# Handbook: coding/learning-loops/#bandit-algorithms
# --------------------------------------------------------------------------------------


class EpsilonGreedy:
    """With probability epsilon, play an arm drawn uniformly from all n_arms (the
    greedy one included); otherwise the arm with the highest empirical mean, where an
    arm never played counts as best, so every arm is tried early. Ties go to the
    lowest index. self.counts[a]: plays of arm a; self.means[a]: its mean reward."""

    def __init__(self, n_arms: int, epsilon: float = 0.1):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class UCB1:
    """Auer, Cesa-Bianchi and Fischer (2002). index() returns, for every arm,
    means[a] + sqrt(2 ln t / counts[a]), with t the number of plays so far (all
    arms), and inf for an arm never played. select(rng) plays the arm with the
    largest index, the lowest index among ties, so each arm is played once first, in
    order; it uses no randomness (rng is accepted for the common interface)."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def index(self) -> np.ndarray:
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


class ThompsonSampling:
    """Bernoulli Thompson sampling with a Beta(1, 1) prior on every arm. self.alpha[a]
    is 1 + successes of arm a, self.beta[a] is 1 + failures (rewards are 0 or 1).
    select(rng) draws one mean per arm from its Beta posterior and plays the largest."""

    def __init__(self, n_arms: int):
        raise NotImplementedError

    def select(self, rng: np.random.Generator) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        raise NotImplementedError


def run(policy, probs, horizon: int, rng: np.random.Generator) -> np.ndarray:
    """Play `horizon` rounds against Bernoulli arms with success probabilities `probs`:
    arm = policy.select(rng), reward 1 with probability probs[arm] (drawn with rng),
    else 0, then policy.update(arm, reward). Return the cumulative pseudo-regret after
    every round, shape (horizon,): regret[t - 1] = t * max(probs) - (sum of
    probs[arm] over the first t rounds); it uses the means, not the noisy rewards."""
    raise NotImplementedError


def bandit_policies(n_arms):
    return {
        "epsilon-greedy": EpsilonGreedy(n_arms, epsilon=0.1),
        "UCB1": UCB1(n_arms),
        "Thompson": ThompsonSampling(n_arms),
    }


def test_bandit_worked_example():
    ucb = UCB1(2)
    for arm, reward in [(0, 1), (1, 0), (0, 1), (0, 0)]:
        ucb.update(arm, reward)
    # t = 4 plays; arm 0: mean 2/3 from 3 plays, arm 1: mean 0 from 1 play
    expected = [2 / 3 + math.sqrt(2 * math.log(4) / 3), math.sqrt(2 * math.log(4))]
    assert ucb.index() == pytest.approx(expected)
    assert ucb.index() == pytest.approx([1.62802, 1.66511], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 1  # the arm with mean 0 wins
    ucb.update(1, 0)
    assert ucb.index() == pytest.approx([1.70251, 1.26864], abs=1e-5)
    assert ucb.select(np.random.default_rng(0)) == 0
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    assert ts.alpha == pytest.approx([3, 1])
    assert ts.beta == pytest.approx([2, 2])


def test_bandit_selection_probabilities():
    # Thompson, posteriors Beta(3, 2) and Beta(1, 2): P(arm 0) = P(X > Y) = 0.8
    ts = ThompsonSampling(2)
    for arm, reward in [(0, 1), (0, 1), (0, 0), (1, 0)]:
        ts.update(arm, reward)
    rng = np.random.default_rng(1)
    share = np.mean([ts.select(rng) == 0 for _ in range(20_000)])
    assert share == pytest.approx(0.8, abs=0.015)  # 5 standard errors
    # epsilon-greedy: the greedy arm with probability 1 - 0.3 + 0.3 / 3 = 0.8
    eg = EpsilonGreedy(3, epsilon=0.3)
    for arm, reward in [(0, 0), (1, 1), (2, 0), (1, 0)]:
        eg.update(arm, reward)
    assert list(eg.counts) == [1, 2, 1]
    assert eg.means == pytest.approx([0.0, 0.5, 0.0])
    rng = np.random.default_rng(2)
    picks = np.bincount([eg.select(rng) for _ in range(20_000)], minlength=3)
    assert picks / 20_000 == pytest.approx([0.1, 0.8, 0.1], abs=0.015)


def test_bandit_ucb1_plays_every_arm_once_and_breaks_ties_by_index():
    ucb = UCB1(4)
    assert np.all(np.isinf(ucb.index()))
    first = []
    for reward in [1, 0, 1, 0]:
        first.append(ucb.select(np.random.default_rng(len(first))))
        ucb.update(first[-1], reward)
    assert first == [0, 1, 2, 3]
    # arms 0 and 2 now tie (mean 1, one play each): the lower index, whatever the rng
    assert ucb.index()[0] == ucb.index()[2]
    picks = {ucb.select(np.random.default_rng(seed)) for seed in range(5)}
    assert picks == {0}
    # selecting changes nothing: only update does
    assert list(ucb.counts) == [1, 1, 1, 1]


def test_bandit_thompson_posterior_counts_successes_and_failures():
    ts = ThompsonSampling(3)
    assert ts.alpha == pytest.approx([1, 1, 1])
    assert ts.beta == pytest.approx([1, 1, 1])
    rng = np.random.default_rng(3)
    arms = rng.integers(3, size=200)
    rewards = (rng.random(200) < 0.4).astype(float)
    for arm, reward in zip(arms, rewards):
        ts.update(int(arm), reward)
    successes = np.bincount(arms, weights=rewards, minlength=3)
    failures = np.bincount(arms, weights=1 - rewards, minlength=3)
    assert ts.alpha == pytest.approx(1 + successes)
    assert ts.beta == pytest.approx(1 + failures)
    # through run(): every round adds exactly one observation
    ts = ThompsonSampling(3)
    run(ts, [0.2, 0.5, 0.7], 500, np.random.default_rng(4))
    assert np.sum(ts.alpha + ts.beta - 2) == pytest.approx(500)


def test_bandit_run_returns_the_pseudo_regret():
    class AlwaysArmOne:
        def __init__(self):
            self.rewards = []

        def select(self, rng):
            return 1

        def update(self, arm, reward):
            self.rewards.append(reward)

    policy = AlwaysArmOne()
    regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(5))
    assert regret.shape == (10_000,)
    # the gap 0.4 per round, exactly: no reward noise in the pseudo-regret
    assert regret == pytest.approx(0.4 * np.arange(1, 10_001))
    assert set(policy.rewards) == {0.0, 1.0}
    assert np.mean(policy.rewards) == pytest.approx(0.3, abs=0.025)  # 5 s.e.


def test_bandit_policies_beat_uniform_random_play():
    # 2 arms, gap 0.4: playing uniformly at random costs 0.2 per round, 2,000 in all
    for name, policy in bandit_policies(2).items():
        regret = run(policy, [0.7, 0.3], 10_000, np.random.default_rng(6))
        assert regret[-1] < 0.25 * 2_000, name


def test_bandit_regret_growth_sublinear_or_linear():
    # 3 runs each; regret summed over the runs at T = 1,000 and at 10T = 10,000
    probs, seeds = [0.7, 0.3], range(10, 13)
    for name in ["UCB1", "Thompson"]:
        curves = [
            run(bandit_policies(2)[name], probs, 10_000, np.random.default_rng(s))
            for s in seeds
        ]
        at_t = sum(c[999] for c in curves)
        at_10t = sum(c[-1] for c in curves)
        assert at_10t < 4 * at_t, name  # linear growth would give about 10 times
    # fixed epsilon: after the start, regret per round ~ epsilon * (mean gap of all
    # arms) = 0.1 * 0.2 = 0.02, for ever
    curves = [
        run(EpsilonGreedy(2, 0.1), probs, 10_000, np.random.default_rng(s))
        for s in seeds
    ]
    per_round = np.mean([(c[-1] - c[999]) / 9_000 for c in curves])
    assert per_round == pytest.approx(0.02, rel=0.2)


# --------------------------------------------------------------------------------------
# 4. Implement Monte Carlo tree search (UCT) and use it to play tic-tac-toe.
# Handbook: coding/learning-loops/#mcts-uct
# --------------------------------------------------------------------------------------


# Given: tic-tac-toe. A board is a tuple of 9 cells, row by row: 1 for X, -1 for O,
# 0 for empty. X moves first, so X is to move when the board sums to 0.
# rows, columns, diagonals
TTT_LINES = (
    (0, 1, 2), (3, 4, 5), (6, 7, 8),
    (0, 3, 6), (1, 4, 7), (2, 5, 8),
    (0, 4, 8), (2, 4, 6),
)  # fmt: skip
# the lines through each cell: after a move, only these can have become a win
TTT_LINES_THROUGH = tuple(tuple(ln for ln in TTT_LINES if i in ln) for i in range(9))


def ttt_winner(board: tuple) -> int:
    """1 if X has three in a row, -1 if O has, else 0 (game on, or a draw)."""
    for a, b, c in TTT_LINES:
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def ttt_to_move(board: tuple) -> int:
    return 1 if sum(board) == 0 else -1


def ttt_moves(board: tuple) -> list:
    """The empty cells in increasing order; none once someone has won."""
    if ttt_winner(board):
        return []
    return [i for i in range(9) if board[i] == 0]


def ttt_play(board: tuple, cell: int) -> tuple:
    """The board after the player to move marks `cell`."""
    return board[:cell] + (ttt_to_move(board),) + board[cell + 1 :]


class MCTSNode:
    """A position in the search tree. `player` made the move into it (at the root, the
    opponent of the player to move). `value_sum` adds up the results of the simulations
    through the node from `player`'s point of view (+1 a win, 0 a draw, -1 a loss), so a
    parent picks the child that is best for the player to move there: the negamax view.
    """

    def __init__(self, board: tuple, parent=None, move=None):
        self.board, self.parent, self.move = board, parent, move
        self.player = -ttt_to_move(board)
        self.children = {}  # move -> MCTSNode, in the order they were expanded
        self.untried = ttt_moves(board)  # legal moves with no child yet
        self.visits = 0
        self.value_sum = 0.0


def mcts_select(node: MCTSNode, c: float) -> MCTSNode:
    """Selection by UCB1 applied to trees (UCT): the child that maximises
        child.value_sum / child.visits + c * sqrt(ln(node.visits) / child.visits),
    the first in node.children order among ties. Called when node.untried is empty."""
    raise NotImplementedError


def mcts_expand(node: MCTSNode, rng: random.Random) -> MCTSNode:
    """Expansion: remove a move drawn uniformly with rng from node.untried, add the
    child MCTSNode(board after the move, node, move) to node.children, return it."""
    raise NotImplementedError


def mcts_rollout(board: tuple, rng: random.Random) -> int:
    """Simulation: play uniformly random moves (drawn with rng) from `board` until the
    game ends; return the winner, 1 (X), -1 (O) or 0 (a draw). A finished board
    returns its result at once."""
    raise NotImplementedError


def mcts_backup(node: MCTSNode, winner: int) -> None:
    """Backpropagation: from `node` up to the root, add 1 to visits and the result
    from each node's own player's point of view to value_sum."""
    raise NotImplementedError


def mcts_search(
    board: tuple, n_simulations: int, rng: random.Random, c: float = 1.4
) -> MCTSNode:
    """Build a tree from a new root on `board` (a position with a legal move) with
    n_simulations simulations: select with mcts_select while the node has no untried
    move and has children; expand once if it has an untried move; roll out from the
    node reached (a finished game is its own result); back up. Return the root."""
    raise NotImplementedError


def mcts_best_move(root: MCTSNode) -> int:
    """The move to play: that of the root's most visited child (the lowest move among
    ties), not that of the child with the best mean value."""
    raise NotImplementedError


@cache
def ttt_minimax_value(board: tuple) -> int:
    """The game's value for the player to move with perfect play: 1, 0 or -1.
    Cached: tic-tac-toe has 5,478 positions reachable from the empty board."""
    if ttt_winner(board):
        return -1  # the player who just moved has won
    moves = ttt_moves(board)
    if not moves:
        return 0
    return max(-ttt_minimax_value(ttt_play(board, m)) for m in moves)


def ttt_minimax_move(board: tuple, rng: random.Random) -> int:
    """A perfect player: a move drawn uniformly among those that keep the value."""
    value = ttt_minimax_value(board)
    moves = ttt_moves(board)
    return rng.choice(
        [m for m in moves if -ttt_minimax_value(ttt_play(board, m)) == value]
    )


@cache
def ttt_playout_odds(board: tuple) -> tuple:
    """Exact probabilities (X wins, O wins, draw) of uniformly random play."""
    winner, moves = ttt_winner(board), ttt_moves(board)
    if winner or not moves:
        return (float(winner == 1), float(winner == -1), float(winner == 0))
    odds = [ttt_playout_odds(ttt_play(board, m)) for m in moves]
    return tuple(sum(o[k] for o in odds) / len(moves) for k in range(3))


def ttt_game(mcts_plays: int, opponent: str, n_simulations, c, rng) -> int:
    """One game from the empty board, MCTS playing X (1) or O (-1) against "random"
    or "minimax"; returns the result for MCTS: 1, 0 or -1."""
    board = (0,) * 9
    while ttt_moves(board):
        if ttt_to_move(board) == mcts_plays:
            move = mcts_best_move(mcts_search(board, n_simulations, rng, c))
        elif opponent == "random":
            move = rng.choice(ttt_moves(board))
        else:
            move = ttt_minimax_move(board, rng)
        board = ttt_play(board, move)
    return ttt_winner(board) * mcts_plays


def ttt_tree(node):
    """Every node of the tree below `node`, `node` included."""
    yield node
    for child in node.children.values():
        yield from ttt_tree(child)


TTT_EXAMPLE = (1, 1, -1, -1, 0, 1, 0, -1, 0)  # X to move; moves 4, 6 and 8 are left


def ttt_hand_made_root():
    """The worked example's root: statistics set by hand on three of its children."""
    root = MCTSNode(TTT_EXAMPLE)
    for move, visits, value_sum in [(4, 6, 3.0), (6, 3, 2.0), (8, 1, -1.0)]:
        child = MCTSNode(ttt_play(root.board, move), root, move)
        child.visits, child.value_sum = visits, value_sum
        root.children[move] = child
        root.untried.remove(move)
    root.visits = 10
    return root


def test_mcts_worked_example():
    root = ttt_hand_made_root()
    log10 = math.log(10)
    scores = [0.5 + 1.4 * math.sqrt(log10 / 6), 2 / 3 + 1.4 * math.sqrt(log10 / 3)]
    scores.append(-1 + 1.4 * math.sqrt(log10 / 1))
    assert scores == pytest.approx([1.36728, 1.89319, 1.12440], abs=1e-5)
    assert mcts_select(root, c=1.4).move == 6
    assert mcts_select(root, c=0.0).move == 6  # greedy: the best mean, 2/3
    assert mcts_select(root, c=4.0).move == 8  # one visit: the largest bonus
    assert mcts_best_move(root) == 4  # most visits, though 6's mean is higher
    # backup: X plays 4, O plays 0, and X wins the rollout
    empty = MCTSNode((0,) * 9)
    x_moved = MCTSNode(ttt_play(empty.board, 4), empty, 4)
    o_moved = MCTSNode(ttt_play(x_moved.board, 0), x_moved, 0)
    mcts_backup(o_moved, winner=1)
    assert [n.value_sum for n in (empty, x_moved, o_moved)] == [-1.0, 1.0, -1.0]
    mcts_backup(o_moved, winner=0)
    assert [n.value_sum for n in (empty, x_moved, o_moved)] == [-1.0, 1.0, -1.0]
    assert [n.visits for n in (empty, x_moved, o_moved)] == [2, 2, 2]


def test_mcts_expand_and_rollout():
    root = MCTSNode((0,) * 9)
    for _ in range(9):
        child = mcts_expand(root, random.Random(len(root.children)))
        assert child.parent is root and root.children[child.move] is child
        assert child.board == ttt_play(root.board, child.move)
    assert sorted(root.children) == list(range(9)) and root.untried == []
    firsts = {
        mcts_expand(MCTSNode((0,) * 9), random.Random(s)).move for s in range(200)
    }
    assert firsts == set(range(9))  # the move is drawn, not taken in order
    # a finished game is its own result
    assert mcts_rollout((1, 1, 1, -1, -1, 0, 0, 0, 0), random.Random(0)) == 1
    draw = (1, -1, 1, 1, -1, -1, -1, 1, 1)
    assert mcts_rollout(draw, random.Random(0)) == 0
    # the outcomes of uniformly random play, against their exact probabilities
    for board in [(0, 0, 0, 0, 1, 0, 0, 0, -1), (1, 0, 0, 0, -1, 0, 0, 0, 0)]:
        rng = random.Random(1)
        results = [mcts_rollout(board, rng) for _ in range(20_000)]
        for share, p in zip(
            [results.count(w) / 20_000 for w in (1, -1, 0)], ttt_playout_odds(board)
        ):
            assert share == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / 20_000))


def test_mcts_visit_counts_add_up():
    for board, n in [((0,) * 9, 1), ((0,) * 9, 9), ((0,) * 9, 500), (TTT_EXAMPLE, 300)]:
        root = mcts_search(board, n, random.Random(n))
        assert root.visits == n
        assert sum(ch.visits for ch in root.children.values()) == n
        assert root.value_sum == -sum(ch.value_sum for ch in root.children.values())
        assert len(root.children) == min(n, len(ttt_moves(board)))
        for node in ttt_tree(root):
            assert abs(node.value_sum) <= node.visits
            if node is not root and node.children:
                # its own rollout once, then one visit per simulation through it
                assert node.visits == 1 + sum(c.visits for c in node.children.values())
            if not ttt_moves(node.board):
                # a finished game: the same result on every visit
                result = ttt_winner(node.board) * node.player
                assert node.value_sum == node.visits * result


def test_mcts_wins_at_once_and_blocks():
    positions = {
        (1, 1, 0, -1, -1, 0, 0, 0, 0): 2,  # X wins at 2
        (1, 1, 0, -1, -1, 0, 1, 0, 0): 5,  # O wins at 5 rather than block 2
        (1, 1, 0, 0, -1, 0, 0, 0, 0): 2,  # O must block at 2
        (-1, -1, 0, 1, 0, 0, 0, 0, 1): 2,  # X must block at 2
    }
    for board, move in positions.items():
        # the only move that keeps the game's value
        keep = [
            m
            for m in ttt_moves(board)
            if -ttt_minimax_value(ttt_play(board, m)) == ttt_minimax_value(board)
        ]
        assert keep == [move]
        for seed in range(3):
            root = mcts_search(board, 300, random.Random(seed), c=1.4)
            assert mcts_best_move(root) == move


def test_mcts_root_value_of_a_won_position_approaches_one():
    board = (1, 1, 0, -1, -1, 0, 0, 0, 0)  # X to move wins at 2
    values = []
    for n in [30, 300, 3000]:
        root = mcts_search(board, n, random.Random(0), c=1.4)
        # the root's value for the player to move: minus its player's mean
        values.append(-root.value_sum / root.visits)
    assert values[0] < values[1] < values[2]
    assert values[2] > 0.9


def test_mcts_is_deterministic_with_a_seeded_rng():
    def visits(seed):
        root = mcts_search((0,) * 9, 200, random.Random(seed))
        return {m: (ch.visits, ch.value_sum) for m, ch in root.children.items()}

    assert visits(7) == visits(7)
    assert visits(7) != visits(8)


def test_mcts_plays_well_from_the_empty_board():
    # 2,000 simulations: draws only against a perfect player, 5 games as X, 5 as O
    results = [
        ttt_game(1 if g % 2 == 0 else -1, "minimax", 2000, 1.4, random.Random(g))
        for g in range(10)
    ]
    assert results == [0] * 10
    # 200 simulations against uniformly random moves: 20 games, 10 as X, 10 as O
    results = [
        ttt_game(1 if g % 2 == 0 else -1, "random", 200, 1.4, random.Random(g))
        for g in range(20)
    ]
    assert results.count(1) >= 15 and results.count(-1) <= 1


# --------------------------------------------------------------------------------------
# 5. Compute generalised advantage estimates (GAE) for a batch of rollouts with episode ends.
# Handbook: coding/learning-loops/#gae-advantages
# --------------------------------------------------------------------------------------


def gae_advantages(
    rewards: np.ndarray,
    values: np.ndarray,
    terminated: np.ndarray,
    truncated: np.ndarray,
    last_values: np.ndarray,
    final_values: np.ndarray,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Generalised advantage estimates for a rollout of T steps in N parallel envs.

    rewards, values, terminated, truncated, final_values: shape (T, N). values[t] is
    V(s_t), the value of the observation at which action t was taken; rewards[t],
    terminated[t] and truncated[t] are what step t returned. An env that ends an
    episode at step t resets, so values[t + 1] belongs to its next episode.
    final_values[t]: V of the true final observation of an episode cut by a time
    limit at step t, read only where truncated[t] (other entries may be anything,
    even nan). last_values (N,): V of the observation after step T - 1.

    The value after step t is 0 if terminated[t] (also when truncated[t]), else
    final_values[t] if truncated[t], else values[t + 1] (last_values for t = T - 1).
    delta_t = rewards[t] + gamma * (value after step t) - values[t]
    A_t = delta_t + gamma * lam * A_{t+1}, the sum stopping after a step that ended
    an episode (terminated or truncated) and after step T - 1.
    Returns (advantages, returns), both (T, N), with returns = advantages + values.
    """
    raise NotImplementedError


def gae_random_batch(rng, n_steps=12, n_envs=5):
    """Random rollout arrays with terminations and truncations, as keyword arguments."""
    terminated = rng.random((n_steps, n_envs)) < 0.15
    truncated = (rng.random((n_steps, n_envs)) < 0.1) & ~terminated
    return {
        "rewards": rng.normal(size=(n_steps, n_envs)),
        "values": rng.normal(size=(n_steps, n_envs)),
        "terminated": terminated,
        "truncated": truncated,
        "last_values": rng.normal(size=n_envs),
        "final_values": rng.normal(size=(n_steps, n_envs)),
    }


def gae_naive_sum(batch, gamma, lam):
    """The definition, O(T^2) per env: A_t = sum over l of (gamma lam)^l delta_{t+l},
    up to the end of t's episode segment."""
    r, v = batch["rewards"], batch["values"]
    term, trunc = batch["terminated"], batch["truncated"]
    n_steps, n_envs = r.shape
    adv = np.zeros((n_steps, n_envs))
    for n in range(n_envs):
        for t in range(n_steps):
            for k in range(t, n_steps):
                if term[k, n]:
                    after = 0.0
                elif trunc[k, n]:
                    after = batch["final_values"][k, n]
                elif k == n_steps - 1:
                    after = batch["last_values"][n]
                else:
                    after = v[k + 1, n]
                delta = r[k, n] + gamma * after - v[k, n]
                adv[t, n] += (gamma * lam) ** (k - t) * delta
                if term[k, n] or trunc[k, n]:
                    break
    return adv


def test_gae_worked_example():
    ones = np.ones((3, 3))
    terminated = np.zeros((3, 3), bool)
    truncated = np.zeros((3, 3), bool)
    terminated[1, 1] = True  # env 1: the episode ends at step 1
    truncated[1, 2] = True  # env 2: a time limit cuts it at step 1
    final_values = np.full((3, 3), np.nan)
    final_values[1, 2] = 3.0
    adv, ret = gae_advantages(
        ones, ones, terminated, truncated, np.ones(3), final_values, gamma=0.5, lam=0.5
    )
    expected = [[0.65625, 0.5, 0.875], [0.625, 0.0, 1.5], [0.5, 0.5, 0.5]]
    np.testing.assert_allclose(adv, expected)
    np.testing.assert_allclose(ret, adv + 1.0)


def test_gae_lambda_zero_is_the_td_residual():
    batch = gae_random_batch(np.random.default_rng(0))
    adv, ret = gae_advantages(**batch, gamma=0.9, lam=0.0)
    after = np.vstack([batch["values"][1:], batch["last_values"]])
    after = np.where(batch["truncated"], batch["final_values"], after)
    after = np.where(batch["terminated"], 0.0, after)
    delta = batch["rewards"] + 0.9 * after - batch["values"]
    np.testing.assert_allclose(adv, delta, atol=1e-12)
    np.testing.assert_allclose(ret, adv + batch["values"], atol=1e-12)


def test_gae_lambda_one_is_the_monte_carlo_return_minus_v():
    # only terminations, and every env terminates at the last step: no bootstrap
    batch = gae_random_batch(np.random.default_rng(1))
    batch["truncated"][:] = False
    batch["terminated"][-1] = True
    gamma = 0.9
    adv, ret = gae_advantages(**batch, gamma=gamma, lam=1.0)
    r, term = batch["rewards"], batch["terminated"]
    mc = np.zeros_like(r)
    for n in range(r.shape[1]):
        for t in range(r.shape[0]):
            k = t
            while True:
                mc[t, n] += gamma ** (k - t) * r[k, n]
                if term[k, n]:
                    break
                k += 1
    np.testing.assert_allclose(adv, mc - batch["values"], atol=1e-12)
    np.testing.assert_allclose(ret, mc, atol=1e-12)


def test_gae_matches_the_naive_sum():
    for seed, (gamma, lam) in enumerate([(0.9, 0.7), (0.99, 0.95), (0.5, 1.0)]):
        batch = gae_random_batch(np.random.default_rng(10 + seed), 15, 6)
        adv, _ = gae_advantages(**batch, gamma=gamma, lam=lam)
        np.testing.assert_allclose(adv, gae_naive_sum(batch, gamma, lam), atol=1e-12)


def test_gae_no_leakage_across_episode_ends():
    rng = np.random.default_rng(2)
    batch = gae_random_batch(rng, 10, 3)
    batch["terminated"][:] = False
    batch["truncated"][:] = False
    batch["terminated"][4, 0] = True  # env 0: terminal state at step 4
    batch["truncated"][4, 1] = True  # env 1: time limit at step 4
    adv, _ = gae_advantages(**batch, gamma=0.9, lam=0.95)
    # whatever happens after the ends (next episodes, the bootstrap value) is irrelevant
    changed = {k: v.copy() for k, v in batch.items()}
    changed["rewards"][5:] += 10.0
    changed["values"][5:] -= 10.0
    changed["last_values"] += 10.0
    adv_changed, _ = gae_advantages(**changed, gamma=0.9, lam=0.95)
    np.testing.assert_allclose(adv_changed[:5, :2], adv[:5, :2], atol=1e-12)
    # and each env alone gives its column of the batch
    for n in range(3):
        alone, _ = gae_advantages(
            **{k: v[..., n : n + 1] for k, v in batch.items()}, gamma=0.9, lam=0.95
        )
        np.testing.assert_allclose(alone[:, 0], adv[:, n], atol=1e-12)


def test_gae_truncation_bootstraps_from_the_final_observation():
    # reward 1 per step forever, cut by a time limit at step 2: with the exact
    # critic V = 1 / (1 - gamma) = 10 everywhere, every advantage is 0 at any lambda
    gamma, n_steps = 0.9, 6
    rewards = np.ones((n_steps, 1))
    values = np.full((n_steps, 1), 10.0)
    terminated = np.zeros((n_steps, 1), bool)
    truncated = np.zeros((n_steps, 1), bool)
    truncated[2, 0] = True
    final_values = np.full((n_steps, 1), np.nan)
    final_values[2, 0] = 10.0
    last = np.array([10.0])
    for lam in (0.0, 0.95, 1.0):
        adv, ret = gae_advantages(
            rewards, values, terminated, truncated, last, final_values, gamma, lam
        )
        np.testing.assert_allclose(adv, 0.0, atol=1e-12)
        np.testing.assert_allclose(ret, 10.0, atol=1e-12)
    # the next row is the next episode's first observation: it must not be used
    values[3, 0] = -5.0
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(0.0, abs=1e-12)
    # both flags set: the state is terminal, so nothing is bootstrapped
    terminated[2, 0] = True
    adv, _ = gae_advantages(
        rewards, values, terminated, truncated, last, final_values, gamma, 0.95
    )
    assert adv[2, 0] == pytest.approx(1.0 - 10.0)


# --------------------------------------------------------------------------------------
# 6. Implement REINFORCE with a baseline for a softmax policy.
# Handbook: coding/learning-loops/#reinforce-baseline
# --------------------------------------------------------------------------------------


# Given: the environment. A corridor of cells 0..4; every episode starts in cell 1.
# Action 0 moves left, action 1 right, and with probability CORRIDOR_SLIP the move goes
# the other way. Entering cell 0 pays 1 and entering cell 4 pays 3, and both end the
# episode; any other move pays -0.1. An episode also ends after CORRIDOR_HORIZON moves.
# The state is (step, cell), numbered step * CORRIDOR_CELLS + cell: with a time limit,
# the time left is part of the state.
CORRIDOR_CELLS, CORRIDOR_START, CORRIDOR_HORIZON, CORRIDOR_SLIP = 5, 1, 6, 0.2
CORRIDOR_STATES, CORRIDOR_ACTIONS = CORRIDOR_HORIZON * CORRIDOR_CELLS, 2


def corridor_step(cell: int, action: int, rng: np.random.Generator):
    """One move from a non-terminal cell: returns (next cell, reward, terminal)."""
    move = 1 if action == 1 else -1
    if rng.random() < CORRIDOR_SLIP:
        move = -move
    cell += move
    if cell == 0:
        return cell, 1.0, True
    if cell == CORRIDOR_CELLS - 1:
        return cell, 3.0, True
    return cell, -0.1, False


def softmax_policy(theta: np.ndarray) -> np.ndarray:
    """The tabular softmax policy: pi[s, a] = exp(theta[s, a]) / sum_b exp(theta[s, b]),
    over the last axis of theta, with no overflow for logits of any size."""
    raise NotImplementedError


def grad_log_pi(theta: np.ndarray, state: int, action: int) -> np.ndarray:
    """d log pi(action | state) / d theta, written by hand: same shape as theta, zero
    outside row `state`."""
    raise NotImplementedError


def rewards_to_go(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = sum over k >= t of gamma^(k - t) * rewards[k], for every t."""
    raise NotImplementedError


def sample_episode(theta: np.ndarray, rng: np.random.Generator):
    """One episode of softmax_policy(theta) in the corridor, from step 0 in
    CORRIDOR_START until a terminal cell or CORRIDOR_HORIZON moves. Returns
    (states, actions, rewards): arrays with one entry per move (int, int, float)."""
    raise NotImplementedError


def reinforce_gradient(
    theta: np.ndarray,
    episodes: list,
    gamma: float,
    baseline="none",
    values: np.ndarray | None = None,
    reward_to_go: bool = True,
) -> np.ndarray:
    """The REINFORCE estimate of the gradient of J = E[sum_t gamma^t r_t] from N
    episodes (states, actions, rewards), all sampled from softmax_policy(theta):

        (1/N) sum_i sum_t w_t (R_it - b_it) grad_log_pi(theta, s_it, a_it)

    reward_to_go=True:  R_it = G_it (rewards_to_go of episode i) and w_t = gamma^t.
    reward_to_go=False: R_it = G_i0 (the whole discounted return) and w_t = 1.
    baseline: "none" (b = 0); a number (that constant); "value" (b = values[s_it]);
    "mean": the mean of R_jt over the other N - 1 episodes j (leave-one-out), where an
    episode j that ended before step t counts as if it went on with reward 0
    (R_jt = 0 with reward-to-go, R_jt = G_j0 without).
    """
    raise NotImplementedError


def train_reinforce(
    n_iters: int,
    batch_size: int,
    lr: float,
    gamma: float,
    baseline,
    rng: np.random.Generator,
    value_lr: float = 0.1,
):
    """Gradient ascent from theta = 0, shape (CORRIDOR_STATES, CORRIDOR_ACTIONS): each
    iteration samples batch_size episodes and adds lr * reinforce_gradient (with
    reward-to-go) to theta. baseline "none", "mean" or a number is passed on; "value"
    uses a table V (zeros at first) as the baseline and, after the step, moves V[s_t]
    a fraction value_lr of the way to G_t for every step of the batch, in order.
    Returns (theta, returns): returns[i] is the mean G_0 of iteration i's batch."""
    raise NotImplementedError


def corridor_moves(cell, action):
    """The corridor's moves from `cell`: (probability, next cell, reward, done)."""
    move = 1 if action == 1 else -1
    found = []
    for p, m in ((1 - CORRIDOR_SLIP, move), (CORRIDOR_SLIP, -move)):
        nxt = cell + m
        end = nxt in (0, CORRIDOR_CELLS - 1)
        reward = 1.0 if nxt == 0 else 3.0 if nxt == CORRIDOR_CELLS - 1 else -0.1
        found.append((p, nxt, reward, end))
    return found


def corridor_trajectories():
    """Every possible episode: (probability of its moves, states, actions, rewards);
    its probability under a policy is that times the product of pi(a_t | s_t)."""
    found = {}

    def extend(step, cell, prob, states, actions, rewards):
        for a in range(CORRIDOR_ACTIONS):
            for p, nxt, r, end in corridor_moves(cell, a):
                episode = ([*states, step * CORRIDOR_CELLS + cell], [*actions, a])
                episode = (*episode, [*rewards, r])
                if end or step + 1 == CORRIDOR_HORIZON:
                    # a last move to cell 1 or 3 gives the same record: add them up
                    key = tuple(map(tuple, episode))
                    found[key] = found.get(key, 0.0) + prob * p
                else:
                    extend(step + 1, nxt, prob * p, *episode)

    extend(0, CORRIDOR_START, 1.0, [], [], [])
    return [(p, *map(np.array, key)) for key, p in found.items()]


CORRIDOR_EPISODES = corridor_trajectories()


def corridor_probs(theta):
    """Probability of each enumerated episode, with a softmax written independently."""
    pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
    return np.array([p * np.prod(pi[s, a]) for p, s, a, _ in CORRIDOR_EPISODES])


def corridor_objective(theta, gamma):
    """J(theta) = E[sum_t gamma^t r_t], exactly, by summing over all episodes."""
    returns = [r @ gamma ** np.arange(len(r)) for _, _, _, r in CORRIDOR_EPISODES]
    return corridor_probs(theta) @ np.array(returns)


def corridor_exact_gradient(theta, gamma, eps=1e-6):
    """The gradient of J by central differences of the exact J."""
    grad = np.zeros(theta.shape)
    for idx in np.ndindex(theta.shape):
        step = np.zeros(theta.shape)
        step[idx] = eps
        up, down = theta + step, theta - step
        grad[idx] = (
            corridor_objective(up, gamma) - corridor_objective(down, gamma)
        ) / (2 * eps)
    return grad


def corridor_values(theta, gamma, optimal=False):
    """V(s) of the policy (or of the best policy) by backward induction, per state."""
    pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
    v = np.zeros((CORRIDOR_HORIZON + 1, CORRIDOR_CELLS))
    for step in reversed(range(CORRIDOR_HORIZON)):
        for cell in range(1, CORRIDOR_CELLS - 1):
            q = [
                sum(
                    p * (r + (0.0 if end else gamma * v[step + 1, nxt]))
                    for p, nxt, r, end in corridor_moves(cell, a)
                )
                for a in range(CORRIDOR_ACTIONS)
            ]
            state = step * CORRIDOR_CELLS + cell
            v[step, cell] = max(q) if optimal else pi[state] @ q
    return v[:CORRIDOR_HORIZON].ravel()


def corridor_batches(theta, n_batches, batch_size, seed):
    rng = np.random.default_rng(seed)
    return [
        [sample_episode(theta, rng) for _ in range(batch_size)]
        for _ in range(n_batches)
    ]


def test_reinforce_worked_example():
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    theta[3] = [0.0, np.log(3.0)]
    np.testing.assert_allclose(softmax_policy(theta)[3], [0.25, 0.75])
    np.testing.assert_allclose(grad_log_pi(theta, 3, 1)[3], [-0.25, 0.25])
    np.testing.assert_allclose(grad_log_pi(theta, 3, 0)[3], [0.75, -0.75])
    assert np.count_nonzero(grad_log_pi(theta, 3, 0)) == 2
    rewards = np.array([-0.1, -0.1, 3.0])
    np.testing.assert_allclose(rewards_to_go(rewards, 0.9), [2.24, 2.6, 3.0])
    # right, right, right from cell 1: states 1, 7 (step 1, cell 2), 13 (step 2, cell 3)
    episode = (np.array([1, 7, 13]), np.array([1, 1, 1]), rewards)
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    cases = {
        "none": [1.12, 1.17, 1.215],
        2.0: [0.12, 0.27, 0.405],
    }
    for baseline, right in cases.items():
        grad = reinforce_gradient(theta, [episode], 0.9, baseline)
        np.testing.assert_allclose(grad[[1, 7, 13], 1], right)
        np.testing.assert_allclose(grad[[1, 7, 13], 0], -np.array(right))
        assert np.count_nonzero(grad) == 6
    grad = reinforce_gradient(theta, [episode], 0.9, reward_to_go=False)
    np.testing.assert_allclose(grad[[1, 7, 13], 1], [1.12, 1.12, 1.12])


def test_grad_log_pi_matches_finite_differences():
    rng = np.random.default_rng(0)
    for shape in [(CORRIDOR_STATES, CORRIDOR_ACTIONS), (4, 3)]:
        theta = rng.normal(0.0, 2.0, shape)
        for state in range(shape[0]):
            for action in range(shape[1]):
                numeric = np.zeros(shape)
                for idx in np.ndindex(shape):
                    step = np.zeros(shape)
                    step[idx] = 1e-6
                    up, down = theta + step, theta - step
                    log_up = up[state] - np.log(np.exp(up[state]).sum())
                    log_down = down[state] - np.log(np.exp(down[state]).sum())
                    numeric[idx] = (log_up[action] - log_down[action]) / 2e-6
                by_hand = grad_log_pi(theta, state, action)
                np.testing.assert_allclose(by_hand, numeric, atol=1e-8)
    # large logits: no overflow, and the policy is still a distribution
    probs = softmax_policy(np.array([[1000.0, 0.0], [-1000.0, -999.0]]))
    np.testing.assert_allclose(probs, [[1.0, 0.0], [1 / (1 + np.e), np.e / (1 + np.e)]])


def test_rewards_to_go_matches_the_definition():
    rewards = np.random.default_rng(1).normal(size=7)
    for gamma in (0.0, 0.5, 0.9, 1.0):
        expected = [
            sum(gamma ** (k - t) * rewards[k] for k in range(t, 7)) for t in range(7)
        ]
        np.testing.assert_allclose(rewards_to_go(rewards, gamma), expected, atol=1e-12)


def test_sample_episode_draws_each_episode_with_its_probability():
    theta = np.random.default_rng(2).normal(0.0, 1.0, (CORRIDOR_STATES, 2))
    index = {
        (tuple(s), tuple(a), tuple(r)): i
        for i, (_, s, a, r) in enumerate(CORRIDOR_EPISODES)
    }
    rng = np.random.default_rng(3)
    n = 20_000
    counts = np.zeros(len(CORRIDOR_EPISODES))
    for _ in range(n):
        states, actions, rewards = sample_episode(theta, rng)
        # a KeyError here is an episode the corridor cannot produce
        counts[index[(tuple(states), tuple(actions), tuple(rewards))]] += 1
    probs = corridor_probs(theta)
    assert probs.sum() == pytest.approx(1.0)
    se = np.sqrt(probs * (1 - probs) / n)
    assert np.all(np.abs(counts / n - probs) < 5 * se + 1e-4)


def test_reward_to_go_and_baselines_are_unbiased_exactly():
    # the expectation of a one-episode estimate, summed over all 658 episodes with
    # their probabilities, equals the exact gradient; with or without reward-to-go,
    # with no baseline, a constant, or any function of the state
    rng = np.random.default_rng(4)
    for gamma in (0.9, 1.0):
        theta = rng.normal(0.0, 1.0, (CORRIDOR_STATES, CORRIDOR_ACTIONS))
        exact = corridor_exact_gradient(theta, gamma)
        probs = corridor_probs(theta)
        options = [
            {"baseline": "none"},
            {"baseline": "none", "reward_to_go": False},
            {"baseline": 2.5},
            {"baseline": 2.5, "reward_to_go": False},
            {"baseline": "value", "values": rng.normal(0.0, 3.0, CORRIDOR_STATES)},
            {"baseline": "value", "values": corridor_values(theta, gamma)},
        ]
        for kwargs in options:
            estimates = [
                reinforce_gradient(theta, [(s, a, r)], gamma, **kwargs)
                for _, s, a, r in CORRIDOR_EPISODES
            ]
            expected = np.tensordot(probs, np.array(estimates), axes=1)
            np.testing.assert_allclose(expected, exact, atol=1e-8)


def test_batch_means_are_unbiased_with_and_without_baseline():
    gamma = 0.9
    theta = np.random.default_rng(5).normal(0.0, 1.0, (CORRIDOR_STATES, 2))
    exact = corridor_exact_gradient(theta, gamma)
    values = corridor_values(theta, gamma)
    batches = corridor_batches(theta, 2000, 4, seed=6)
    for kwargs in [
        {"baseline": "none"},
        {"baseline": "none", "reward_to_go": False},
        {"baseline": "mean"},
        {"baseline": "mean", "reward_to_go": False},
        {"baseline": "value", "values": values},
    ]:
        grads = np.array(
            [reinforce_gradient(theta, b, gamma, **kwargs) for b in batches]
        )
        # the error of a mean of 2000 estimates: about sqrt(total variance / 2000)
        noise = np.sqrt(grads.var(axis=0).sum() / len(batches))
        assert np.linalg.norm(grads.mean(axis=0) - exact) < 4 * noise


def test_baselines_reduce_the_variance():
    gamma = 0.9
    theta = np.zeros((CORRIDOR_STATES, CORRIDOR_ACTIONS))
    values = corridor_values(theta, gamma)
    batches = corridor_batches(theta, 2000, 4, seed=7)

    def variance(**kwargs):
        grads = [reinforce_gradient(theta, b, gamma, **kwargs) for b in batches]
        return np.array(grads).var(axis=0).sum()

    none = variance(baseline="none")
    assert variance(baseline="value", values=values) < 0.6 * none
    assert variance(baseline="mean") < 0.8 * none
    assert variance(baseline=1.0) < 0.7 * none
    # a constant far from the returns makes it worse
    assert variance(baseline=3.0) > 2 * none


def test_train_reinforce_reaches_the_optimal_policy():
    gamma = 0.9
    best = corridor_values(np.zeros((CORRIDOR_STATES, 2)), gamma, optimal=True)
    best_start = best[CORRIDOR_START]
    for seed in (0, 1):
        theta, returns = train_reinforce(
            400, 16, 1.0, gamma, "value", np.random.default_rng(seed)
        )
        assert returns.shape == (400,)
        # the greedy policy of the trained logits is optimal: same value as the best
        greedy = 50.0 * (theta == theta.max(axis=1, keepdims=True))
        assert corridor_objective(greedy, gamma) == pytest.approx(best_start, abs=1e-9)
        assert corridor_objective(theta, gamma) > best_start - 0.03
        assert returns[-200:].mean() > returns[:50].mean() + 0.1


# --------------------------------------------------------------------------------------
# 7. Implement the GRPO loss: group-relative advantages, the clipped ratio and the KL penalty.
# Handbook: coding/learning-loops/#grpo-loss
# --------------------------------------------------------------------------------------


def group_advantages(
    rewards: torch.Tensor,
    group_size: int,
    normalise_std: bool = True,
    eps: float = 1e-4,
) -> torch.Tensor:
    """Group-relative advantages, one per completion: (B,) -> (B,).

    rewards holds one scalar per completion, the group_size completions of each prompt
    next to each other (B = n_prompts * group_size). Returns r - mean(group), divided
    by (std(group) + eps) if normalise_std (GRPO), undivided if not (Dr. GRPO). std is
    the sample standard deviation (torch.std's default, n - 1 in the denominator).
    """
    raise NotImplementedError


def kl_k3(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    """Schulman's k3 estimate of KL(pi || ref) from tokens sampled from pi,
    elementwise: exp(ref_logp - logp) - (ref_logp - logp) - 1."""
    raise NotImplementedError


def grpo_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    ref_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    clip_eps: float = 0.2,
    beta: float = 0.04,
    aggregation: str = "sequence",
    max_tokens: int | None = None,
) -> torch.Tensor:
    """The GRPO loss to minimise, a scalar.

    logp, old_logp, ref_logp: (B, T) log-probabilities of the sampled tokens under the
    policy being trained (differentiable), the policy that sampled them and the frozen
    reference; the last two get no gradient. advantages: (B,), one per completion, the
    same for each of its tokens. mask: (B, T), 1 on completion tokens, 0 on padding,
    where the inputs may hold anything (nan, inf) without changing the loss or its
    gradient. Per token, with rho = exp(logp - old_logp):
        objective = min(rho A, clip(rho, 1 - clip_eps, 1 + clip_eps) A) - beta k3
    and the loss is minus its average over the completion tokens:
        "sequence": the mean over each completion's tokens, then over completions
            (GRPO);
        "token": the sum over every token of the batch / their number (DAPO);
        "fixed": the sum over every token / (B * max_tokens), a constant (Dr. GRPO);
            max_tokens defaults to T.
    """
    raise NotImplementedError


GRPO_AGGREGATIONS = ("sequence", "token", "fixed")


def grpo_random_batch(seed, B=6, T=7):
    """float64 log-probabilities of a batch with padding tails (each row keeps at least
    2 tokens), advantages of 3 groups of 2, and the mask."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(2, T + 1, (B,), generator=g)
    mask = torch.arange(T)[None, :] < lengths[:, None]
    logp, old, ref = (
        -2 * torch.rand(3, B, T, generator=g, dtype=torch.float64)
    ).unbind()
    adv = group_advantages(torch.rand(B, generator=g, dtype=torch.float64), 2)
    return logp, old, ref, adv, mask


def grpo_grad(logp, *args, **kwargs):
    """The loss and its gradient with respect to logp."""
    leaf = logp.clone().requires_grad_(True)
    loss = grpo_loss(leaf, *args, **kwargs)
    (grad,) = torch.autograd.grad(loss, leaf)
    return loss.detach(), grad


def test_grpo_worked_example():
    adv = group_advantages(torch.tensor([1.0, 0.0, 0.0, 0.0]), 4)
    torch.testing.assert_close(adv, torch.tensor([1.5, -0.5, -0.5, -0.5]) / 1.0002)
    plain = group_advantages(torch.tensor([1.0, 0.0]), 2, normalise_std=False)
    torch.testing.assert_close(plain, torch.tensor([0.5, -0.5]))
    assert kl_k3(torch.tensor(0.0), torch.tensor(math.log(2))).item() == pytest.approx(
        1 - math.log(2)
    )
    # completions of 1 and 3 tokens, on-policy (rho = 1), no KL term
    logp = torch.tensor([[-1.0, 0.0, 0.0], [-1.0, -2.0, -0.5]])
    mask = torch.tensor([[1, 0, 0], [1, 1, 1]])
    expected = {
        "sequence": (0.0, [-0.25, 1 / 12]),
        "token": (0.25, [-0.125, 0.125]),
        "fixed": (0.125, [-0.0625, 0.0625]),
    }
    for aggregation, (value, (right, wrong)) in expected.items():
        loss, grad = grpo_grad(
            logp,
            logp,
            logp,
            plain,
            mask,
            beta=0.0,
            aggregation=aggregation,
            max_tokens=4,
        )
        assert loss.item() == pytest.approx(value, abs=1e-7)
        want = torch.tensor([[right, 0.0, 0.0], [wrong] * 3])
        torch.testing.assert_close(grad, want)


def test_grpo_advantages_sum_to_zero_and_equal_rewards_give_no_gradient():
    g = torch.Generator().manual_seed(0)
    rewards = torch.rand(5 * 8, generator=g, dtype=torch.float64)
    rewards[8:16] = 1.0
    rewards[16:24] = 0.5
    for normalise_std in (True, False):
        adv = group_advantages(rewards, 8, normalise_std)
        sums = adv.reshape(5, 8).sum(dim=1)
        torch.testing.assert_close(sums, torch.zeros(5, dtype=torch.float64))
        assert torch.equal(adv[8:24], torch.zeros(16, dtype=torch.float64))
    # float32 rounding leaves a constant group of 0.7 a tiny spread; eps damps it
    assert group_advantages(torch.full((8,), 0.7), 8).abs().max() < 1e-3
    # no gradient for a group whose rewards are all equal (without the KL term)
    logp, old, ref, _, mask = grpo_random_batch(1, B=16)
    adv = group_advantages(torch.cat([torch.ones(8), torch.rand(8, generator=g)]), 8)
    for aggregation in GRPO_AGGREGATIONS:
        _, grad = grpo_grad(
            logp, old, ref, adv, mask, beta=0.0, aggregation=aggregation
        )
        assert torch.equal(grad[:8], torch.zeros(8, 7, dtype=torch.float64))
        assert grad[8:].abs().sum() > 0


def test_grpo_k3_is_nonnegative_and_unbiased():
    grid = torch.linspace(-20, 20, 4001, dtype=torch.float64)
    assert (kl_k3(torch.zeros_like(grid), grid) >= 0).all()
    g = torch.Generator().manual_seed(2)
    for _ in range(5):
        pi = torch.softmax(2 * torch.randn(6, generator=g, dtype=torch.float64), 0)
        ref = torch.softmax(2 * torch.randn(6, generator=g, dtype=torch.float64), 0)
        exact = (pi * (pi.log() - ref.log())).sum()
        k3 = kl_k3(pi.log(), ref.log())
        # the exact expectation, by enumeration of the six outcomes
        torch.testing.assert_close((pi * k3).sum(), exact, rtol=1e-12, atol=1e-12)
        draws = k3[torch.multinomial(pi, 100_000, replacement=True, generator=g)]
        assert abs(draws.mean() - exact) < 4 * draws.std() / math.sqrt(len(draws))


def test_grpo_on_policy_gradient_is_reinforce():
    # a policy with logits; at rho = 1 the clipped loss's gradient with respect to the
    # logits is the REINFORCE gradient with the same advantages and token weights
    logp0, _, _, adv, mask = grpo_random_batch(3)
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(6, 7, 5, generator=g, dtype=torch.float64)
    tokens = torch.randint(0, 5, (6, 7), generator=g)
    on = mask.double()
    weights = {
        "sequence": on / (on.sum(dim=1, keepdim=True) * 6),
        "token": on / on.sum(),
        "fixed": on / (6 * 7),
    }
    for aggregation, weight in weights.items():
        leaf = logits.clone().requires_grad_(True)
        logp = torch.log_softmax(leaf, -1).gather(-1, tokens[..., None])[..., 0]
        loss = grpo_loss(
            logp,
            logp.detach(),
            logp0,
            adv,
            mask,
            beta=0.0,
            **{"aggregation": aggregation},
        )
        (grad,) = torch.autograd.grad(loss, leaf)
        leaf = logits.clone().requires_grad_(True)
        logp = torch.log_softmax(leaf, -1).gather(-1, tokens[..., None])[..., 0]
        reinforce = -(weight * adv[:, None] * logp).sum()
        (want,) = torch.autograd.grad(reinforce, leaf)
        torch.testing.assert_close(grad, want, rtol=1e-12, atol=1e-14)


def test_grpo_clipping_zeroes_the_gradient_beyond_the_range():
    # six one-token completions: rho and A chosen to hit every case of the min
    rho = torch.tensor([1.5, 0.5, 1.5, 0.5, 1.1, 0.9], dtype=torch.float64)
    adv = torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    old = torch.full((6, 1), -1.0, dtype=torch.float64)
    logp = old + rho.log()[:, None]
    mask = torch.ones(6, 1)
    _, grad = grpo_grad(logp, old, old, adv, mask, clip_eps=0.2, beta=0.0)
    # d(-rho A / 6) / d logp = -rho A / 6 where the unclipped term is the min, else 0
    want = torch.tensor([0.0, -0.5, 1.5, 0.0, -1.1, 0.9], dtype=torch.float64) / 6
    torch.testing.assert_close(grad[:, 0], want)


def test_grpo_padding_gets_no_gradient():
    logp, old, ref, adv, mask = grpo_random_batch(4)
    junk = torch.tensor([float("nan"), float("inf"), -float("inf"), 1e4, -1e4])
    g = torch.Generator().manual_seed(4)
    noisy = []
    for x in (logp, old, ref):
        fill = junk[torch.randint(len(junk), x.shape, generator=g)].double()
        noisy.append(torch.where(mask, x, fill))
    for aggregation in GRPO_AGGREGATIONS:
        kwargs = {"beta": 0.1, "aggregation": aggregation}
        loss, grad = grpo_grad(logp, old, ref, adv, mask, **kwargs)
        noisy_loss, noisy_grad = grpo_grad(*noisy, adv, mask, **kwargs)
        assert torch.equal(noisy_loss, loss) and torch.equal(noisy_grad, grad)
        assert (grad[~mask] == 0).all() and (grad[mask] != 0).all()


def test_grpo_length_bias_of_the_sequence_mean():
    # one group: two right answers of 10 tokens, wrong answers of 4 and 40 tokens
    lengths = torch.tensor([10, 10, 4, 40])
    mask = torch.arange(40)[None, :] < lengths[:, None]
    adv = group_advantages(torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64), 4)
    logp = torch.full((4, 40), -1.0, dtype=torch.float64)
    per_token = {}
    for aggregation in GRPO_AGGREGATIONS:
        _, grad = grpo_grad(
            logp, logp, logp, adv, mask, beta=0.0, aggregation=aggregation
        )
        # a positive gradient of the loss pushes the token's log-probability down
        per_token[aggregation] = grad[2, 0].item(), grad[3, 0].item()
        assert (grad[2:][mask[2:]] > 0).all()
    short, long = per_token["sequence"]
    assert short == pytest.approx(10 * long)
    for aggregation in ("token", "fixed"):
        short, long = per_token[aggregation]
        assert short == pytest.approx(long)
