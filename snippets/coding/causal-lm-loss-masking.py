# --8<-- [start:signature]
import torch


def sft_labels(
    input_ids: torch.Tensor, attention_mask: torch.Tensor, prompt_lengths
) -> torch.Tensor:
    """Labels for supervised fine-tuning: a copy of input_ids, (B, T), with -100 at
    every prompt and padding position.

    attention_mask is 1 on real tokens and 0 on padding, which may be on the left or on
    the right. prompt_lengths (a sequence of B ints or a (B,) tensor) counts each row's
    prompt tokens from its first real token. The labels are not shifted: the loss
    shifts them.
    """
    raise NotImplementedError


def causal_lm_loss_sum(
    logits: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, int]:
    """(sum, count): the summed cross-entropy of the next-token predictions whose
    target is not -100, and how many there are.

    logits (B, T, V) and labels (B, T) are aligned with the input: logits[:, t] predict
    the token at t + 1, so labels[:, t + 1] is their target. Computed in at least
    float32; differentiable in the logits. A micro-batch with no target gives (0, 0).
    """
    raise NotImplementedError


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The mean cross-entropy over every target of the batch (sum / count), the loss
    a transformers causal LM returns when given these labels; nan if there is none."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import torch

IGNORE_INDEX = -100


def sft_labels(
    input_ids: torch.Tensor, attention_mask: torch.Tensor, prompt_lengths
) -> torch.Tensor:
    real = attention_mask.bool()
    # index of each token among its row's real tokens, whatever the padding side
    position = real.long().cumsum(dim=-1) - 1
    prompt_lengths = torch.as_tensor(prompt_lengths, device=input_ids.device)
    response = real & (position >= prompt_lengths[:, None])
    return torch.where(response, input_ids, IGNORE_INDEX)


def causal_lm_loss_sum(
    logits: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, int]:
    # the shift: position t predicts token t + 1; the last position predicts nothing
    logits, targets = logits[:, :-1], labels[:, 1:]
    keep = targets != IGNORE_INDEX
    dtype = torch.promote_types(logits.dtype, torch.float32)
    log_probs = logits.to(dtype).log_softmax(dim=-1)
    # -100 is not a valid index: gather with any valid id, then drop those positions
    safe = torch.where(keep, targets, 0)
    nll = -log_probs.gather(-1, safe[..., None]).squeeze(-1)
    return torch.where(keep, nll, 0.0).sum(), int(keep.sum())


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    total, count = causal_lm_loss_sum(logits, labels)
    return total / count


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import pytest
import torch
import torch.nn.functional as F


def sft_worked_example():
    """One prompt/response pair (prompt 5 6, response 7 8 and eos 2), right-padded in
    row 0 and left-padded in row 1 with the pad id 0."""
    ids = torch.tensor([[5, 6, 7, 8, 2, 0, 0], [0, 0, 5, 6, 7, 8, 2]])
    mask = (torch.arange(7) < 5).long()
    return ids, torch.stack([mask, mask.flip(0)]), [2, 2]


def next_token_logits(ids, vocab=10, peak=10.0):
    """Logits that put `peak` on the next token of each row and 0 elsewhere."""
    logits = torch.zeros(*ids.shape, vocab)
    logits[:, :-1].scatter_(-1, ids[:, 1:, None], peak)
    return logits


def tiny_llama(vocab=40, seed=0):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(seed)
    config = transformers.LlamaConfig(
        vocab_size=vocab,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=0,
    )
    return transformers.LlamaForCausalLM(config).eval()


def random_sft_batch(
    seed, vocab=40, rows=4, prompt=(2, 12), response=(1, 15), left=False
):
    """Rows of bos 1, a prompt and a response ending in eos 2, padded with 0 (token ids
    3 and up for the text); returns ids, attention mask and prompt lengths."""
    g = torch.Generator().manual_seed(seed)
    seqs, prompt_lengths = [], []
    for _ in range(rows):
        n_p = int(torch.randint(*prompt, (1,), generator=g))
        n_r = int(torch.randint(*response, (1,), generator=g))
        text = torch.randint(3, vocab, (n_p + n_r,), generator=g).tolist()
        seqs.append([1, *text, 2])
        prompt_lengths.append(1 + n_p)
    width = max(map(len, seqs))
    ids = torch.zeros(rows, width, dtype=torch.long)
    mask = torch.zeros(rows, width, dtype=torch.long)
    for i, s in enumerate(seqs):
        span = slice(width - len(s), width) if left else slice(0, len(s))
        ids[i, span], mask[i, span] = torch.tensor(s), 1
    return ids, mask, prompt_lengths


