"""TeX formulas as plain text, for places that cannot render them (search result teasers).

`\\(q \\cdot k\\)` reads as `q · k`; what this does not know it leaves as the command's name.
"""

from __future__ import annotations

import re

SYMBOLS = {
    "approx": "≈",
    "cdot": "·",
    "times": "×",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "ne": "≠",
    "sum": "Σ",
    "prod": "Π",
    "sqrt": "√",
    "infty": "∞",
    "in": "∈",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "mid": "|",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "ldots": "…",
    "dots": "…",
    "cdots": "…",
    "pm": "±",
    "propto": "∝",
    "partial": "∂",
    "nabla": "∇",
    "sim": "~",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "Omega": "Ω",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Phi": "Φ",
    "top": "ᵀ",
}
DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", ",", ";", "!", "quad"}
FORMULA = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
SQUARE_ROOT = re.compile(r"\\sqrt\{([^{}]*)\}")
SCRIPT = re.compile(r"([\^_])\{([^{}]*)\}")
FRACTION = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
WRAPPER = re.compile(
    r"\\(?:text|mathrm|mathbf|mathbb|mathcal|operatorname|boldsymbol|hat|bar|tilde)\{([^{}]*)\}"
)
COMMAND = re.compile(r"\\([A-Za-z]+|[,;!])")


def command(match: re.Match) -> str:
    name = match.group(1)
    if name in DROPPED:
        return " "
    return SYMBOLS.get(name, name)


def plain_formula(tex: str) -> str:
    for _ in range(3):  # innermost first: \frac{\text{a}}{\sqrt{d_k}}
        tex = WRAPPER.sub(r"\1", tex)
        tex = SQUARE_ROOT.sub(r"√\1", tex)
        tex = SCRIPT.sub(r"\1\2", tex)
        tex = FRACTION.sub(r"(\1)/(\2)", tex)
    tex = COMMAND.sub(command, tex).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", tex).strip()


def plain_math(text: str) -> str:
    return FORMULA.sub(lambda m: plain_formula(m.group(1) or m.group(2)), text)
