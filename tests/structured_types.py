"""Dataclasses shared by the structured output tests (module level, so that their
annotations, recursive ones included, evaluate on every Python version)."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Dict, List, Literal, Optional, Set


class Currency(enum.Enum):
    EUR = "EUR"
    USD = "USD"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass
class LineItem:
    name: str
    price: float = field(metadata={"description": "Unit price, taxes included"})
    quantity: int
    currency: Currency


@dataclass
class Address:
    street: str
    city: str


@dataclass
class Order:
    """An order taken from the customer's message."""

    customer: str
    items: List[LineItem]
    shipping: Optional[Address]
    priority: Priority
    channel: Literal["web", "phone"]
    gift: bool
    ordered_at: datetime.datetime
    deliver_on: Optional[datetime.date]
    notes: Optional[str] = None


@dataclass
class Category:
    """A category of a taxonomy, with its subcategories."""

    name: str
    children: List[Category]
    parent: Optional[Category]


@dataclass
class Step:
    explanation: str
    output: str


@dataclass
class MathAnswer:
    steps: List[Step]
    final_answer: str


@dataclass
class Priced:
    prices: Dict[str, float]


@dataclass
class Tagged:
    title: str
    tags: Set[str]


@dataclass
class WeatherQuery:
    """Look up the weather of a city."""

    city: str
    unit: Literal["c", "f"]
