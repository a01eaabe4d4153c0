# --8<-- [start:gae]
import numpy as np

# A 6-step trajectory with one episode boundary (done after step 2).
rewards = np.array([0.0, 0.0, 1.0, 0.0, 0.0, 1.0])
values = np.array([0.5, 0.6, 0.8, 0.3, 0.4, 0.7])  # V(s_t) from the critic
dones = np.array([0, 0, 1, 0, 0, 0])
last_value = 0.9  # V(s_6), bootstraps the unfinished second episode
gamma, lam = 0.99, 0.95


def gae_loop(rewards, values, dones, last_value, gamma, lam):
    """The backward recursion used by PPO implementations."""
    adv, running = np.zeros_like(rewards), 0.0
    next_values = np.append(values[1:], last_value)
    for t in reversed(range(len(rewards))):
        not_done = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_values[t] * not_done - values[t]
        running = delta + gamma * lam * not_done * running
        adv[t] = running
    return adv


def gae_definition(rewards, values, dones, last_value, gamma, lam):
    """The definition: A_t = sum_l (gamma*lam)^l delta_{t+l}, cut at episode end."""
    next_values = np.append(values[1:], last_value)
    delta = rewards + gamma * next_values * (1 - dones) - values
    adv = np.zeros_like(rewards)
    for t in range(len(rewards)):
        weight = 1.0
        for k in range(t, len(rewards)):
            adv[t] += weight * delta[k]
            if dones[k]:
                break
            weight *= gamma * lam
    return adv


adv = gae_loop(rewards, values, dones, last_value, gamma, lam)
print("GAE advantages:", np.round(adv, 3))
print(
    "loop matches the definition:",
    np.allclose(adv, gae_definition(rewards, values, dones, last_value, gamma, lam)),
)

# lambda = 0: the one-step TD error; lambda = 1: discounted return minus V.
td = gae_loop(rewards, values, dones, last_value, gamma, 0.0)
mc = gae_loop(rewards, values, dones, last_value, gamma, 1.0)
returns = np.zeros_like(rewards)
running = last_value
for t in reversed(range(len(rewards))):
    running = rewards[t] + gamma * running * (1 - dones[t])
    returns[t] = running
next_v = np.append(values[1:], last_value)
print(
    "lambda=0 is the TD error:",
    np.allclose(td, rewards + gamma * next_v * (1 - dones) - values),
)
print("lambda=1 is return - V:", np.allclose(mc, returns - values))
# The critic's regression target is adv + V (the lambda-return).
print("value targets:", np.round(adv + values, 3))
# --8<-- [end:gae]

# --8<-- [start:clip]
import torch

# PPO's clipped surrogate for one token: where does the gradient vanish?
eps = 0.2
print(f"{'advantage':>9} {'ratio':>6} {'objective':>10} {'d/d ratio':>10}")
for advantage in (1.0, -1.0):
    for r in (0.7, 0.9, 1.1, 1.3):
        ratio = torch.tensor(r, dtype=torch.float64, requires_grad=True)
        objective = torch.minimum(
            ratio * advantage, torch.clamp(ratio, 1 - eps, 1 + eps) * advantage
        )
        objective.backward()
        print(
            f"{advantage:>9.0f} {r:>6.1f} {objective.item():>10.2f} "
            f"{ratio.grad.item():>10.2f}"
        )
# --8<-- [end:clip]
