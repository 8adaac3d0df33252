"""Reading the files a user names on the command line, with errors that name the option."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from kiki.core.errors import InvalidInputError


def read_json(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(option, f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(option, f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            option, f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from exc


def read_csv(path: Path, required: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    """Rows with their physical line numbers (the header is line 1); a ``required`` column
    missing from the header is an error naming the header, before any row is read."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or ()]
            missing = [name for name in required if name not in header]
            if missing:
                raise InvalidInputError(
                    f"{path.name} header (line 1)",
                    f"no column {', '.join(missing)} (the columns needed: {', '.join(required)})",
                )
            return [(i, row) for i, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise InvalidInputError("file", f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError("file", f"cannot read {path} as CSV: {exc}") from exc
