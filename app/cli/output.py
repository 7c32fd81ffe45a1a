"""What commands print: JSON for scripts, lines for people, exit codes."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    """UTF-8 JSON on stdout, whatever the console's code page."""
    if is_dataclass(data) and not isinstance(data, type):
        data = asdict(data)
    elif isinstance(data, list):
        data = [asdict(d) if is_dataclass(d) and not isinstance(d, type) else d for d in data]
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def say(text: str) -> None:
    """A line for people on stdout."""
    print(text)