def test_causal_lm_worked_example():
    ids, mask, prompt_lengths = sft_worked_example()
    labels = sft_labels(ids, mask, prompt_lengths)
    assert labels.tolist() == [
        [-100, -100, 7, 8, 2, -100, -100],
        [-100, -100, -100, -100, 7, 8, 2],
    ]
    total, count = causal_lm_loss_sum(torch.zeros(2, 7, 10), labels)
    assert count == 6 and total.item() == pytest.approx(6 * math.log(10), rel=1e-6)
    assert causal_lm_loss(torch.zeros(2, 7, 10), labels).item() == pytest.approx(
        math.log(10), rel=1e-6
    )
    # a model sure of every next token: each target costs log(1 + 9 e^-10)
    good = next_token_logits(ids)
    right = math.log1p(9 * math.exp(-10))
    assert causal_lm_loss(good, labels).item() == pytest.approx(right, abs=1e-5)
    # labels shifted by hand, then again by the loss: every target is 2 tokens ahead
    shifted_twice = F.pad(labels[:, 1:], (0, 1), value=-100)
    wrong = math.log(math.exp(10) + 9)
    assert causal_lm_loss(good, shifted_twice).item() == pytest.approx(wrong, rel=1e-6)


def test_causal_lm_loss_matches_cross_entropy_on_shifted_tensors():
    g = torch.Generator().manual_seed(0)
    for dtype in (torch.float32, torch.float64):
        ids, mask, prompt_lengths = random_sft_batch(seed=1, rows=6)
        labels = sft_labels(ids, mask, prompt_lengths)
        logits = torch.randn(*ids.shape, 40, generator=g).to(dtype) * 3
        theirs = F.cross_entropy(
            logits[:, :-1].reshape(-1, 40), labels[:, 1:].reshape(-1), ignore_index=-100
        )
        torch.testing.assert_close(causal_lm_loss(logits, labels), theirs)
        total, count = causal_lm_loss_sum(logits, labels)
        assert count == int((labels[:, 1:] != -100).sum())
        assert count == sum(mask.sum(1).tolist()) - sum(prompt_lengths)
        torch.testing.assert_close(total / count, theirs)
    # half-precision logits: computed in float32, as transformers does
    half = causal_lm_loss(logits.to(torch.bfloat16), labels)
    assert half.dtype == torch.float32
    # a micro-batch without a response token adds nothing to the sum
    total, count = causal_lm_loss_sum(logits, torch.full_like(labels, -100))
    assert count == 0 and total.item() == 0.0
    assert math.isnan(causal_lm_loss(logits, torch.full_like(labels, -100)).item())


def test_causal_lm_loss_matches_transformers_which_shifts_inside():
    model = tiny_llama()
    ids, mask, prompt_lengths = random_sft_batch(seed=2)
    labels = sft_labels(ids, mask, prompt_lengths)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        ours = causal_lm_loss(out.logits, labels)
        torch.testing.assert_close(ours, out.loss)
        # pre-shifted labels are shifted again inside the model: a different loss,
        # the one of predicting the token two positions ahead
        shifted = F.pad(labels[:, 1:], (0, 1), value=-100)
        twice = model(input_ids=ids, attention_mask=mask, labels=shifted).loss
        torch.testing.assert_close(twice, causal_lm_loss(out.logits, shifted))
        assert not torch.isclose(twice, out.loss)


