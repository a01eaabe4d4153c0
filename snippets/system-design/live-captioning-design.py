import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)

# Assumptions of the simulation, not measurements of any recogniser. Times in ms.
# 400 utterances of 6 to 20 words, each word lasting 250 to 550 ms. The recogniser
# re-decodes every 200 ms and puts a word in its hypothesis at the first update after
# the word's audio has ended. Its guess for a word is right with a probability that
# grows with the audio heard after the word, a ms: p(a) = 0.97 - 0.37 exp(-a / 400),
# 0.60 at once, 0.83 after 400 ms, 0.94 after 1 s. Whether a guess is right draws on
# a fixed difficulty per word (60% of the variance) and fresh noise per update; a
# wrong guess is the word's usual confusion 60% of the time, else one of two others.
# The endpointer ends an utterance 500 ms after its last word; the final hypothesis
# is decoded then, with all the audio.
STEP, ENDPOINT, N_UTT = 200, 500, 400


def p_right(a):
    return 0.97 - 0.37 * np.exp(-a / 400)


def simulate(n_words):
    ends = np.cumsum(rng.uniform(250, 550, n_words))
    t_final = ends[-1] + ENDPOINT
    times = np.append(np.arange(STEP, t_final, STEP), t_final)
    z = rng.standard_normal(n_words)
    e = rng.standard_normal((len(times), n_words))
    score = np.sqrt(0.6) * z + np.sqrt(0.4) * e
    right = score < norm.ppf(p_right(times[:, None] - ends))
    usual = rng.random((len(times), n_words)) < 0.6
    wrong = np.where(usual, 1, rng.integers(2, 4, (len(times), n_words)))
    hyp = np.where(right, 0, wrong)
    emitted = times[:, None] >= ends
    return ends, times, hyp, emitted


def show_all(times, ends, hyp, emitted, hold=0.0):
    """Show the latest hypothesis, but only words at least `hold` ms old."""
    shown = []
    for k, t in enumerate(times):
        if k == len(times) - 1:
            shown.append(list(hyp[k]))
        else:
            n = int(np.sum(emitted[k] & (t - ends >= hold)))
            shown.append(list(hyp[k, :n]))
    return shown


def agreement(times, ends, hyp, emitted, n_agree=2):
    """LocalAgreement-n: commit the prefix the last n hypotheses agree on."""
    committed, shown = [], []
    for k in range(len(times)):
        if k == len(times) - 1:
            shown.append(committed + list(hyp[k, len(committed) :]))
            break
        if k + 1 >= n_agree:
            last = [
                hyp[j, : int(emitted[j].sum())] for j in range(k - n_agree + 1, k + 1)
            ]
            j = len(committed)
            while all(len(h) > j for h in last) and all(
                h[j] == last[0][j] for h in last
            ):
                committed.append(int(last[0][j]))
                j += 1
        shown.append(list(committed))
    return shown


def score_display(times, ends, shown):
    n = len(ends)
    first = np.full(n, np.nan)
    settled = np.full(n, np.nan)
    rewrites = 0
    prev = []
    for t, cur in zip(times, shown):
        for j, w in enumerate(cur):
            if np.isnan(first[j]):
                first[j] = settled[j] = t
            elif j < len(prev) and prev[j] != w:
                rewrites += 1
                settled[j] = t
        prev = cur
    errors = sum(w != 0 for w in shown[-1])
    return errors, rewrites, first - ends, settled - ends


policies = [("every partial", show_all, {})]
policies += [(f"words >= {h} ms old", show_all, {"hold": h}) for h in (400, 800, 1200)]
policies += [("local agreement, 2", agreement, {"n_agree": 2})]
policies += [("local agreement, 3", agreement, {"n_agree": 3})]
totals = {name: [0, 0, [], []] for name, _, _ in policies}
n_total = 0
for _ in range(N_UTT):
    ends, times, hyp, emitted = simulate(int(rng.integers(6, 21)))
    n_total += len(ends)
    for name, policy, kw in policies:
        err, rew, lat, sett = score_display(
            times, ends, policy(times, ends, hyp, emitted, **kw)
        )
        acc = totals[name]
        acc[0] += err
        acc[1] += rew
        acc[2].append(lat)
        acc[3].append(sett)

print(f"{n_total:,} words in {N_UTT} utterances; updates every {STEP} ms")
print(f"{'display policy':<22}{'final':>7}{'first shown, ms':>17}{'settled, ms':>13}")
print(f"{'':<22}{'WER':>7}{'mean':>8}{'p90':>7}{'mean':>8}{'flicker':>10}")
for name, _, _ in policies:
    err, rew, lat, sett = totals[name]
    lat, sett = np.concatenate(lat), np.concatenate(sett)
    print(
        f"{name:<22}{err / n_total:7.3f}{lat.mean():8.0f}"
        f"{np.percentile(lat, 90):7.0f}{sett.mean():8.0f}{100 * rew / n_total:10.1f}"
    )
print("flicker: words rewritten on screen per 100 words")

# Capacity. Assumptions, not measurements: 2M captioned calls at peak with 4
# participants each. Each participant's own audio is recognised once, on the server,
# and the text is sent to everyone in the call. VAD runs on every stream; the
# recogniser only while someone speaks, 1.3 streams per call on average (overlap,
# noise that passes the VAD). A streaming transducer in int8 is assumed to run at a
# real-time factor of 0.1 per stream on one CPU core, or 400 streams per GPU with
# batching; cores and GPUs kept 60% busy at peak. Translation: 10% of calls, final
# segments only, 2.5 words a second per speaking stream, 20,000 words/s per GPU.
calls, people, speaking, rtf, per_gpu, busy = 2e6, 4, 1.3, 0.1, 400, 0.6
mt_share, words_s, mt_per_gpu = 0.10, 2.5, 20_000
print(f"\ncapacity at peak: {calls / 1e6:.0f}M calls x {people} participants")
print(f"{'ASR streams decoded':<34}{'streams':>12}{'CPU cores':>12}{'GPUs':>8}")
for name, streams in [
    ("every participant, always", calls * people),
    ("only while speaking (VAD)", calls * speaking),
]:
    cores = streams * rtf / busy
    gpus = streams / per_gpu / busy
    print(f"{name:<34}{streams:12,.0f}{cores:12,.0f}{gpus:8,.0f}")
mt_gpus = calls * mt_share * speaking * words_s / mt_per_gpu / busy
print(f"{'translation of final segments':<34}{'':>12}{'':>12}{mt_gpus:8,.0f}")
