"""A minimal vLLM-style engine for a GPT-2 model: a paged KV cache (fixed-size blocks, a
block table per sequence), continuous batching, and prefix caching by block hashes.

Used by the LLM-inference examples; the attention reads K and V through each sequence's
block table, so a sequence's cache need not be contiguous.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F


@dataclass
class Request:
    rid: int
    prompt: list[int]
    max_new_tokens: int
    arrival: int = 0  # the step at which the request arrives
    tokens: list[int] = field(default_factory=list)  # prompt + generated so far
    blocks: list[int] = field(default_factory=list)  # the block table
    n_cached: int = 0  # positions whose K/V are in the cache
    first_token_step: int | None = None
    finish_step: int | None = None

    def __post_init__(self):
        self.tokens = list(self.prompt)

    @property
    def generated(self) -> int:
        return len(self.tokens) - len(self.prompt)


class BlockPool:
    """Physical KV blocks: a free list, reference counts, and a prefix-cache index."""

    def __init__(self, n_blocks: int, block_size: int, prefix_caching: bool = False):
        self.block_size, self.prefix_caching = block_size, prefix_caching
        self.free = list(range(n_blocks - 1, -1, -1))
        self.ref = [0] * n_blocks
        self.by_hash: dict[int, int] = {}  # hash of a full block's tokens -> block
        self.hash_of: dict[int, int] = {}
        self.evictable: OrderedDict[int, None] = OrderedDict()  # cached, unused, LRU

    def available(self) -> int:
        return len(self.free) + len(self.evictable)

    def allocate(self) -> int:
        if self.free:
            b = self.free.pop()
        else:  # reuse the least recently used cached block
            b, _ = self.evictable.popitem(last=False)
            del self.by_hash[self.hash_of.pop(b)]
        self.ref[b] = 1
        return b

    def retain(self, b: int) -> None:
        self.ref[b] += 1
        self.evictable.pop(b, None)

    def release(self, b: int) -> None:
        self.ref[b] -= 1
        if self.ref[b] == 0:
            if b in self.hash_of:
                self.evictable[b] = None  # keep its contents for a later prefix hit
            else:
                self.free.append(b)

    def register(self, b: int, h: int) -> None:
        if self.prefix_caching and h not in self.by_hash:
            self.by_hash[h], self.hash_of[b] = b, h


def block_hashes(tokens: list[int], block_size: int) -> list[int]:
    """Hash of each full block, chained with its parent's (as vLLM's prefix cache)."""
    hashes, parent = [], None
    for i in range(len(tokens) // block_size):
        parent = hash((parent, tuple(tokens[i * block_size : (i + 1) * block_size])))
        hashes.append(parent)
    return hashes


class Engine:
    def __init__(
        self,
        model,
        n_blocks: int,
        block_size: int = 16,
        reserve: int | None = None,  # reserve this many positions up front per request
        **pool_options,
    ):
        self.reserve = reserve
        self.m = model.transformer
        self.head = model.lm_head
        c = model.config
        self.L, self.H, self.D = c.n_layer, c.n_head, c.n_embd // c.n_head
        self.pool = BlockPool(n_blocks, block_size, **pool_options)
        self.k = torch.zeros(self.L, n_blocks * block_size, self.H, self.D)
        self.v = torch.zeros_like(self.k)
        self.computed = 0  # positions pushed through the model
        self.prompt_computed = 0  # of which, prompt positions (prefill)

    # ---- memory ----
    def blocks_needed(self, r: Request) -> int:
        return math.ceil(len(r.tokens) / self.pool.block_size) - len(r.blocks)

    def admit(self, r: Request) -> bool:
        """Give a request blocks for its prompt, reusing cached prefix blocks if any."""
        bs = self.pool.block_size
        hits = []
        if self.pool.prefix_caching:
            usable = (len(r.tokens) - 1) // bs  # keep >= 1 token to compute logits from
            for h in block_hashes(r.tokens, bs)[:usable]:
                if h not in self.pool.by_hash:
                    break
                hits.append(self.pool.by_hash[h])
        need = math.ceil((self.reserve or len(r.tokens)) / bs) - len(hits)
        if self.pool.available() < need:
            return False
        for b in hits:
            self.pool.retain(b)
        r.blocks, r.n_cached = hits, len(hits) * bs
        if self.reserve:  # a contiguous-style allocator: the maximum length, up front
            r.blocks += [self.pool.allocate() for _ in range(need)]
        return True

    def free(self, r: Request) -> None:
        for b in r.blocks:
            self.pool.release(b)
        r.blocks, r.n_cached = [], 0

    def slots(self, r: Request, positions: range) -> torch.Tensor:
        bs = self.pool.block_size
        return torch.tensor([r.blocks[p // bs] * bs + p % bs for p in positions])

    # ---- compute ----
    @torch.no_grad()
    def step(self, batch: list[Request]) -> list[int]:
        """One forward pass over every new position of every request; greedy tokens."""
        for r in batch:
            for _ in range(self.blocks_needed(r)):
                r.blocks.append(self.pool.allocate())
        new = [range(r.n_cached, len(r.tokens)) for r in batch]
        self.computed += sum(len(p) for p in new)
        self.prompt_computed += sum(
            len(p) for r, p in zip(batch, new) if not r.generated
        )
        ids = torch.tensor([r.tokens[p] for r, pos in zip(batch, new) for p in pos])
        positions = torch.tensor([p for pos in new for p in pos])
        x = self.m.wte(ids) + self.m.wpe(positions)  # all new tokens, flattened
        write = torch.cat([self.slots(r, pos) for r, pos in zip(batch, new)])
        read = [self.slots(r, range(len(r.tokens))) for r in batch]
        for layer, blk in enumerate(self.m.h):
            q, k, v = blk.attn.c_attn(blk.ln_1(x)).split(self.H * self.D, dim=-1)
            self.k[layer, write] = k.view(-1, self.H, self.D)  # into the paged cache
            self.v[layer, write] = v.view(-1, self.H, self.D)
            outs, start = [], 0
            for r, pos, slots in zip(batch, new, read):
                qi = q[start : start + len(pos)].view(len(pos), self.H, self.D)
                start += len(pos)
                ki, vi = self.k[layer, slots], self.v[layer, slots]  # gather by table
                mask = (
                    torch.arange(len(r.tokens))[None, :] <= torch.tensor(pos)[:, None]
                )
                o = F.scaled_dot_product_attention(
                    qi.transpose(0, 1), ki.transpose(0, 1), vi.transpose(0, 1), mask
                )
                outs.append(o.transpose(0, 1).reshape(len(pos), -1))
            x = x + blk.attn.c_proj(torch.cat(outs))
            x = x + blk.mlp(blk.ln_2(x))
        logits = self.head(self.m.ln_f(x))
        last = torch.tensor([len(p) for p in new]).cumsum(0) - 1
        nxt = logits[last].argmax(-1).tolist()
        bs = self.pool.block_size
        for r, t in zip(batch, nxt):
            # full blocks of the prompt become reusable by later requests
            for i, h in enumerate(block_hashes(r.tokens[: len(r.prompt)], bs)):
                self.pool.register(r.blocks[i], h)
            r.n_cached = len(r.tokens)
            r.tokens.append(t)
        return nxt


# --8<-- [start:scheduler]
def serve(engine, requests: list, max_batch: int, policy: str) -> dict:
    """Run requests to completion; return statistics (time is counted in steps)."""
    waiting = sorted(requests, key=lambda r: r.arrival)
    running: list[Request] = []
    step, batch_sizes, used, allocated, preempted = 0, [], [], [], 0
    while waiting or running:
        arrived = [r for r in waiting if r.arrival <= step]
        if policy == "continuous":  # admit whenever there is a slot and memory
            for r in arrived:
                if len(running) >= max_batch or not engine.admit(r):
                    break
                waiting.remove(r)
                running.append(r)
        elif not running:  # static: a new batch only when the previous one is done
            group = waiting[:max_batch]
            if group and all(r.arrival <= step for r in group):
                for r in group:
                    assert engine.admit(r)
                    waiting.remove(r)
                running = group
        active = [r for r in running if r.finish_step is None]
        if active:
            while (
                sum(engine.blocks_needed(r) for r in active) > engine.pool.available()
            ):
                victim = (
                    active.pop()
                )  # out of blocks: preempt the newest, recompute later
                preempted += 1
                engine.free(victim)
                running.remove(victim)
                waiting.insert(0, victim)
            engine.step(active)
            for r in active:
                if r.first_token_step is None:
                    r.first_token_step = step
                if r.generated >= r.max_new_tokens:
                    r.finish_step = step
            batch_sizes.append(len(active))
            used.append(sum(len(r.tokens) - 1 for r in running))  # positions in cache
            allocated.append(
                sum(len(r.blocks) for r in running) * engine.pool.block_size
            )
        for r in [r for r in running if r.finish_step is not None]:
            if policy == "continuous" or all(
                q.finish_step is not None for q in running
            ):
                engine.free(r)  # static batches release memory only when all are done
                running.remove(r)
        step += 1
    return {
        "steps": step,
        "preempted": preempted,
        "batch_sizes": batch_sizes,
        "used": used,
        "allocated": allocated,
        "latency": [r.finish_step - r.arrival + 1 for r in requests],
        "ttft": [r.first_token_step - r.arrival + 1 for r in requests],
    }


# --8<-- [end:scheduler]
