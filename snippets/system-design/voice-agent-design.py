# --8<-- [start:latency]
import numpy as np

rng = np.random.default_rng(0)
n = 20_000


def draw(median, p95):
    """Lognormal draws with the given median and 95th percentile."""
    return rng.lognormal(np.log(median), np.log(p95 / median) / 1.645, n)


# Assumptions of the simulation, not measurements of any product. All times are in
# ms, from the moment the caller stops speaking to the first agent audio they hear.
up, down = draw(40, 100), draw(40, 100)  # network, each way
playout = 60  # the client's jitter buffer
said = draw(2_000, 5_000)  # length of the caller's utterance
asr_batch = draw(150, 400) + 0.1 * said  # whole-utterance ASR after the endpoint
asr_final = draw(100, 250)  # streaming ASR: last chunk and finalisation
ttft = draw(300, 800)  # LLM time to first token
per_token = 1_000 / draw(70, 110)  # LLM decode at a median 70 tokens/s
tts_first = draw(150, 350)  # streaming TTS: time to the first audio chunk
tts_rtf = 0.15  # TTS compute per ms of audio
phone = draw(120, 200) + draw(120, 200)  # extra delay of phone-network legs
first = np.maximum(3, draw(14, 30).round())  # tokens in the first sentence
reply = first * (1 + rng.binomial(3, 0.4, n))  # 1 to 4 sentences
audio = 300 * reply  # ms of speech: about 150 words a minute
ends = up + down + playout


def row(name, t):
    p50, p95 = np.percentile(t, [50, 95])
    print(f"{name:<38}{p50:7.0f}{p95:7.0f}{(t <= 1_000).mean():8.3f}")


print(f"{'pipeline (ms to first audio)':<38}{'p50':>7}{'p95':>7}{'<= 1 s':>8}")
whole = ttft + reply * per_token + tts_first + tts_rtf * audio
row("batch ASR, whole reply, whole TTS", ends + 500 + asr_batch + whole)
row("streaming ASR, whole reply and TTS", ends + 500 + asr_final + whole)
streamed = asr_final + ttft + first * per_token + tts_first
row("streaming, TTS sentence by sentence", ends + 500 + streamed)
row("  with a 200 ms endpointing wait", ends + 200 + streamed)
fast = asr_final + ttft / 2 + first * per_token / 2 + tts_first
row("  and an LLM twice as fast", ends + 200 + fast)
row("  and over the phone network", ends + 200 + fast + phone)

stages = [
    ("uplink", up),
    ("endpointing wait", np.full(n, 200.0)),
    ("ASR finalisation", asr_final),
    ("LLM time to first token", ttft),
    ("LLM first sentence", first * per_token),
    ("TTS first audio", tts_first),
    ("downlink + playout buffer", down + playout),
]
print(f"\n{'stage, streaming, 200 ms wait (ms)':<38}{'p50':>7}{'p95':>7}")
for name, t in stages:
    print(f"{name:<38}{np.median(t):7.0f}{np.percentile(t, 95):7.0f}")
total = sum(t for _, t in stages)
print(f"{'first audio':<38}{np.median(total):7.0f}{np.percentile(total, 95):7.0f}")
p95_sum = sum(np.percentile(t, 95) for _, t in stages)
print(f"{'sum of the stage p95s':<38}{'':>7}{p95_sum:7.0f}")

# Turns that need a lookup (same pipeline, 200 ms wait): the LLM writes a 25-token
# tool call, the tool answers, a second LLM call (prompt prefix cached) starts the
# answer. The filler is cached audio, 1.2 s long, played as soon as the call is made.
tool = draw(500, 2_000)
ttft2 = draw(200, 500)
call = ends + 200 + asr_final + ttft + 25 * per_token  # heard at the caller's ear
answer = call + tool + ttft2 + first * per_token + tts_first
filler = 1_200
after_filler = np.maximum(answer, call + filler)
gap_after_filler = after_filler - (call + filler)
heads = ("first audio", "answer starts", "longest silence")
print(f"\n{'tool turns (ms)':<26}" + "".join(f"{h:>16}" for h in heads))
print(f"{'':<26}" + "".join(f"{q:>8}" for q in ("p50", "p95") * 3))
for name, heard, starts, silence in [
    ("no filler", answer, answer, answer),
    ("filler at the tool call", call, after_filler, np.maximum(call, gap_after_filler)),
]:
    cells = [np.percentile(x, q) for x in (heard, starts, silence) for q in (50, 95)]
    print(f"{name:<26}" + "".join(f"{v:8.0f}" for v in cells))
# --8<-- [end:latency]

# --8<-- [start:endpointing]
import numpy as np

