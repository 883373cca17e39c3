"""A pytest plugin with the ``fake_openai`` fixture (registered as a ``pytest11`` entry point)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from .testing import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started :class:`~openai_lite.testing.FakeOpenAI`, stopped after the test."""
    from .testing import FakeOpenAI

    with FakeOpenAI() as fake:
        yield fake
