"""Personal data in free text: mobile numbers citizens type into what they write.

One implementation for every export that shows such text (the suggestions workbook, the
rejected rows of a 12345 import): a mainland mobile number keeps its first three and last
four digits (13800001234 → 138****1234), as the 12345 phone column is kept. Pure: no Django."""

from __future__ import annotations

import re
from typing import Any

# A mainland mobile number not inside a longer run of digits.
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_mobiles(text: str) -> str:
    """`text` with every mobile number's middle four digits hidden: 13800001234 → 138****1234."""
    return MOBILE.sub(r"\1****\3", text)


def mask_mobiles_in_cell(value: Any) -> Any:
    """A spreadsheet cell with the mobile numbers in its text masked; numbers, dates and
    empty cells as they are."""
    return mask_mobiles(value) if isinstance(value, str) else value
