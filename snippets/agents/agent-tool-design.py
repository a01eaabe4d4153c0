import json
import re
import sys

import torch
from transformers import StoppingCriteria

sys.path.insert(0, "snippets/agents")
from agents_llm import cached_prefix, count_tokens, encode, load  # noqa: E402

tok, model = load()
torch.manual_seed(0)

# One shop-support API, eight user intents. Per intent: two names (endpoint-style and
# redesigned), a terse description with loose arguments (endpoint-style) and a "use
# when" description with typed arguments (redesigned). {track}, {cancel}... in a
# description become that toolset's name for the sibling tool.
ID = {"type": "string", "description": "Order number, e.g. A-20931"}
OBJ = {"type": "object"}
STR = {"type": "string"}
TOOLS = {
    "track": (
        ("get_data", "track_package"),
        ("Gets data for an id.", {"id": STR}),
        "Shows where a customer's parcel is and when it should arrive. Use when the "
        "customer asks whether an order has shipped, where it is or when it will be "
        "delivered. Not for sending it elsewhere (use {address}).",
        {"order_id": ID},
    ),
    "find": (
        ("query_records", "find_orders"),
        ("Queries records.", {"filters": OBJ}),
        "Finds a customer's past orders by date, product or status; returns order "
        "numbers, items and totals. Use when the customer asks what they bought or "
        "does not know an order number. Not for delivery status (use {track}).",
        {
            "placed_after": {"type": "string", "description": "YYYY-MM-DD"},
            "product": STR,
            "status": {"enum": ["open", "delivered", "cancelled", "any"]},
        },
    ),
    "cancel": (
        ("delete_entry", "cancel_order"),
        ("Deletes an entry.", {"id": STR}),
        "Cancels an order that has not shipped yet and refunds it in full. Use when "
        "the customer no longer wants a recent order. A shipped order cannot be "
        "cancelled: use {return_} instead.",
        {"order_id": ID},
    ),
    "return_": (
        ("create_item", "start_return"),
        ("Creates an item.", {"data": OBJ}),
        "Starts a return of a delivered item; the refund is paid when it comes back. "
        "Use when an item arrived damaged or wrong, does not fit, or the customer "
        "wants money back for something received. Not yet shipped: use {cancel}.",
        {
            "order_id": ID,
            "reason": {"enum": ["damaged", "wrong_item", "does_not_fit", "other"]},
        },
    ),
    "address": (
        ("update_entry", "change_delivery_address"),
        ("Updates an entry.", {"id": STR, "data": OBJ}),
        "Changes where an order that is not yet delivered will be sent. Use when the "
        "customer moved, made a typo in the address, or wants it delivered elsewhere.",
        {
            "order_id": ID,
            "new_address": {"type": "string", "description": "Street, city"},
        },
    ),
    "stock": (
        ("fetch_items", "check_stock"),
        ("Fetches items.", {"query": STR}),
        "Says whether a product is in stock, how many are left and when it will be "
        "restocked. Use when the customer asks about availability, sizes or colours.",
        {"product": STR, "variant": {"type": "string", "description": "e.g. blue, 42"}},
    ),
    "invoice": (
        ("read_info", "email_invoice"),
        ("Reads info for an id.", {"id": STR}),
        "Emails the customer a PDF invoice with VAT for an order. Use when the "
        "customer needs a receipt, bill or invoice, e.g. for an accountant.",
        {"order_id": ID},
    ),
    "human": (
        ("process_request", "escalate_to_human"),
        ("Processes a request.", {"data": OBJ}),
        "Hands the conversation to a human support agent, who replies within one "
        "business day. Use when the customer asks for a person or a manager, "
        "complains repeatedly, or has a problem no other tool covers.",
        {"summary": STR},
    ),
}
# The eval set: requests in customers' words, four per intent, and the right tool.
REQUESTS = """
track | Where is my parcel? It was supposed to arrive yesterday.
track | Has order A-20931 shipped yet?
track | When will my headphones be delivered?
track | The courier website says nothing. What's the status of my delivery?
find | What did I buy from you last March?
find | Show me all my orders over 100 euros this year.
find | I need the order number for the blender I bought in January.
find | Which of my orders are still open?
cancel | Please cancel order A-31207, I ordered it by mistake.
cancel | I changed my mind about the desk lamp, stop the order before it ships.
cancel | Can you call off my purchase from this morning?
cancel | Don't send the shoes I ordered today.
return_ | The mug arrived broken, I want my money back.
return_ | These jeans don't fit. How do I send them back?
return_ | You sent me the wrong charger, I want to return it.
return_ | I'd like a refund for order A-11873.
address | I moved last week, please ship order A-40212 to 12 Rue Victor Hugo, Lyon.
address | Can my package go to my office address instead of home?
address | Fix the typo in my street name for the order I just placed.
address | Deliver to my neighbour at number 14, I won't be home.
stock | Do you have the blue running shoes in size 42?
stock | Is the espresso machine back in stock?
stock | How many of the 2 TB drives do you have left?
stock | When will the green kettle be available again?
invoice | I need a VAT invoice for order A-55120 for my company.
invoice | Can you send me the receipt for my last purchase?
invoice | My accountant wants a PDF of the bill for order A-19004.
invoice | Where can I download the invoice for the laptop?
human | I want to talk to a real person.
human | This is the third time I'm asking, please escalate my complaint.
human | Your chatbot is useless, get me a manager.
human | I have a problem that isn't about an order, can someone call me?
"""
EVAL = [line.split(" | ") for line in REQUESTS.strip().splitlines()]
INSTRUCTIONS = (
    "You are a shop's support agent. Call exactly one tool. Reply with JSON only: "
    '{"name": <tool name>, "arguments": {...}}\nTools:\n'
)


