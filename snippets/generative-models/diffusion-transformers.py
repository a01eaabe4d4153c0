import torch
from torch import nn

torch.manual_seed(0)


class DiTBlock(nn.Module):
    """A transformer block whose LayerNorms are modulated by the conditioning vector c
    (timestep + class embedding): adaLN-Zero, as in Peebles & Xie (2023)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False)
        self.mlp = nn.Sequential(
            nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)
        )
        # c -> shift, scale, gate for attention and for the MLP; zero-initialised, so
        # every gate starts at 0 and the block starts as the identity
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))
        nn.init.zeros_(self.ada[1].weight)
        nn.init.zeros_(self.ada[1].bias)

    def forward(self, x, c):
        shift1, scale1, gate1, shift2, scale2, gate2 = self.ada(c)[:, None].chunk(6, -1)
        h = self.norm1(x) * (1 + scale1) + shift1
        x = x + gate1 * self.attn(h, h, h, need_weights=False)[0]
        h = self.norm2(x) * (1 + scale2) + shift2
        return x + gate2 * self.mlp(h)


class TinyDiT(nn.Module):
    def __init__(
        self, size=32, channels=4, patch=2, dim=64, depth=2, heads=4, classes=10
    ):
        super().__init__()
        self.patch, self.channels = patch, channels
        self.tokens = (size // patch) ** 2
        self.embed = nn.Conv2d(channels, dim, patch, stride=patch)  # patchify + project
        self.pos = nn.Parameter(torch.zeros(1, self.tokens, dim))  # DiT: fixed sin-cos
        self.t_embed = nn.Sequential(nn.Linear(1, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.y_embed = nn.Embedding(classes + 1, dim)  # + 1: the "no label" of CFG
        self.blocks = nn.ModuleList(DiTBlock(dim, heads) for _ in range(depth))
        self.out = nn.Linear(dim, patch * patch * channels)  # DiT zero-inits this too

    def forward(self, x, t, y, trace=False):
        n, p, ch = x.shape[0], self.patch, self.channels
        h = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        c = self.t_embed(t[:, None]) + self.y_embed(y)
        if trace:
            print(
                f"latent {tuple(x.shape)} -> tokens {tuple(h.shape)}, "
                f"c {tuple(c.shape)}"
            )
        for block in self.blocks:
            h = block(h, c)
        h = self.out(h)  # (n, tokens, p * p * channels)
        side = int(self.tokens**0.5)
        h = h.reshape(n, side, side, p, p, ch).permute(0, 5, 1, 3, 2, 4)
        out = h.reshape(n, ch, side * p, side * p)  # unpatchify
        if trace:
            per_token = self.out.out_features
            print(
                f"each token -> {per_token} values ({p}x{p}x{ch}) -> {tuple(out.shape)}"
            )
        return out


# A Stable-Diffusion-sized latent (a 256x256 image through an f = 8 autoencoder).
model = TinyDiT()
x = torch.randn(2, 4, 32, 32)
eps = model(x, torch.rand(2), torch.tensor([3, 10]), trace=True)

block = model.blocks[0]
h, c = torch.randn(2, model.tokens, 64), torch.randn(2, 64)
print("a block is the identity at initialisation:", torch.equal(block(h, c), h))

# Sequence length, and so attention cost, against patch size for that 32x32x4 latent.
for p in (2, 4, 8):
    tokens = (32 // p) ** 2
    print(
        f"patch {p}: {tokens:>3} tokens, {tokens**2:>7,} attention pairs "
        "per head and layer"
    )
