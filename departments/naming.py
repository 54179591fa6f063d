"""Name normalisation shared by department matching and imports. No Django imports."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_name(value: str) -> str:
    """Fold full-width forms to half-width (NFKC), trim, and collapse inner white space, so
    that `淄博市公安局　` and ` 淄博市公安局` match the same department."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