def toolset(redesigned: bool):
    """The tool definitions, one JSON object a line, and each intent's tool name."""
    names = {key: spec[0][redesigned] for key, spec in TOOLS.items()}
    lines = []
    for key, (_, (terse, terse_args), doc, args) in TOOLS.items():
        properties = args if redesigned else terse_args
        tool = {
            "name": names[key],
            "description": doc.format(**names) if redesigned else terse,
            "parameters": {"type": "object", "properties": properties},
        }
        lines.append(json.dumps(tool))
    return "\n".join(lines), names


def first_token_logits(system: str, requests: list[str], firsts: list[int]):
    """Logits of each tool name's first token after '{"name": "', per request.

    The names' first tokens all differ, so a constrained decoder that may only write
    one of the names has chosen the tool with its first token. The system prompt's
    keys and values are computed once; then eight requests at a time are packed into
    one forward pass, with an attention mask that keeps each request to itself.
    """
    prefix = tok('{"name": "', add_special_tokens=False)["input_ids"]
    chats = [
        [{"role": "system", "content": system}, {"role": "user", "content": r}]
        for r in requests
    ]
    logits = []
    for start in range(0, len(chats), 8):
        cache = cached_prefix(chats[start], encode(chats[start]))
        past = cache.get_seq_length()
        turns = [
            encode(c)[0, past:].tolist() + prefix for c in chats[start : start + 8]
        ]
        owner = torch.cat([torch.full((len(t),), i) for i, t in enumerate(turns)])
        idx = torch.arange(len(owner))
        mask = (owner[:, None] == owner[None, :]) & (idx[None, :] <= idx[:, None])
        mask = torch.cat([torch.ones(len(owner), past, dtype=torch.bool), mask], 1)
        with torch.no_grad():
            hidden = model.model(
                input_ids=torch.tensor([[x for t in turns for x in t]]),
                attention_mask=mask[None, None],
                position_ids=torch.tensor(
                    [[past + i for t in turns for i in range(len(t))]]
                ),
                past_key_values=cache,
                use_cache=True,
            ).last_hidden_state[0]
            ends = torch.tensor([len(t) for t in turns]).cumsum(0) - 1
            logits.append(model.lm_head(hidden[ends])[:, firsts])
    return torch.cat(logits)


