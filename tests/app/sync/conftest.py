"""Parties and language for the sync tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from app.i18n import current_language, set_language
from app.sync.crypto import PartyKeys, generate_party


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in the source language, so assertions can read them."""
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


@pytest.fixture(scope="session")
def hq() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))


@pytest.fixture(scope="session")
def chapter() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))


@pytest.fixture(scope="session")
def other_chapter() -> PartyKeys:
    return generate_party(str(uuid.uuid4()))
