# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np


def build_trie(allowed: list[list[int]], eos: int) -> dict:
    """Token-level trie of the allowed sequences, each followed by eos, as nested dicts
    {token: child}; the node reached by eos is {}. For example
    build_trie([[1], [1, 2]], eos=0) == {1: {0: {}, 2: {0: {}}}}."""
    raise NotImplementedError


def constrained_decode(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
    temperature: float = 0.0,
    seed: int = 0,
) -> list[int]:
    """Decode one of the allowed token sequences. At each step the legal tokens are the
    children of the current trie node (eos where an allowed sequence ends). If only one
    is legal, take it without calling the model; otherwise call next_logits(tokens so
    far), which returns (V,) logits, give every illegal token -inf, and take the argmax
    (temperature 0) or sample from softmax(logits / temperature) with
    np.random.default_rng(seed). Stop at eos and return the tokens without it."""
    raise NotImplementedError


def score_allowed(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
) -> np.ndarray:
    """Total log-probability of each allowed sequence followed by eos under the model's
    own, unmasked softmax: the sum over i of log_softmax(next_logits(s[:i]))[s[i]] for
    s = sequence + [eos]. Returns one score per allowed sequence."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np


def build_trie(allowed: list[list[int]], eos: int) -> dict:
    root: dict = {}
    for sequence in allowed:
        node = root
        for token in [*sequence, eos]:
            node = node.setdefault(token, {})
    return root


def constrained_decode(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
    temperature: float = 0.0,
    seed: int = 0,
) -> list[int]:
    rng = np.random.default_rng(seed)
    node, out = build_trie(allowed, eos), []
    while True:
        legal = sorted(node)
        if len(legal) == 1:
            # a forced token: the mask leaves one choice, so no forward pass
            token = legal[0]
        else:
            # masking = keeping only the legal logits
            z = np.asarray(next_logits(list(out)), dtype=float)[legal]
            if temperature == 0:
                token = legal[int(np.argmax(z))]
            else:
                p = np.exp((z - z.max()) / temperature)
                token = legal[int(rng.choice(len(legal), p=p / p.sum()))]
        if token == eos:
            return out
        out.append(token)
        node = node[token]


def score_allowed(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
) -> np.ndarray:
    scores = np.zeros(len(allowed))
    for i, sequence in enumerate(allowed):
        full = [*sequence, eos]
        for t, token in enumerate(full):
            z = np.asarray(next_logits(full[:t]), dtype=float)
            m = z.max()
            scores[i] += z[token] - m - np.log(np.exp(z - m).sum())
    return scores


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np

# token ids: 0 eos, 1 "yes", 2 ",", 3 " but", 4 "no", 5 "maybe" (never allowed)
CD_EOS = 0
CD_LABELS = [[1], [1, 2, 3], [4]]
# the pitfall: "yes" (1) is the likelier first token, but the model wanted to stop
# after it, and "yes" alone is not allowed here
CD_PITFALL_LABELS = [[1, 2, 3], [4]]
CD_PITFALL_TABLE = {
    (): {1: 0.5, 4: 0.3},
    (1,): {0: 0.9, 2: 0.05},
    (1, 2): {3: 0.9},
    (1, 2, 3): {0: 0.9},
    (4,): {0: 0.9},
}


def cd_table_model(table, vocab=6):
    """A model from {prefix: {token: probability}}; the other tokens share the rest
    equally. Returns next_logits and the list of prefixes it was called with."""
    calls = []

    def next_logits(prefix):
        calls.append(tuple(prefix))
        given = table.get(tuple(prefix), {})
        p = np.full(vocab, (1 - sum(given.values())) / (vocab - len(given)))
        for token, q in given.items():
            p[token] = q
        return np.log(p)

    return next_logits, calls


def test_constrained_decode_worked_example():
    assert build_trie(CD_LABELS, CD_EOS) == {1: {0: {}, 2: {3: {0: {}}}}, 4: {0: {}}}
    # 0.9 on the forbidden token 5 after every prefix: the mask wins
    picks_but = {(): {5: 0.9, 1: 0.06, 4: 0.02}, (1,): {5: 0.9, 2: 0.05, 0: 0.02}}
    model, calls = cd_table_model(picks_but)
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [1, 2, 3]
    assert calls == [(), (1,)]
    picks_yes = {(): {5: 0.9, 1: 0.06, 4: 0.02}, (1,): {5: 0.9, 0: 0.05, 2: 0.02}}
    model, calls = cd_table_model(picks_yes)
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [1]
    model, calls = cd_table_model({(): {5: 0.9, 4: 0.06, 1: 0.02}})
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [4]
    assert calls == [()]


def test_constrained_decode_output_is_always_allowed():
    vocab, eos = 8, 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        allowed = [
            rng.integers(1, vocab - 1, size=rng.integers(1, 5)).tolist()
            for _ in range(rng.integers(1, 7))
        ]

        def noise(prefix, rng=rng):
            # random logits, with eos and token 7 (in no label) often on top
            return rng.normal(scale=3.0, size=vocab) + 4.0 * np.isin(
                np.arange(vocab), [eos, 7]
            )

        for temperature in (0.0, 1.0):
            out = constrained_decode(allowed, noise, eos, temperature, seed=seed)
            assert out in allowed


def test_constrained_decode_prefix_labels_end_only_with_eos():
    allowed = [[1], [1, 2, 3]]
    # the model wants eos after [1, 2], where it is not legal: 3 is forced
    wants_to_stop = {(): {0: 0.9}, (1,): {0: 0.02, 2: 0.5}, (1, 2): {0: 0.99}}
    model, calls = cd_table_model(wants_to_stop)
    assert constrained_decode(allowed, model, CD_EOS) == [1, 2, 3]
    # after [1] the legal tokens are eos (0.3) and 2 (0.1): sampled 3:1
    model, calls = cd_table_model({(1,): {0: 0.3, 2: 0.1}})
    outs = [
        constrained_decode(allowed, model, CD_EOS, 1.0, seed=s) for s in range(4000)
    ]
    assert {tuple(o) for o in outs} == {(1,), (1, 2, 3)}
    assert abs(np.mean([o == [1] for o in outs]) - 0.75) < 0.03


def test_constrained_decode_calls_the_model_only_when_there_is_a_choice():
    model, calls = cd_table_model({})
    assert constrained_decode([[4, 2, 3, 1]], model, CD_EOS) == [4, 2, 3, 1]
    assert calls == []
    model, calls = cd_table_model({(1,): {2: 0.5}})
    assert constrained_decode([[1], [1, 2, 3]], model, CD_EOS) == [1, 2, 3]
    assert calls == [(1,)]


def test_constrained_decode_greedy_agrees_with_brute_force_here():
    # "positive" [1, 2], "negative" [3, 4], "neutral" [3, 5]; every label is followed
    # by eos with probability 0.95, and the first choice decides
    labels = [[1, 2], [3, 4], [3, 5]]
    table = {(): {1: 0.3, 3: 0.5}, (1,): {2: 0.95}, (3,): {4: 0.6, 5: 0.3}}
    table |= {tuple(label): {0: 0.95} for label in labels}
    model, _ = cd_table_model(table)
    probs = np.exp(score_allowed(labels, model, CD_EOS))
    np.testing.assert_allclose(
        probs, [0.3 * 0.95**2, 0.5 * 0.6 * 0.95, 0.5 * 0.3 * 0.95]
    )
    assert constrained_decode(labels, model, CD_EOS) == labels[int(np.argmax(probs))]


def test_constrained_decode_greedy_is_not_the_best_whole_string():
    model, calls = cd_table_model(CD_PITFALL_TABLE)
    greedy = constrained_decode(CD_PITFALL_LABELS, model, CD_EOS)
    probs = np.exp(score_allowed(CD_PITFALL_LABELS, model, CD_EOS))
    np.testing.assert_allclose(probs, [0.5 * 0.05 * 0.9 * 0.9, 0.3 * 0.9])
    assert greedy == [1, 2, 3]
    assert CD_PITFALL_LABELS[int(np.argmax(probs))] == [4]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_constrained_decode_worked_example,
    test_constrained_decode_output_is_always_allowed,
    test_constrained_decode_prefix_labels_end_only_with_eos,
    test_constrained_decode_calls_the_model_only_when_there_is_a_choice,
    test_constrained_decode_greedy_agrees_with_brute_force_here,
    test_constrained_decode_greedy_is_not_the_best_whole_string,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

model, _ = cd_table_model(CD_PITFALL_TABLE)
probs = np.exp(score_allowed(CD_PITFALL_LABELS, model, CD_EOS))
greedy = constrained_decode(CD_PITFALL_LABELS, model, CD_EOS)
print(f"pitfall toy: greedy picks {greedy}, P = {probs[0]:.3f};", end=" ")
print(f"best whole string [4], P = {probs[1]:.3f}")


def masked_sampling_probs(allowed, next_logits, eos):
    """Exact probability that constrained_decode(temperature=1) returns each label:
    the product of the renormalised masked probabilities along its path."""
    trie, probs = build_trie(allowed, eos), []
    for sequence in allowed:
        node, logp = trie, 0.0
        for t, token in enumerate([*sequence, eos]):
            legal = sorted(node)
            z = next_logits(sequence[:t])[legal]
            logp += z[legal.index(token)] - z.max() - np.log(np.exp(z - z.max()).sum())
            node = node[token]
        probs.append(np.exp(logp))
    return np.array(probs)


# random bigram models over 16 tokens (0 is eos; logits drawn from N(0, 1)) and random
# label sets: labels of 1 to 3 tokens drawn from 15 tokens, so some share first tokens.
# "sure" adds 4 to the logit of each label's next token after each of its tokens (and
# of eos after its last), as when a model knows how a word it started goes on.
rng = np.random.default_rng(0)
vocab, trials = 16, 500
print("labels  continuations  greedy != best  P(greedy)/P(best)  sampling TV")
for n_labels in (2, 4, 16):
    for bonus in (0.0, 4.0):
        differ, ratio, tv = [], [], []
        for _ in range(trials):
            labels = set()
            while len(labels) < n_labels:
                length = int(rng.integers(1, 4))
                labels.add(tuple(rng.integers(1, vocab, size=length).tolist()))
            labels = [list(label) for label in sorted(labels)]
            # row `vocab` is the start state
            table = rng.normal(size=(vocab + 1, vocab))
            for label in labels:
                for prev, nxt in zip(label, [*label[1:], 0]):
                    table[prev, nxt] += bonus

            def bigram(prefix, table=table):
                return table[prefix[-1] if prefix else vocab]

            scores = score_allowed(labels, bigram, 0)
            picked = labels.index(constrained_decode(labels, bigram, 0))
            differ.append(picked != int(np.argmax(scores)))
            ratio.append(np.exp(scores[picked] - scores.max()))
            conditional = np.exp(scores - scores.max())
            conditional /= conditional.sum()
            masked = masked_sampling_probs(labels, bigram, 0)
            tv.append(0.5 * np.abs(masked - conditional).sum())
        kind = "sure" if bonus else "random"
        print(
            f"{n_labels:6d}  {kind:>13}  {np.mean(differ):14.3f}"
            f"  {np.mean(ratio):17.3f}  {np.mean(tv):11.3f}"
        )
# --8<-- [end:check]
