# --8<-- [start:signature]
import math
import random

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


# --8<-- [end:signature]


# --8<-- [start:solution]
import math
import random

# rows, columns, diagonals
TTT_LINES = (
    (0, 1, 2), (3, 4, 5), (6, 7, 8),
    (0, 3, 6), (1, 4, 7), (2, 5, 8),
    (0, 4, 8), (2, 4, 6),
)  # fmt: skip
TTT_LINES_THROUGH = tuple(tuple(ln for ln in TTT_LINES if i in ln) for i in range(9))


def ttt_winner(board: tuple) -> int:
    for a, b, c in TTT_LINES:
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def ttt_to_move(board: tuple) -> int:
    return 1 if sum(board) == 0 else -1


def ttt_moves(board: tuple) -> list:
    if ttt_winner(board):
        return []
    return [i for i in range(9) if board[i] == 0]


def ttt_play(board: tuple, cell: int) -> tuple:
    return board[:cell] + (ttt_to_move(board),) + board[cell + 1 :]


class MCTSNode:
    def __init__(self, board: tuple, parent=None, move=None):
        self.board, self.parent, self.move = board, parent, move
        self.player = -ttt_to_move(board)
        self.children = {}
        self.untried = ttt_moves(board)
        self.visits = 0
        self.value_sum = 0.0


def mcts_select(node: MCTSNode, c: float) -> MCTSNode:
    log_n = math.log(node.visits)
    best, best_score = None, -math.inf
    for child in node.children.values():
        # the child's mean result for the player who moves into it, plus UCB1's bonus
        score = child.value_sum / child.visits + c * math.sqrt(log_n / child.visits)
        if score > best_score:
            best, best_score = child, score
    return best


def mcts_expand(node: MCTSNode, rng: random.Random) -> MCTSNode:
    move = node.untried.pop(rng.randrange(len(node.untried)))
    child = MCTSNode(ttt_play(node.board, move), node, move)
    node.children[move] = child
    return child


def mcts_rollout(board: tuple, rng: random.Random) -> int:
    empty = [i for i in range(9) if board[i] == 0]
    winner = ttt_winner(board)
    if winner or not empty:
        return winner
    cells, player = list(board), ttt_to_move(board)
    # a random order of the empty cells is a sequence of uniform random moves
    rng.shuffle(empty)
    for cell in empty:
        cells[cell] = player
        for a, b, c in TTT_LINES_THROUGH[cell]:
            if cells[a] == cells[b] == cells[c]:
                return player
        player = -player
    return 0


def mcts_backup(node: MCTSNode, winner: int) -> None:
    while node is not None:
        node.visits += 1
        # +1 if this node's player won, -1 if the opponent did: the sign flips at
        # every level because the players alternate
        node.value_sum += winner * node.player
        node = node.parent


def mcts_search(
    board: tuple, n_simulations: int, rng: random.Random, c: float = 1.4
) -> MCTSNode:
    root = MCTSNode(board)
    for _ in range(n_simulations):
        node = root
        while not node.untried and node.children:
            node = mcts_select(node, c)
        if node.untried:
            node = mcts_expand(node, rng)
        mcts_backup(node, mcts_rollout(node.board, rng))
    return root


def mcts_best_move(root: MCTSNode) -> int:
    # the robust child: a mean from a handful of visits is noise
    return max(sorted(root.children), key=lambda m: root.children[m].visits)


# --8<-- [end:solution]


# --8<-- [start:tests]
import math
import random
from functools import cache

import pytest


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


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_mcts_worked_example,
    test_mcts_expand_and_rollout,
    test_mcts_visit_counts_add_up,
    test_mcts_wins_at_once_and_blocks,
    test_mcts_root_value_of_a_won_position_approaches_one,
    test_mcts_is_deterministic_with_a_seeded_rng,
    test_mcts_plays_well_from_the_empty_board,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

sims, cs, n_games = [10, 50, 200, 1000], [0.5, 1.4, 4.0], 20
print(f"{n_games} games against each opponent, half as X; wins/draws/losses of MCTS")
print(f"{'sims':>5} {'c':>4} {'vs random':>11} {'vs minimax':>11}")
for n in sims:
    for c in cs:
        cells = []
        for opponent in ["random", "minimax"]:
            results = [
                ttt_game(1 if g % 2 == 0 else -1, opponent, n, c, random.Random(g))
                for g in range(n_games)
            ]
            cells.append("/".join(f"{results.count(r)}" for r in (1, 0, -1)))
        print(f"{n:5d} {c:4.1f} {cells[0]:>11} {cells[1]:>11}")

# after X takes a corner, O's only move that does not lose is the centre
corner = (1, 0, 0, 0, 0, 0, 0, 0, 0)
draws = [m for m in ttt_moves(corner) if ttt_minimax_value(ttt_play(corner, m)) == 0]
assert draws == [4]
print("O's reply to a corner opening (only the centre draws), 40 searches each")
print(" sims    c  centre played  visit share: centre  top move")
for n in [200, 1000]:
    for c in cs:
        played, centre, top = 0, 0.0, 0.0
        for seed in range(40):
            root = mcts_search(corner, n, random.Random(seed), c)
            played += mcts_best_move(root) == 4
            centre += root.children[4].visits / n / 40
            top += max(ch.visits for ch in root.children.values()) / n / 40
        print(f"{n:5d} {c:4.1f} {played:>11d}/40 {centre:20.3f} {top:9.3f}")

won = (1, 1, 0, -1, -1, 0, 0, 0, 0)
print("root value of a won position (X to move wins at 2), 1,000 simulations:")
for c in cs:
    root = mcts_search(won, 1000, random.Random(0), c)
    print(f"  c = {c:.1f}: {-root.value_sum / root.visits:.3f}")
# --8<-- [end:check]
