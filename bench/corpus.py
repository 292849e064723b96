"""Write a SYNTHETIC corpus of N CROSS-like rulings into a data folder (never the repo's data/).

Customs-like subjects, realistic tariff numbers (weighted toward common headings), dates from
1989 on, NY/HQ collections and a realistic share of modified and revoked rulings. Every subject
starts with "SYNTHETIC" so the corpus cannot be mistaken for real rulings.

    .venv/bin/python -m bench.corpus --rulings 20000 --out /tmp/corpus-20k
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections import defaultdict
from pathlib import Path

COMMON_HEADINGS = [
    "8471", "8517", "6109", "6110", "6204", "6203", "6402", "6404", "9503", "8708", "8481", "7318", "3926", "4202",
    "8543", "8504", "8536", "9405", "9403", "8516", "3004", "2933", "3824", "3304", "8414", "8421", "8479", "9018",
    "9031", "7326", "7616", "3923", "6307", "6302", "6117", "0303", "2106", "2202", "8703", "8714", "8528", "8518",
    "9506", "9504", "4016", "3917", "8301", "8302",
]  # fmt: skip
ARTICLES = [
    "cotton knit T-shirt", "women's woven trousers", "rubber-soled footwear", "plastic storage container", "LED lamp",
    "laptop computer", "smartphone charger", "steel bolt", "ball valve", "children's toy vehicle", "handbag", "yoga mat",
    "frozen fish fillet", "protein powder", "pharmaceutical tablet", "organic chemical compound", "cosmetic cream",
    "electric motor", "printed circuit assembly", "bicycle part", "office chair", "kitchen blender", "wireless earbuds",
    "surgical instrument", "aluminum profile", "industrial robot", "air compressor", "coated fabric", "knit gloves",
    "wooden furniture", "glass bottle", "fiber optic cable", "solar panel", "camping tent", "pet bed", "hair dryer",
]  # fmt: skip
MATERIALS = [
    "of cotton",
    "of polyester",
    "of stainless steel",
    "of plastics",
    "of aluminum",
    "of wood",
    "of leather",
    "of rubber",
    "of glass",
    "",
]
ORIGINS = [
    "China",
    "Vietnam",
    "Mexico",
    "India",
    "Germany",
    "Italy",
    "Korea",
    "Taiwan",
    "Canada",
    "Bangladesh",
    "Japan",
    "Turkey",
]
# Sentences of a classification ruling, to make ruling-sized texts (about 900 words) for the naive
# site, which shows each ruling's text on its own page as a naive site would.
TEXT_SENTENCES = [
    "The merchandise under consideration is {article} {material}, imported from {origin}.",
    "The applicability of the General Rules of Interpretation was considered in order, beginning with GRI 1.",
    "Classification under the Harmonized Tariff Schedule of the United States is made in accordance with the General Rules of Interpretation.",
    "The Explanatory Notes to heading {heading} provide guidance on the scope of the heading and are not legally binding.",
    "You have submitted a sample, product literature and a description of the manufacturing process.",
    "The essential character of the article is imparted by the component that predominates by value, bulk and role.",
    "The applicable subheading for the {article} will be {tariff}, which provides for goods of that description.",
    "This ruling is being issued under the provisions of Part 177 of the Customs and Border Protection Regulations.",
    "A copy of this ruling letter should be attached to the entry documents filed at the time this merchandise is imported.",
    "The holding set forth above applies only to the specific factual situation and merchandise described.",
    "Duty rates are provided for your convenience and are subject to change; the text of the most recent HTSUS applies.",
    "The country of origin marking requirements of 19 U.S.C. 1304 and Part 134 of the regulations were also considered.",
]
CATEGORIES = [
    "Classification",
    "Country of Origin",
    "Marking",
    "Valuation",
    "Classification, Country of Origin",
]


def generate(count: int, seed: int = 2026):
    rng = random.Random(seed)
    first = dt.date(1989, 1, 1)
    span = (dt.date(2026, 11, 20) - first).days
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(COMMON_HEADINGS))]
    for index in range(count):
        # later years hold more rulings, as in CROSS
        day = first + dt.timedelta(days=int(span * (rng.random() ** 0.6)))
        hq = rng.random() < 0.12
        number = f"{'H' if hq else 'N'}{100000 + index:06d}"
        tariffs = []
        for _ in range(1 if rng.random() < 0.75 else rng.randint(2, 4)):
            if rng.random() < 0.7:
                heading = rng.choices(COMMON_HEADINGS, weights)[0]
            else:
                heading = f"{rng.choice([c for c in range(1, 98) if c != 77]):02d}{rng.randint(1, 30):02d}"
            tariffs.append(f"{heading}.{rng.randint(10, 99)}.{rng.randint(0, 9999):04d}")
        roll = rng.random()
        status = (
            "revoked"
            if roll < 0.03
            else "modified"
            if roll < 0.05
            else "operationally_revoked"
            if roll < 0.055
            else "active"
        )
        article = rng.choice(ARTICLES)
        yield {
            "number": number,
            "collection": "HQ" if hq else "NY",
            "date": day.isoformat(),
            "subject": f"SYNTHETIC The tariff classification of a {article} {rng.choice(MATERIALS)} from {rng.choice(ORIGINS)}".replace(
                "  ", " "
            ),
            "categories": [rng.choice(CATEGORIES)],
            "tariffs": sorted(set(tariffs)),
            "unparsed_tariffs": [],
            "status": status,
            "modified_by": ["H900000"] if status == "modified" else [],
            "revoked_by": ["H900001"] if status == "revoked" else [],
            "modifies": [],
            "revokes": [],
            "related": [],
            "usmca": False,
            "nafta": False,
            "source_url": f"https://rulings.cbp.gov/ruling/{number}",
            "fetched_at": "2026-11-23",
        }


def ruling_text(record: dict, words: int = 900) -> str:
    """A SYNTHETIC ruling letter of about `words` words, built from TEXT_SENTENCES."""
    rng = random.Random(record["number"])
    tariff = record["tariffs"][0] if record["tariffs"] else "9999.99.9999"
    values = {
        "article": record["subject"].split(" of a ", 1)[-1].split(" from ")[0],
        "material": rng.choice(MATERIALS) or "of mixed materials",
        "origin": rng.choice(ORIGINS),
        "heading": tariff[:4],
        "tariff": tariff,
    }
    sentences, count = ["SYNTHETIC ruling text."], 3
    while count < words:
        sentence = rng.choice(TEXT_SENTENCES).format(**values)
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def write_corpus(count: int, out: Path, seed: int = 2026, texts: bool = False) -> Path:
    shards = defaultdict(list)
    for record in generate(count, seed):
        shards[record["date"][:7]].append(record)
    if texts:
        for month, records in shards.items():
            path = out / "ruling-texts" / month[:4] / f"{month}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = [
                json.dumps(
                    {
                        "number": r["number"],
                        "text": ruling_text(r),
                        "document_url": None,
                        "fetched_at": r["fetched_at"],
                    },
                    sort_keys=True,
                )
                for r in sorted(records, key=lambda r: r["number"])
            ]
            path.write_text("".join(line + "\n" for line in lines))
    for month, records in shards.items():
        path = out / "rulings" / month[:4] / f"{month}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        records.sort(key=lambda r: r["number"])
        path.write_text("".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in records))
    manifest = {
        "as_of": "2026-11-23",
        "synthetic": True,
        "sources": {"cross": {"count": count, "pulled_on": "2026-11-23"}},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rulings", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--texts", action="store_true", help="also write ruling-sized texts")
    args = parser.parse_args()
    print(write_corpus(args.rulings, args.out, args.seed, args.texts))
