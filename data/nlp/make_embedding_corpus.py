"""Generate embedding_corpus.txt: short English sentences from templates, one per line.

Words of one category (animals, foods, cities, ...) share contexts, so a good embedding puts
them close together; "orange" is both a colour and a food. Two sentences in five use a generic
frame that takes a word of any category, and words are Zipf-distributed within a category. Deterministic: same file every run.
Run from the repository root: python data/nlp/make_embedding_corpus.py
"""

import random
from pathlib import Path

WORDS = {
    "animal": ["cat", "dog", "horse", "rabbit", "sheep", "goat", "cow", "fox"],
    "food": ["bread", "cheese", "rice", "soup", "pasta", "salad", "cake", "orange"],
    "city": ["paris", "london", "berlin", "madrid", "rome", "vienna", "lisbon", "dublin"],
    "colour": ["red", "blue", "green", "yellow", "black", "white", "purple", "orange"],
    "vehicle": ["car", "bus", "train", "bike", "truck", "boat", "plane", "taxi"],
    "job": ["doctor", "teacher", "farmer", "nurse", "pilot", "chef", "lawyer", "baker"],
    "day": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "clothes": ["shirt", "jacket", "hat", "coat", "dress", "scarf", "sweater", "skirt"],
}
TEMPLATES = [
    "the {job} fed the {animal} on {day}",
    "the {animal} ran across the field",
    "the {animal} slept in the barn all night",
    "a hungry {animal} chased the other {animal}",
    "we ate {food} for dinner in {city}",
    "the {job} cooked {food} and {food}",
    "my mother bakes fresh {food} every morning",
    "she took the {vehicle} to {city} on {day}",
    "the {vehicle} was late again this morning",
    "he drives a {colour} {vehicle} to work",
    "he wore a {colour} {clothes} to the party",
    "the {job} bought a new {clothes} in {city}",
    "{city} is a big city with old streets",
    "last year we moved from {city} to {city}",
    "on {day} the market sells {food} and {food}",
    "they painted the kitchen {colour} and {colour}",
    "the {job} works at the hospital in {city}",
    "a warm {clothes} is good for cold weather",
    "the meeting is on {day} after lunch",
    "the {job} said the {animal} was sick",
]
# Generic frames accept a word of any category, as real text does ("I like the ..."), so
# context alone does not give the category away.
GENERIC = [
    "i really like the {any}",
    "there is a {any} near the house",
    "she talked about the {any} all day",
    "we saw the {any} yesterday",
    "do you remember the {any}",
]

rng = random.Random(0)


def pick(slot):
    """A word for the slot; within a category the k-th word is k times rarer (Zipf), as in real text."""
    words = WORDS[rng.choice(sorted(WORDS)) if slot == "any" else slot]
    return rng.choices(words, weights=[1 / (k + 1) for k in range(len(words))])[0]


lines = []
for _ in range(4000):
    template = rng.choice(GENERIC) if rng.random() < 0.4 else rng.choice(TEMPLATES)
    while "{" in template:
        start = template.index("{")
        end = template.index("}", start)
        template = template[:start] + pick(template[start + 1 : end]) + template[end + 1 :]
    lines.append(template)
Path(__file__).with_name("embedding_corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(lines)} sentences, {sum(len(s.split()) for s in lines)} tokens")