n = len(EVAL)
print(
    f"{n} requests, {len(TOOLS)} tools (chance 1/{len(TOOLS)}), SmolLM2-135M-Instruct"
)
print("toolset         right  calibrated  p(right)  most picked tool  tool tokens")
correct = {}
for redesigned in (False, True):
    definitions, names = toolset(redesigned)
    options = list(names.values())
    firsts = [tok(o, add_special_tokens=False)["input_ids"][0] for o in options]
    assert len(set(firsts)) == len(firsts), "the names' first tokens must differ"
    # the last request is content-free: it gives each name's prior in this prompt
    requests = [r for _, r in EVAL] + ["N/A"]
    scores = first_token_logits(INSTRUCTIONS + definitions, requests, firsts)
    right = torch.tensor([options.index(names[key]) for key, _ in EVAL])
    raw, calibrated = scores[:-1], scores[:-1] - scores[-1]
    p_right = raw.softmax(1)[torch.arange(n), right].mean()
    correct[redesigned] = raw.argmax(1) == right
    counts = torch.bincount(raw.argmax(1), minlength=len(options))
    favourite = counts.argmax()
    print(
        f"{'redesigned' if redesigned else 'endpoint-style':14} "
        f"{int(correct[redesigned].sum()):3}/{n} "
        f"{int((calibrated.argmax(1) == right).sum()):7}/{n} {p_right:9.3f} "
        f"{options[int(favourite)]:>17} {int(counts[favourite]):2}/{n} "
        f"{count_tokens(definitions):9}"
    )
# Paired comparison on the same requests: which answers the redesign fixed or broke.
fixed = int((correct[True] & ~correct[False]).sum())
broke = int((correct[False] & ~correct[True]).sum())
print(f"redesign fixed {fixed} requests and broke {broke}")

# Errors as instructions: the model sent a date the tool cannot parse; what does it
# send next after a bare error code, a message that explains the format, and one
# that proposes the value (the tool parsed the date itself)?
SYSTEM = INSTRUCTIONS + toolset(True)[0].splitlines()[1] + "\nToday is 2026-12-14."
CASES = [
    ("What did I order since last March?", "last March", "2026-03-01"),
    ("Show my orders since Christmas.", "Christmas", "2025-12-25"),
    ("List what I bought in the last 30 days.", "30 days ago", "2026-11-14"),
    ("Orders since my birthday on 2 May, please.", "2 May", "2026-05-02"),
    ("Anything I ordered after 10 October?", "10/10", "2026-10-10"),
    ("Show everything I ordered this year.", "this year", "2026-01-01"),
]
ERRORS = {
    "bare code": lambda sent, meant: "Error 400: invalid_argument",
    "format": lambda sent, meant: (
        "placed_after must be a date written YYYY-MM-DD, for example 2026-07-15 "
        f"for 15 July 2026; you sent '{sent}'. Convert it and call again."
    ),
    "proposal": lambda sent, meant: (
        f"placed_after must be YYYY-MM-DD; '{sent}' was read as {meant}. If that "
        f"is what the customer meant, call again with placed_after {meant}."
    ),
}


class StopAtQuote(StoppingCriteria):
    """Stop once the argument's string value is closed."""

    def __init__(self, start: int):
        self.start = start

    def __call__(self, input_ids, scores, **kwargs):
        return torch.tensor(['"' in tok.decode(input_ids[0, self.start :])])


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
prefix = tok(
    '{"name": "find_orders", "arguments": {"placed_after": "', return_tensors="pt"
)
print("next call after a bad date argument (greedy), 6 requests")
for kind, error in ERRORS.items():
    sent = []
    for request, bad, meant in CASES:
        call = {"name": "find_orders", "arguments": {"placed_after": bad}}
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": request},
            {"role": "assistant", "content": json.dumps(call)},
            {"role": "tool", "content": error(bad, meant)},
        ]
        ids = torch.cat([encode(messages), prefix["input_ids"]], 1)
        with torch.no_grad():
            out = model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                past_key_values=cached_prefix(messages, ids),
                max_new_tokens=12,
                do_sample=False,
                stopping_criteria=[StopAtQuote(ids.shape[1])],
                pad_token_id=tok.eos_token_id,
            )
        sent.append(tok.decode(out[0, ids.shape[1] :]).split('"')[0])
    valid = sum(bool(DATE.fullmatch(v)) for v in sent)
    same = sum(v == bad for v, (_, bad, _) in zip(sent, CASES))
    right = sum(v == meant for v, (_, _, meant) in zip(sent, CASES))
    print(f"  {kind:9}  valid {valid}/6  right {right}/6  repeated {same}/6")
    print("    " + ", ".join(repr(v) for v in sent))
