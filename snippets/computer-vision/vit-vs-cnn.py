# --8<-- [start:patch]
import torch
from torch import nn

torch.manual_seed(0)
img = torch.randn(1, 3, 224, 224)
P, D = 16, 768  # ViT-B/16: 16x16 patches, width 768

# Patch embedding = a Conv2d whose kernel and stride both equal the patch size...
patch_embed = nn.Conv2d(3, D, kernel_size=P, stride=P)
tokens = patch_embed(img).flatten(2).transpose(1, 2)  # (1, 196, 768)
# ...which is the same as cutting 16x16x3 patches, flattening them, and a Linear layer.
patches = img.unfold(2, P, P).unfold(3, P, P)  # (1, 3, 14, 14, 16, 16)
patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(1, 196, 3 * P * P)
linear = nn.Linear(3 * P * P, D)
with torch.no_grad():
    linear.weight.copy_(patch_embed.weight.reshape(D, -1))
    linear.bias.copy_(patch_embed.bias)
    print(f"tokens: {tuple(tokens.shape)}; conv == flatten + Linear: "
          f"{torch.allclose(tokens, linear(patches), atol=1e-4)}")  # fmt: skip
print(
    f"patch-embedding parameters: {sum(p.numel() for p in patch_embed.parameters()):,}"
)

print(f"{'patch':>5}{'tokens (+CLS)':>15}{'attention scores per head':>27}")
for p in (32, 16, 14, 8):
    n = (224 // p) ** 2 + 1
    print(f"{p:>5}{n:>15}{n * n:>27,}")

# The whole ViT-B/16, built on the meta device (shapes only, no memory, no weights).
with torch.device("meta"):
    layer = nn.TransformerEncoderLayer(
        D, nhead=12, dim_feedforward=4 * D, norm_first=True
    )
    blocks = nn.TransformerEncoder(layer, num_layers=12, enable_nested_tensor=False)
    vit = nn.ModuleList(
        [patch_embed.to("meta"), blocks, nn.LayerNorm(D), nn.Linear(D, 1000)]
    )
    cls_and_pos = D + 197 * D  # the CLS token and the learned position embeddings
total = sum(p.numel() for p in vit.parameters()) + cls_and_pos
print(f"ViT-B/16 parameters: {total:,}")
# --8<-- [end:patch]

# --8<-- [start:data]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16, dtype=torch.float32).reshape(-1, 1, 8, 8)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, torch.tensor(y), test_size=0.3, random_state=0, stratify=y
)


class TinyViT(nn.Module):
    """2x2 patches of an 8x8 image -> 16 tokens, a CLS token, 2 pre-norm blocks."""

    def __init__(self, d=32, positions=True):
        super().__init__()
        self.embed = nn.Conv2d(1, d, kernel_size=2, stride=2)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(0.02 * torch.randn(1, 17, d)) if positions else None
        layer = nn.TransformerEncoderLayer(
            d, 4, 2 * d, dropout=0.0, batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 10))

    def forward(self, x, patch_order=None):
        t = self.embed(x).flatten(2).transpose(1, 2)
        if patch_order is not None:
            t = t[:, patch_order]
        t = torch.cat([self.cls.expand(len(t), -1, -1), t], 1)
        if self.pos is not None:
            t = t + self.pos
        return self.head(self.blocks(t)[:, 0])


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 16, 10),
    )  # fmt: skip


def train_eval(model, n_train, steps=400):
    opt = torch.optim.AdamW(model.parameters(), 3e-3, weight_decay=0.05)
    g = torch.Generator().manual_seed(0)
    for _ in range(steps):
        i = torch.randint(n_train, (64,), generator=g)
        loss = nn.functional.cross_entropy(model(X_tr[i]), y_tr[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return (model.eval()(X_te).argmax(1) == y_te).float().mean().item()


print(f"{'model':9}{'params':>8}{'100 train':>11}{'1257 train':>12}")
for name, make in (("CNN", cnn), ("tiny ViT", TinyViT)):
    accs = []
    for n_train in (100, len(y_tr)):
        torch.manual_seed(0)
        model = make()
        accs.append(train_eval(model, n_train))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name:9}{n_params:>8,}{accs[0]:>11.3f}{accs[1]:>12.3f}")

# Without position embeddings, attention cannot tell where a patch came from:
# shuffling the 16 patches leaves the output exactly unchanged.
torch.manual_seed(0)
no_pos = TinyViT(positions=False).eval()
with torch.no_grad():
    same = torch.allclose(
        no_pos(X_te[:50]), no_pos(X_te[:50], torch.randperm(16)), atol=1e-5
    )
print(f"no position embeddings: output unchanged when patches are shuffled: {same}")
# --8<-- [end:data]