def test_padding_side_does_not_change_the_loss():
    model = tiny_llama()
    losses = []
    for left in (False, True):
        ids, mask, prompt_lengths = random_sft_batch(seed=3, left=left)
        labels = sft_labels(ids, mask, prompt_lengths)
        # with left padding, positions must start at the first real token
        position_ids = (mask.cumsum(-1) - 1).clamp(min=0)
        with torch.no_grad():
            logits = model(ids, attention_mask=mask, position_ids=position_ids).logits
        losses.append(causal_lm_loss_sum(logits, labels))
    (sum_right, n_right), (sum_left, n_left) = losses
    assert n_right == n_left
    torch.testing.assert_close(sum_left, sum_right, rtol=1e-5, atol=1e-5)


def test_token_mean_is_not_the_mean_of_sequence_means():
    g = torch.Generator().manual_seed(4)
    ids, mask, prompt_lengths = random_sft_batch(seed=4, response=(1, 30), rows=5)
    labels = sft_labels(ids, mask, prompt_lengths)
    logits = torch.randn(*ids.shape, 40, generator=g, dtype=torch.float64) * 3
    rows = [causal_lm_loss_sum(logits[i : i + 1], labels[i : i + 1]) for i in range(5)]
    sums = torch.stack([s for s, _ in rows])
    counts = torch.tensor([n for _, n in rows], dtype=torch.float64)
    assert len(set(counts.tolist())) > 1
    token_mean = causal_lm_loss(logits, labels)
    sequence_mean = (sums / counts).mean()
    # per token: each row weighs by its number of targets; per sequence: equally
    torch.testing.assert_close(token_mean, sums.sum() / counts.sum())
    torch.testing.assert_close(
        token_mean, (sums / counts * counts).sum() / counts.sum()
    )
    assert not torch.isclose(token_mean, sequence_mean)


def test_micro_batches_need_the_sum_and_the_count():
    g = torch.Generator().manual_seed(5)
    ids, mask, prompt_lengths = random_sft_batch(seed=5, response=(1, 30), rows=6)
    labels = sft_labels(ids, mask, prompt_lengths)
    leaf = (
        torch.randn(*ids.shape, 40, generator=g, dtype=torch.float64) * 3
    ).requires_grad_()
    full = causal_lm_loss(leaf, labels)
    (full_grad,) = torch.autograd.grad(full, leaf)
    parts = [slice(0, 1), slice(1, 4), slice(4, 6)]
    pairs = [causal_lm_loss_sum(leaf[p], labels[p]) for p in parts]
    n_total = sum(n for _, n in pairs)
    mean_of_means = sum(s / n for s, n in pairs) / len(parts)
    assert not torch.isclose(mean_of_means, full)
    # divide every micro-batch's sum by the count of the whole batch, then add
    accumulated = torch.zeros_like(leaf)
    for s, _ in pairs:
        (grad,) = torch.autograd.grad(s / n_total, leaf)
        accumulated += grad
    torch.testing.assert_close(sum(s for s, _ in pairs) / n_total, full)
    torch.testing.assert_close(accumulated, full_grad)


def test_transformers_num_items_in_batch_is_the_same_fix():
    model = tiny_llama()
    ids, mask, prompt_lengths = random_sft_batch(seed=6, response=(1, 30), rows=4)
    labels = sft_labels(ids, mask, prompt_lengths)
    with torch.no_grad():
        full_sum, n_total = causal_lm_loss_sum(
            model(ids, attention_mask=mask).logits, labels
        )
        # each micro-batch's loss is its sum divided by the whole batch's count
        parts = [
            model(
                ids[p],
                attention_mask=mask[p],
                labels=labels[p],
                num_items_in_batch=n_total,
            )
            for p in (slice(0, 2), slice(2, 4))
        ]
    torch.testing.assert_close(sum(out.loss for out in parts), full_sum / n_total)


# --8<-- [end:tests]