rng = np.random.default_rng(1)
FRAME = 20  # ms per VAD frame
# Synthetic caller turns (assumptions, not a corpus): 1 to 6 phrases of speech
# (median 0.8 s); between phrases a pause, usually short (median 250 ms) but 20% of
# the time a hesitation (median 700 ms: reading out a number, thinking); after the
# last phrase the caller waits in silence for 3 s. The VAD is right about speech; in
# silence it fires on noise bursts of 60-160 ms, 0.1 (quiet) or 1 (noisy) a second.
turns = 4_000


def lognormal(median, p95, size):
    return rng.lognormal(np.log(median), np.log(p95 / median) / 1.645, size)


phrases = 1 + np.minimum(rng.poisson(1.5, turns), 5)
segments, turn_of, pause_of = [], [], []
for t, k in enumerate(phrases):
    speech = lognormal(800, 2_000, k)
    hesitation = rng.random(k - 1) < 0.2
    pauses = np.where(
        hesitation, lognormal(700, 1_600, k - 1), lognormal(250, 600, k - 1)
    )
    for j in range(k):
        segments += [speech[j], pauses[j] if j < k - 1 else 3_000]
        turn_of += [t, t]
        pause_of += [-1, j]
frames = np.maximum(1, np.round(np.array(segments) / FRAME)).astype(int)
is_speech = np.repeat(np.arange(len(segments)) % 2 == 0, frames)
turn_id, pause_id = np.repeat(turn_of, frames), np.repeat(pause_of, frames)
first_frame = np.cumsum(frames) - frames
true_end = first_frame[2 * np.cumsum(phrases) - 1]  # start of each turn's last pause

# A turn-completion model scores the transcript at each pause (assumed quality):
# high at real ends, low mid-turn, except that a quarter of mid-turn pauses follow
# a phrase that sounds complete ("I need to change my flight... the one on Friday").
first_pause = np.cumsum(phrases) - phrases  # index of each turn's first pause
last_pause = first_pause + phrases - 1
sounds_done = rng.random(phrases.sum()) < 0.25
n_pauses = phrases.sum()
logit = np.where(
    sounds_done, rng.normal(0.5, 1, n_pauses), rng.normal(-2.5, 1, n_pauses)
)
logit[last_pause] = rng.normal(2, 1, turns)
done = logit > 0
mid = np.ones(n_pauses, bool)
mid[last_pause] = False
print(f"turns: {turns:,}, with a pause inside the turn: {(phrases > 1).mean():.3f}")
print(f"model says done: at real ends {done[~mid].mean():.3f}, mid-turn", end=" ")
print(f"{done[mid].mean():.3f}")


def endpoint(noise_per_s, wait, wait_if_not_done=None):
    """End the turn after `wait` ms of VAD silence; with a turn-completion model, wait
    `wait` ms if it says done and `wait_if_not_done` otherwise (plus 20 ms to run it).
    A turn whose end is not found in the 3 s of silence counts as 3,000 ms."""
    n = is_speech.size
    start = np.flatnonzero(rng.random(n) < noise_per_s * FRAME / 1_000)
    length = rng.integers(3, 9, start.size)
    vad = is_speech.copy()
    for d in range(8):
        vad[np.minimum(start[d < length] + d, n - 1)] = True
    edges = np.diff(np.r_[1, vad.astype(int), 1])
    run_start, run_end = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)
    run_turn = turn_id[run_start]
    need = np.full(run_start.size, wait / FRAME)
    if wait_if_not_done is not None:
        said_done = done[first_pause[run_turn] + pause_id[run_start]]
        need = np.where(said_done, wait, wait_if_not_done) / FRAME + 1
    fires = run_end - run_start >= need
    declared = np.full(turns, np.inf)
    np.minimum.at(declared, run_turn[fires], (run_start + need)[fires])
    cut_in = declared < true_end
    added = np.minimum((declared - true_end)[~cut_in] * FRAME, 3_000)
    return cut_in.mean(), np.median(added), np.percentile(added, 95)


print(f"{'end of turn after':<32}{'quiet room':>24}{'noisy room':>24}")
print(f"{'':<32}" + f"{'cut-in':>8}{'p50 ms':>8}{'p95 ms':>8}" * 2)
policies = [(f"{w:,} ms of silence", (w,)) for w in (200, 300, 500, 800, 1_200)]
policies.append(("turn model: 200 or 1,200 ms", (200, 1_200)))
for name, args in policies:
    cells = "".join(
        f"{cut:8.3f}{p50:8.0f}{p95:8.0f}"
        for cut, p50, p95 in (endpoint(noise, *args) for noise in (0.1, 1.0))
    )
    print(f"{name:<32}{cells}")
# --8<-- [end:endpointing]
