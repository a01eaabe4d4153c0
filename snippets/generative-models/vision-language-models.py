import torch
from torch.nn import functional as F
from transformers import (
    CLIPVisionConfig,
    LlamaConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
)

# A LLaVA-style model built from transformers' own classes at toy size (random weights):
# a CLIP vision tower, a two-layer MLP projector, a Llama decoder.
torch.manual_seed(0)
IMAGE_TOKEN = 99
vision = CLIPVisionConfig(
    hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
    image_size=32, patch_size=8,
)  # fmt: skip
text = LlamaConfig(
    vocab_size=100, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=4,
)  # fmt: skip
config = LlavaConfig(
    vision_config=vision, text_config=text, image_token_index=IMAGE_TOKEN,
    vision_feature_layer=-2, vision_feature_select_strategy="default",
)  # fmt: skip
model = LlavaForConditionalGeneration(config)

# The image becomes (32 / 8)^2 = 16 patch features from the vision tower's
# second-to-last layer (the CLS token dropped); the projector maps each into the LLM's
# embedding space.
pixels = torch.randn(1, 3, 32, 32)
with torch.no_grad():
    hidden = model.model.vision_tower(pixels, output_hidden_states=True).hidden_states[
        -2
    ]
    patches = hidden[:, 1:]
    projected = model.model.multi_modal_projector(patches)
print("vision features:", tuple(hidden.shape), "-> patches:", tuple(patches.shape))
print("projected into the LLM's embedding space:", tuple(projected.shape))

# The prompt holds one placeholder per image token; the model swaps in the projections.
prompt, answer = [1, 5, 6] + [IMAGE_TOKEN] * 16 + [7], [8, 9, 10]
ids = torch.tensor([prompt + answer])
labels = torch.tensor([[-100] * len(prompt) + answer])  # loss on the answer tokens only
out = model(input_ids=ids, pixel_values=pixels, labels=labels)
print("sequence length:", ids.shape[1], "| logits:", tuple(out.logits.shape))
manual = F.cross_entropy(out.logits[0, len(prompt) - 1 : -1], torch.tensor(answer))
print(
    f"loss {out.loss.item():.4f} = cross-entropy on the 3 answer tokens "
    f"{manual.item():.4f}"
)


def trainable(stage):
    """LLaVA's recipe: stage 1 trains only the projector, stage 2 projector and LLM."""
    for name, p in model.named_parameters():
        is_projector = "multi_modal_projector" in name
        is_llm = "language_model" in name or "lm_head" in name
        p.requires_grad = is_projector or (stage == 2 and is_llm)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


total = sum(p.numel() for p in model.parameters())
for stage in (1, 2):
    print(f"stage {stage}: {trainable(stage):,} of {total:,} parameters trained")

# The same arithmetic at LLaVA-1.5's real size: CLIP ViT-L/14 at 336 px, 7B Vicuna.
tokens = (336 // 14) ** 2
projector = (1024 * 4096 + 4096) + (4096 * 4096 + 4096)
print(
    f"LLaVA-1.5: {tokens} image tokens per image, "
    f"projector {projector / 1e6:.1f}M params"
)