# --8<-- [start:check]
torch.set_num_threads(1)
tests = [
    test_causal_lm_worked_example,
    test_causal_lm_loss_matches_cross_entropy_on_shifted_tensors,
    test_causal_lm_loss_matches_transformers_which_shifts_inside,
    test_padding_side_does_not_change_the_loss,
    test_token_mean_is_not_the_mean_of_sequence_means,
    test_micro_batches_need_the_sum_and_the_count,
    test_transformers_num_items_in_batch_is_the_same_fix,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# a toy SFT task: bos and a random prompt, then a response that counts up from a random
# token (every response token after the first follows from the one before) and eos
vocab, steps = 40, 40


def sft_batch(lengths):
    """Right-padded ids, attention mask and prompt lengths for (prompt, response)
    token counts."""
    seqs = []
    for n_prompt, n_response in lengths:
        prompt = torch.randint(3, vocab, (n_prompt,)).tolist()
        start = int(torch.randint(3, vocab, (1,)))
        response = [3 + (start - 3 + k) % (vocab - 3) for k in range(n_response)]
        seqs.append([1, *prompt, *response, 2])
    ids = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, s in enumerate(seqs):
        ids[i, : len(s)], mask[i, : len(s)] = torch.tensor(s), 1
    return ids, mask, [1 + n_prompt for n_prompt, _ in lengths]


# four held-out pairs of very different lengths, and a tiny random Llama
torch.manual_seed(0)
pairs = [(24, 2), (3, 30), (12, 6), (2, 12)]
ids, mask, prompt_lengths = sft_batch(pairs)
labels = sft_labels(ids, mask, prompt_lengths)
variants = {
    "(a) all tokens": torch.where(mask.bool(), ids, -100),
    "(b) response only": labels,
    # labels shifted by hand: the loss shifts them a second time
    "(c) response, shifted twice": F.pad(labels[:, 1:], (0, 1), value=-100),
    # padding not masked: labels built as if every position were a real token
    "(d) response and padding": sft_labels(ids, torch.ones_like(mask), prompt_lengths),
}
micro_batches = [slice(0, 2), slice(2, 4)]


def measure(model):
    with torch.no_grad():
        logits = model(ids, attention_mask=mask).logits
    losses = {name: causal_lm_loss(logits, y).item() for name, y in variants.items()}
    rows = [causal_lm_loss_sum(logits[i : i + 1], labels[i : i + 1]) for i in range(4)]
    micro = [causal_lm_loss_sum(logits[p], labels[p]) for p in micro_batches]
    return losses, rows, micro


model = tiny_llama(vocab=vocab, seed=0)
before = measure(model)
model.train()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for _ in range(steps):
    # fine-tuning on fresh pairs, response tokens only
    lengths = torch.randint(2, 31, (8, 2)).tolist()
    train_ids, train_mask, train_prompts = sft_batch(lengths)
    logits = model(train_ids, attention_mask=train_mask).logits
    loss = causal_lm_loss(logits, sft_labels(train_ids, train_mask, train_prompts))
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()
(losses, rows, micro), (losses_0, _, _) = measure(model), before

shown = ", ".join(f"({p}, {r})" for p, r in pairs)
print(f"held-out pairs (prompt, response tokens): {shown}")
print(f"vocabulary {vocab}: a uniform guess costs ln {vocab} = {math.log(vocab):.3f}")
print(f"loss on                        targets  random init  after {steps} steps")
for name, y in variants.items():
    n = int((y[:, 1:] != -100).sum())
    print(f"{name:<29}  {n:>7}  {losses_0[name]:>11.3f}  {losses[name]:>14.3f}")
by_pair = ", ".join(f"{s.item() / n:.3f}" for s, n in rows)
targets = ", ".join(str(n) for _, n in rows)
print(f"response loss by pair: {by_pair} ({targets} targets)")
token_mean = losses["(b) response only"]
sequence_mean = sum(s.item() / n for s, n in rows) / len(rows)
mean_of_means = sum(s.item() / n for s, n in micro) / len(micro)
sum_over_count = sum(s.item() for s, _ in micro) / sum(n for _, n in micro)
error = abs(mean_of_means - token_mean) / token_mean
same = math.isclose(sum_over_count, token_mean, rel_tol=1e-5)
counts = " and ".join(str(n) for _, n in micro)
print(f"per-token mean (b)              {token_mean:.3f}")
print(f"mean of per-sequence means      {sequence_mean:.3f}")
off = f"{counts} targets; {error:.1%} off"
print(f"mean of 2 micro-batch means     {mean_of_means:.3f}  ({off})")
print(f"micro-batch sums / total count  {sum_over_count:.3f}  (equals (b): {same})")
# --8<-- [end:check]
