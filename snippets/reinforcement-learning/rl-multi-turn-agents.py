import numpy as np

# A toy multi-turn tool task. Each of 64 tasks has a hidden sequence of correct tool
# calls; at turn t the agent calls one of 3 tools. A wrong call fails the task (the
# episode ends); the reward is 1 only if all K calls are right. Reaching turn t means
# every earlier call was right, so (task, t) is the state: the policy is a table of
# softmax logits per task and turn, trained by REINFORCE on 8 rollouts per task.
TOOLS, TASKS, GROUP, K_MAX = 3, 64, 8, 8
UPDATES, LR, CRITIC_LR = 400, 0.5, 0.2
HORIZONS = [2, 4, 6, 8]


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def rollout(rng, logits, correct, k):
    """GROUP episodes per task: the calls (task, rollout, turn), which turns were
    taken (none after a failed call), which calls were right, and the outcome."""
    cdf = np.cumsum(softmax(logits[:, :k]), -1)
    calls = (rng.random((TASKS, GROUP, k, 1)) > cdf[:, None]).sum(-1)
    right = calls == correct[:, None, :k]
    alive = np.cumprod(right, -1).astype(bool)
    taken = np.concatenate([np.ones((TASKS, GROUP, 1), bool), alive[..., :-1]], -1)
    return calls, taken, right, alive[..., -1].astype(float)


def success(logits, correct, k):
    """Exact probability of solving a task (all k calls right), mean over tasks."""
    p = softmax(logits[:, :k])
    return np.take_along_axis(p, correct[:, :k, None], -1)[..., 0].prod(-1).mean()


def policy_gradient(logits, calls, taken, adv, k):
    """Mean over rollouts of sum_t A_t * grad log pi(call_t | task, t), counting only
    the turns the agent took: the loss mask over the policy's own actions."""
    grad_logp = np.eye(TOOLS)[calls] - softmax(logits[:, :k])[:, None]
    g = np.zeros_like(logits)
    g[:, :k] = (grad_logp * (adv * taken)[..., None]).mean(1)
    return g


def group_advantage(reward, k):
    """GRPO-style: outcome minus the mean of its group (8 rollouts of the same task),
    copied to every turn of the trajectory."""
    return np.repeat((reward - reward.mean(1, keepdims=True))[..., None], k, -1)


def train(method, k, seed=0):
    rng = np.random.default_rng(seed)
    correct = rng.integers(0, TOOLS, (TASKS, K_MAX))
    logits = np.zeros((TASKS, K_MAX, TOOLS))
    value = np.zeros((TASKS, K_MAX))
    k_now = 1 if method == "curriculum" else k
    first_half, all_fail, all_win = None, 0.0, 0.0
    for update in range(1, UPDATES + 1):
        calls, taken, right, reward = rollout(rng, logits, correct, k_now)
        if method in ("group", "curriculum"):
            adv = group_advantage(reward, k_now)
            all_fail += np.mean(reward.max(1) == 0) / UPDATES
            all_win += np.mean(reward.min(1) == 1) / UPDATES
        elif method == "critic":
            # per-turn TD error r_t + V(t+1) - V(t); a wrong call ends the episode at 0
            v = value[:, :k_now]
            v_next = np.concatenate([v[:, 1:], np.zeros((TASKS, 1))], 1)[:, None]
            last = np.arange(k_now) == k_now - 1
            adv = np.where(right, last + np.where(last, 0, v_next), 0) - v[:, None]
            # V(task, t): regress on the outcome of the rollouts that reached turn t
            n = taken.sum(1)
            mean_outcome = (taken * reward[..., None]).sum(1) / np.maximum(n, 1)
            value[:, :k_now] += CRITIC_LR * np.where(n > 0, mean_outcome - v, 0)
        else:
            # a checker scores every call: 1/K per right call, so a solved task scores 1
            turn_reward = (right & taken) / k_now
            to_go = np.cumsum(turn_reward[..., ::-1], -1)[..., ::-1]
            adv = to_go - to_go.mean(1, keepdims=True)
        logits += LR * policy_gradient(logits, calls, taken, adv, k_now)
        if method == "curriculum" and k_now < k and reward.mean() >= 0.5:
            k_now += 1
        if first_half is None and success(logits, correct, k) >= 0.5:
            first_half = update
    return first_half, success(logits, correct, k), all_fail, all_win


print(f"{TASKS} tasks, {TOOLS} tools per turn, {GROUP} rollouts per task and update")
print("K  success at start  groups with identical rewards at start")
for k in HORIZONS:
    p = TOOLS**-k
    print(f"{k}  {p:16.4f}  {(1 - p) ** GROUP + p**GROUP:38.3f}")

# One update at K=8 from scratch: every group fails, every advantage is zero
rng = np.random.default_rng(0)
correct = rng.integers(0, TOOLS, (TASKS, K_MAX))
logits = np.zeros((TASKS, K_MAX, TOOLS))
calls, taken, right, reward = rollout(rng, logits, correct, 8)
adv = group_advantage(reward, 8)
norm = np.linalg.norm(policy_gradient(logits, calls, taken, adv, 8))
print(
    f"first update at K=8: groups with a success {int(reward.max(1).sum())} of "
    f"{TASKS}, gradient norm {norm:.6f}"
)

methods = {
    "group": "outcome, group mean",
    "critic": "outcome, critic",
    "dense": "turn rewards",
    "curriculum": "outcome, curriculum",
}
print(f"\nupdates to 50% success ('-' = not in {UPDATES}), success after {UPDATES}")
print("K" + "".join(f"{name:>22}" for name in methods.values()))
shares = []
for k in HORIZONS:
    row = f"{k}"
    for method in methods:
        first_half, final, all_fail, all_win = train(method, k)
        reached = "-" if first_half is None else str(first_half)
        row += f"{reached:>14} ({final:.3f})"
        if method == "group":
            shares.append((k, all_fail, all_win))
    print(row)
print("\ngroups with identical rewards during training (outcome, group mean)")
print("K  all fail  all succeed")
for k, all_fail, all_win in shares:
    print(f"{k}  {all_fail:8.2f}  {all_win:11.2f}")
