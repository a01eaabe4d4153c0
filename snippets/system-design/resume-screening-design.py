import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression

rng = np.random.default_rng(0)
SHORTLIST = 0.10  # the recruiter reads the top 10% of applicants
QUALIFIED = 0.25  # the truly qualified: top 25% of the true skill


def applicants(n, skill_gap=0.0):
    # group 1 is the protected group, 30% of applicants
    group = (rng.random(n) < 0.3).astype(int)
    # true job-relevant skill, never seen by any model
    skill = rng.normal(0.0, 1.0, n) - skill_gap * group
    # what the resume shows: a work-sample score and years of relevant experience,
    # both noisy measures of skill and blind to the group
    work_sample = skill + rng.normal(0.0, 0.7, n)
    experience = 0.6 * skill + rng.normal(0.0, 1.0, n)
    # a proxy (college, club, postcode): tracks the group, says nothing of skill
    proxy = 1.2 * group + rng.normal(0.0, 1.0, n)
    x = np.column_stack([work_sample, experience, proxy])
    return x, group, skill


def past_hires(skill, group, share=0.2):
    # past recruiters hired on skill, plus noise, minus 0.8 at equal skill for group 1
    latent = skill + rng.normal(0.0, 0.5, len(skill)) - 0.8 * group
    return (latent > np.quantile(latent, 1 - share)).astype(int)


def audit(name, score, group, skill, cut_by_group=False):
    qualified = skill > np.quantile(skill, 1 - QUALIFIED)
    if cut_by_group:
        # a separate top 10% inside each group
        picked = np.zeros(len(score), bool)
        for g in (0, 1):
            m = group == g
            picked[m] = score[m] > np.quantile(score[m], 1 - SHORTLIST)
    else:
        picked = score > np.quantile(score, 1 - SHORTLIST)
    rate = [picked[group == g].mean() for g in (0, 1)]
    recall = [picked[qualified & (group == g)].mean() for g in (0, 1)]
    print(
        f"{name:<31}{rate[0]:>7.3f}{rate[1]:>7.3f}{rate[1] / rate[0]:>7.3f}"
        f"{recall[0]:>8.3f}{recall[1]:>7.3f}{qualified[picked].mean():>11.3f}"
    )


def fit(x, y, weight=None):
    model = LogisticRegression(C=1e6, tol=1e-10, max_iter=10_000)
    return model.fit(x, y, sample_weight=weight)


x_tr, g_tr, s_tr = applicants(20_000)
hired = past_hires(s_tr, g_tr)
x_te, g_te, s_te = applicants(20_000)
print(
    f"past hire rate: group 0 {hired[g_tr == 0].mean():.3f}, "
    f"group 1 {hired[g_tr == 1].mean():.3f} (same skill distribution)"
)

# (a) biased labels, group removed, proxy kept
a = fit(x_tr, hired)
# (b) biased labels, proxy removed too
b = fit(x_tr[:, :2], hired)
# (c) Kamiran-Calders reweighing: weight P(g)P(y)/P(g,y) makes hired independent
# of the group in the weighted data; the group is used for the weights only
w = np.ones(len(hired))
for g in (0, 1):
    for y in (0, 1):
        m = (g_tr == g) & (hired == y)
        w[m] = (g_tr == g).mean() * (hired == y).mean() / m.mean()
c = fit(x_tr, hired, w)
# (d) a job-relevant label instead of past hires: a structured assessment of every
# applicant in the sample (skill plus rater noise), regressed on all three features
assessed = s_tr + rng.normal(0.0, 0.5, len(s_tr))
d = LinearRegression().fit(x_tr, assessed)

print("coefficients (work sample, experience, proxy)")
for name, coef in [
    ("(a) past hires, proxy kept", a.coef_[0]),
    ("(c) reweighed, proxy kept", c.coef_[0]),
    ("(d) assessment label", d.coef_),
]:
    # a coefficient that rounds to zero prints as 0.00 whatever its sign
    print(
        f"  {name:<29}" + "".join(f"{v:>7.2f}".replace("-0.00", " 0.00") for v in coef)
    )

print(
    f"{'shortlist = top ' + f'{SHORTLIST:.0%}':<31}{'selection rate':>14}{'impact':>7}"
    f"{'recall of':>15}{'share':>11}"
)
print(f"{'':<31}{'per group':>14}{'ratio':>7}{'qualified':>15}{'qualified':>11}")
print(f"{'model':<31}{'grp 0':>7}{'grp 1':>7}{'':>7}{'grp 0':>8}{'grp 1':>7}")
audit("(a) past hires, proxy kept", a.decision_function(x_te), g_te, s_te)
audit("(b) past hires, proxy removed", b.decision_function(x_te[:, :2]), g_te, s_te)
audit("(c) reweighed, proxy kept", c.decision_function(x_te), g_te, s_te)
audit("(d) assessment label", d.predict(x_te), g_te, s_te)
audit("(a) with a top 10% per group", a.decision_function(x_te), g_te, s_te, True)
audit("true skill (unattainable)", s_te, g_te, s_te)

# when group 1's applicants are less qualified on average, one cut-off on a
# job-relevant score cannot give both equal selection rates and equal recall
print("applicant pool where group 1's true skill is 0.3 lower on average")
x_g, g_g, s_g = applicants(20_000, skill_gap=0.3)
audit("(d) assessment label", d.predict(x_g), g_g, s_g)
audit("(d) with a top 10% per group", d.predict(x_g), g_g, s_g, True)
