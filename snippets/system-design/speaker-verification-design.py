import numpy as np

rng = np.random.default_rng(0)
# Assumptions of the simulation, not measurements of any product. A speaker
# embedding (an x-vector or ECAPA-TDNN output) is replaced by a unit vector in
# D dimensions: the speaker's direction, plus session noise (what was said, the
# mood, the room), plus the channel, then length-normalised. Each channel keeps
# 30% of the dimensions at 0.3 of their size (a codec dropping part of the band)
# and adds its own offset. Group B (25% of speakers) has voices that sit closer
# together in the embedding space (a group the model saw little of in training).
D, SESSION, CHANNEL_SHIFT = 128, 1.2, 0.3
CHANNELS = ["landline", "mobile", "VoIP"]
GROUP_SPREAD = (0.3, 0.8)


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


channel_dir = unit(rng.standard_normal((3, D)))
channel_gain = np.ones((3, D))
for c in range(3):
    channel_gain[c, rng.choice(D, int(0.3 * D), replace=False)] = 0.3
group_dir = unit(rng.standard_normal((2, D)))


def speakers(n):
    group = (rng.random(n) < 0.25).astype(int)
    spread = np.array(GROUP_SPREAD)[group]
    own = unit(rng.standard_normal((n, D)))
    return unit(own + spread[:, None] * group_dir[group]), group


def utterance(voice, channel, extra=0.0):
    """One call's embedding; extra adds the error of a cloned voice."""
    noise = rng.standard_normal(voice.shape) / np.sqrt(D)
    clone_error = extra * unit(rng.standard_normal(voice.shape))
    spoken = channel_gain[channel] * (voice + clone_error)
    return unit(spoken + SESSION * noise + CHANNEL_SHIFT * channel_dir[channel])


def population(n):
    """n enrolled speakers: 5 enrolment calls on one channel, 4 test calls on each
    of the three channels."""
    voice, group = speakers(n)
    enrol_ch = rng.integers(0, 3, n)
    enrol = np.stack([utterance(voice, enrol_ch) for _ in range(5)], axis=1)
    test_ch = np.repeat(np.arange(3), 4)
    test = np.stack([utterance(voice, np.full(n, c)) for c in test_ch], axis=1)
    return dict(
        voice=voice,
        group=group,
        enrol=enrol,
        enrol_ch=enrol_ch,
        test=test.reshape(-1, D),
        test_ch=np.tile(test_ch, n),
        owner=np.repeat(np.arange(n), len(test_ch)),
    )


def eer(tar, non):
    """Equal error rate: the point where the miss and false-accept rates meet."""
    s = np.concatenate([tar, non])
    y = np.concatenate([np.ones(len(tar)), np.zeros(len(non))])[
        np.argsort(-s, kind="stable")
    ]
    miss = 1 - np.cumsum(y) / len(tar)
    fa = np.cumsum(1 - y) / len(non)
    i = np.argmin(np.abs(miss - fa))
    return (miss[i] + fa[i]) / 2


def min_dcf(tar, non, p_target=0.01):
    """NIST's normalised detection cost with C_miss = C_fa = 1 at its best
    threshold: min over t of (P_miss P_tar + P_fa (1 - P_tar)) / min(P_tar, 1 - P_tar),
    where rejecting every call costs P_tar."""
    s = np.concatenate([tar, non])
    y = np.concatenate([np.ones(len(tar)), np.zeros(len(non))])[
        np.argsort(-s, kind="stable")
    ]
    miss = 1 - np.cumsum(y) / len(tar)
    fa = np.cumsum(1 - y) / len(non)
    cost = miss * p_target + fa * (1 - p_target)
    return min(cost.min(), p_target) / min(p_target, 1 - p_target)


dev, ev = population(400), population(400)
cohort_voice, _ = speakers(200)
cohort = np.concatenate([utterance(cohort_voice, np.full(200, c)) for c in range(3)])


def trials(pop, k, norm="raw"):
    """Score every enrolled model against every test call; s-norm standardises a
    score by the cohort scores of the model and of the test call, and averages."""
    model = unit(pop["enrol"][:, :k].mean(axis=1))
    s = model @ pop["test"].T
    if norm == "s-norm":
        m, t = model @ cohort.T, pop["test"] @ cohort.T
        s = 0.5 * (
            (s - m.mean(1)[:, None]) / m.std(1)[:, None]
            + (s - t.mean(1)[None, :]) / t.std(1)[None, :]
        )
    target = pop["owner"][None, :] == np.arange(len(model))[:, None]
    # Impostor trials come from the same group: a fraudster picks victims whose
    # voice is like their own.
    same_group = pop["group"][:, None] == pop["group"][pop["owner"]][None, :]
    same_ch = pop["enrol_ch"][:, None] == pop["test_ch"][None, :]
    return s, target, same_group & ~target, same_ch


print(
    f"(1) enrolment and channel, raw cosine; {len(ev['group'])} speakers, "
    "FRR at the threshold giving FAR 0.01"
)
print("    enrolment calls        same channel             other channel")
print("                        EER  FRR@1%  minDCF      EER  FRR@1%  minDCF")
for k in (1, 3, 5):
    s, target, impostor, same_ch = trials(ev, k)
    row = f"    k = {k}".ljust(22)
    for m in (same_ch, ~same_ch):
        tar, non = s[target & m], s[impostor & m]
        frr = np.mean(tar < np.quantile(non, 0.99))
        row += f"{eer(tar, non):.3f}   {frr:.3f}   {min_dcf(tar, non):.3f}    "
    print(row.rstrip())

