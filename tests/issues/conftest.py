import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and used challenges live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()
