"""Generates seed-cases.json: what the seed guide's simple_rag_system keyword matcher returns, computed by
CPython itself, for KeywordRetrieverSeedParityTest. Run: python3 make_seed_cases.py > seed-cases.json"""
import json
import random

# the seed guide's matcher, verbatim except that it returns the whole ranking instead of the top 2 texts
def seed_ranking(documents, question):
    relevant_docs = []
    keywords = question.lower().split()
    for doc in documents:
        score = sum(1 for keyword in keywords if keyword in doc.lower())
        if score > 0:
            relevant_docs.append((doc, score))
    relevant_docs.sort(key=lambda x: x[1], reverse=True)
    return relevant_docs

VOCAB = ["paris", "Paris", "PARIS", "tower", "Tower", "eiffel", "is", "the", "The", "this", "capital", "city",
         "France", "France.", "france,", "named", "after", "after?", "Louvre", "museum", "art", "Lyon", "rivers",
         "Rhône", "RHÔNE", "Saône", "école", "ÉCOLE", "straße", "STRASSE", "Ωμέγα", "ΟΔΟΣ", "οδος", "İstanbul",
         "istanbul", "naïve", "NAÏVE", "日本", "東京", "1887", "2,175,601", "e-mail", "don't", "a", "an", "of", "in"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2007", "\u202f", "\u3000", "\u0085", "\u2028", "\x1c"]

rng = random.Random(20261125)
cases = []
for c in range(60):
    documents = []
    titles = []
    texts = []
    for d in range(rng.randint(1, 25)):
        title = "" if rng.random() < 0.4 else " ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 4)))
        text = "".join(rng.choice(VOCAB) + rng.choice(SPACES) for _ in range(rng.randint(1, 30))).strip() or "x"
        titles.append(title)
        texts.append(text)
        documents.append(title + "\n" + text if title else text)
    queries = []
    for q in range(6):
        words = [rng.choice(VOCAB) for _ in range(rng.randint(0, 7))]
        if words and rng.random() < 0.3:
            words.append(rng.choice(words))  # a repeated keyword counts twice
        sep = [rng.choice(SPACES) for _ in words]
        question = "".join(w + s for w, s in zip(words, sep))
        ranking = seed_ranking(documents, question)
        expected = [[documents.index(doc) if documents.count(doc) == 1 else None, score] for doc, score in ranking]
        if any(e[0] is None for e in expected):
            continue  # two identical documents: the index would be ambiguous
        queries.append({"question": question, "keywords": question.lower().split(), "expected": expected})
    cases.append({"titles": titles, "texts": texts, "queries": queries})

print(json.dumps({"generator": "make_seed_cases.py", "cases": cases}, separators=(",", ":")))
