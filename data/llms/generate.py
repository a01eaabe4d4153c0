"""Regenerate corpus.txt and reviews.csv (seeded; the shipped files are the output of this script).

Run from the repository root: python data/llms/generate.py
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent


def corpus(n_stories=800, seed=0):
    """Three-sentence stories from a small grammar: enough structure for a tiny GPT to learn."""
    rng = random.Random(seed)
    names = ["tom", "mia", "sam", "lily", "ben", "anna", "max", "zoe"]
    animals = ["cat", "dog", "bird", "fox", "rabbit", "duck", "frog", "horse"]
    adjs = ["little", "big", "happy", "sleepy", "brave", "small", "old", "funny"]
    places = ["park", "garden", "river", "forest", "house", "farm", "hill", "beach"]
    weather = [("sun", "warm"), ("wind", "cold"), ("rain", "soft"), ("sky", "blue"), ("snow", "white")]
    feelings = ["happy", "sad", "tired", "excited", "calm", "hungry"]
    acts = ["play", "swim", "run", "sleep", "sing", "read", "dance", "eat"]
    verbs = ["sat", "ran", "slept", "played", "waited", "jumped"]
    preps = ["in", "near", "by", "behind"]
    lines = []
    for _ in range(n_stories):
        a, b = rng.sample(names, 2)
        animal, adj, place = rng.choice(animals), rng.choice(adjs), rng.choice(places)
        noun, wadj = rng.choice(weather)
        first = rng.choice(
            [
                f"{a} saw a {adj} {animal} near the {place} .",
                f"the {adj} {animal} {rng.choice(verbs)} {rng.choice(preps)} the {place} .",
                f"{a} and {b} went to the {place} to {rng.choice(acts)} .",
            ]
        )
        second = rng.choice(
            [
                f"the {animal} was {rng.choice(feelings)} because the {noun} was {wadj} .",
                f"when the {noun} is {wadj} , the {animal} likes to {rng.choice(acts)} .",
                f"{b} gave the {animal} some food and it was {rng.choice(feelings)} .",
            ]
        )
        third = rng.choice(
            [
                f"then they went home to {rng.choice(acts)} .",
                "the end .",
                f"{a} said it was a {rng.choice(['good', 'long', 'fun', 'quiet'])} day .",
            ]
        )
        lines.append(f"{first} {second} {third}")
    (HERE / "corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def reviews(seed=7):
    """Short labelled reviews; the test split uses opinion words that never occur in training."""
    rng = random.Random(seed)
    aspects = [
        "battery", "screen", "delivery", "staff", "food", "room", "price", "sound", "camera",
        "keyboard", "service", "coffee", "hotel", "app", "charger", "seller", "bed", "menu",
        "headphones", "packaging", "support team", "checkout", "laptop", "pizza", "shoes",
    ]  # fmt: skip
    pos = {
        "train": [
            "great",
            "excellent",
            "fantastic",
            "wonderful",
            "amazing",
            "lovely",
            "perfect",
            "brilliant",
        ],
        "test": ["outstanding", "delightful", "terrific", "superb", "impressive", "splendid"],
    }
    neg = {
        "train": ["terrible", "awful", "horrible", "poor", "bad", "disappointing", "useless", "broken"],
        "test": ["abysmal", "atrocious", "lousy", "dreadful", "shoddy", "pathetic"],
    }
    pos_verb = {"train": ["love", "like", "enjoy"], "test": ["adore", "admire"]}
    neg_verb = {"train": ["hate", "dislike", "regret buying"], "test": ["despise", "loathe"]}
    adj_templates = [
        "the {a} is {w}", "{w} {a}", "honestly the {a} was {w}", "the {a} was {w} overall",
        "{w} {a}, as described", "what a {w} {a}", "our {a} was {w} this time", "the {a} turned out {w}",
    ]  # fmt: skip
    verb_templates = ["i {v} the {a}", "we really {v} this {a}", "i {v} the {a} so much"]
    rows = set()
    for split, n in [("train", 160), ("test", 60)]:
        for label, adjs, verbs in [(1, pos, pos_verb), (0, neg, neg_verb)]:
            made = set()
            while len(made) < n:
                a = rng.choice(aspects)
                if rng.random() < 0.75:
                    made.add(rng.choice(adj_templates).format(a=a, w=rng.choice(adjs[split])))
                else:
                    made.add(rng.choice(verb_templates).format(a=a, v=rng.choice(verbs[split])))
            rows.update((t, label, split) for t in made)
    rows = sorted(rows)
    rng.shuffle(rows)
    rows.sort(key=lambda r: r[2] != "train")  # train rows first, shuffled within each split
    with open(HERE / "reviews.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "split"])
        writer.writerows(rows)


corpus()
reviews()