print("\n(2) one threshold for every call (k = 3), set for FAR 0.01 on other speakers")
print("    scoring   slice            FAR     FRR     EER")
for norm in ("raw", "s-norm"):
    s, target, impostor, _ = trials(dev, 3, norm)
    threshold = np.quantile(s[impostor], 0.99)
    s, target, impostor, same_ch = trials(ev, 3, norm)
    group_b = (ev["group"] == 1)[:, None]
    slices = {
        "all calls": np.ones_like(same_ch),
        "same channel": same_ch,
        "other channel": ~same_ch,
        "group A": ~group_b & np.ones_like(same_ch),
        "group B": group_b & np.ones_like(same_ch),
    }
    for name, m in slices.items():
        tar, non = s[target & m], s[impostor & m]
        print(
            f"    {norm:<9} {name:<14} {np.mean(non >= threshold):.3f}   "
            f"{np.mean(tar < threshold):.3f}   {eer(tar, non):.3f}"
        )

# (3) Spoofed calls: each enrolled speaker is attacked 4 times by each attack, on a
# random channel. A replay is a recording of the speaker; a clone is synthetic
# speech in their voice, off by a clone error. The countermeasure (CM) gives each
# call a score, higher for bona fide speech; its distributions are assumptions:
# codecs make bona fide VoIP calls look a little synthetic, replays and the known
# cloning system were in its training data, the new cloning system was not.
ATTACKS = {"replay": 0.2, "clone": 0.5, "new clone": 0.4}
CM_BONA_FIDE = np.array([3.0, 3.0, 2.2])
CM_ATTACK = {"replay": (0.0, 1.2), "clone": (-1.0, 1.0), "new clone": (1.8, 1.0)}


def cm_scores(channel, kind):
    mean, sd = (CM_BONA_FIDE[channel], 1.0) if kind == "bona fide" else CM_ATTACK[kind]
    return mean + sd * rng.standard_normal(len(channel))


def attack_trials(pop, kind, n=4):
    """ASV (s-norm, k = 3) and CM scores of spoofed calls against their target."""
    voice = np.repeat(pop["voice"], n, axis=0)
    victim = np.repeat(np.arange(len(pop["voice"])), n)
    channel = rng.integers(0, 3, len(victim))
    calls = utterance(voice, channel, extra=ATTACKS[kind])
    model = unit(pop["enrol"][:, :3].mean(axis=1))
    m, t = model @ cohort.T, calls @ cohort.T
    raw = np.sum(model[victim] * calls, axis=1)
    asv = 0.5 * (
        (raw - m.mean(1)[victim]) / m.std(1)[victim] + (raw - t.mean(1)) / t.std(1)
    )
    return asv, cm_scores(channel, kind)


def all_trials(pop):
    s, target, impostor, _ = trials(pop, 3, "s-norm")
    pop["cm"] = cm_scores(pop["test_ch"], "bona fide")
    cm = np.broadcast_to(pop["cm"][None, :], s.shape)
    out = {"genuine": (s[target], cm[target]), "impostor": (s[impostor], cm[impostor])}
    for kind in ATTACKS:
        out[kind] = attack_trials(pop, kind)
    return out


dev_t, ev_t = all_trials(dev), all_trials(ev)
asv_thr = np.quantile(dev_t["impostor"][0], 0.99)
bona_fide_cm = np.concatenate([dev_t["genuine"][1], dev_t["impostor"][1]])
cm_thr = np.quantile(bona_fide_cm, 0.02)
rules = {
    "ASV alone": lambda a, c: a >= asv_thr,
    "CM alone": lambda a, c: c >= cm_thr,
    "AND of both": lambda a, c: (a >= asv_thr) & (c >= cm_thr),
}
# The weighted sum w * ASV + (1 - w) * CM gets its best chance: for each w the
# threshold keeps the AND's false-reject rate on the dev speakers, the w must accept
# no more impostors there than the AND does, and among those w the one accepting
# the fewest replays and known clones is kept.
dev_and = {k: np.mean(rules["AND of both"](*v)) for k, v in dev_t.items()}
best = None
for w in np.arange(0.05, 1.0, 0.05):
    thr = np.quantile(
        w * dev_t["genuine"][0] + (1 - w) * dev_t["genuine"][1], 1 - dev_and["genuine"]
    )
    acc = {k: np.mean(w * v[0] + (1 - w) * v[1] >= thr) for k, v in dev_t.items()}
    spoofs = acc["replay"] + acc["clone"]
    if acc["impostor"] <= dev_and["impostor"] and (best is None or spoofs < best[0]):
        best = (spoofs, w, thr)
_, w_best, sum_thr = best
rules[f"sum, w = {w_best:.2f}"] = lambda a, c: w_best * a + (1 - w_best) * c >= sum_thr

print("\n(3) spoofed calls; ASV with s-norm (k = 3), thresholds set on other speakers")
print(
    "    CM error rates: EER bona fide vs "
    + ", ".join(f"{k} {eer(ev_t['genuine'][1], ev_t[k][1]):.3f}" for k in ATTACKS)
)
print(
    "    CM rejects bona fide calls: "
    + ", ".join(
        f"{name} {np.mean(ev['cm'][ev['test_ch'] == c] < cm_thr):.3f}"
        for c, name in enumerate(CHANNELS)
    )
)
print("    rule              genuine   impostor   replay    clone  new clone")
print("                      rejected  ------------- accepted -------------")
for name, rule in rules.items():
    frr = 1 - np.mean(rule(*ev_t["genuine"]))
    acc = [np.mean(rule(*ev_t[k])) for k in ("impostor", *ATTACKS)]
    print(f"    {name:<17} {frr:.3f}    " + "    ".join(f"{a:.3f}" for a in acc))
