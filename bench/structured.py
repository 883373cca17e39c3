"""Structured output benchmark: the model's JSON decoded into dataclasses; prints one JSON object.

Times, per call and as the median of several rounds: ``json.loads`` of an answer (the
floor), the same answer decoded into its dataclasses and checked (what ``parse`` adds to a
call), and :func:`openai_lite.json_schema` of the type (built once per type by ``parse``).
"""

from __future__ import annotations

import datetime
import enum
import json
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from openai_lite import json_schema
from openai_lite._structured import parse_json, value_decoder


class Currency(enum.Enum):
    EUR = "EUR"
    USD = "USD"


@dataclass
class LineItem:
    name: str
    price: float
    quantity: int
    currency: Currency


@dataclass
class Invoice:
    customer: str
    issued_at: datetime.datetime
    due: Optional[datetime.date]
    items: List[LineItem]


def answer(n_items: int) -> str:
    items = [
        {"name": f"item {i}", "price": 1.5 * i, "quantity": i, "currency": "EUR"} for i in range(n_items)
    ]
    invoice = {"customer": "Ada", "issued_at": "2024-05-17T09:30:00Z", "due": "2024-06-17", "items": items}
    return json.dumps(invoice)


def per_call(fn: Callable[[], Any], budget: float = 0.2) -> float:
    fn()
    t0 = time.perf_counter()
    fn()
    n = max(1, int(budget / max(time.perf_counter() - t0, 1e-7)))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    decode = value_decoder(Invoice)
    results: Dict[str, List[float]] = {}
    for n_items in (3, 100):
        text = answer(n_items)
        cases = {
            f"json.loads ({n_items} items)": lambda text=text: json.loads(text),
            f"parse ({n_items} items)": lambda text=text: parse_json(text, decode),
        }
        for _ in range(rounds):
            for name, fn in cases.items():
                results.setdefault(name, []).append(per_call(fn))
    for _ in range(rounds):
        results.setdefault("json_schema(Invoice)", []).append(per_call(lambda: json_schema(Invoice)))
    print(json.dumps({name: round(statistics.median(times) * 1e6, 1) for name, times in results.items()}))


if __name__ == "__main__":
    main()
