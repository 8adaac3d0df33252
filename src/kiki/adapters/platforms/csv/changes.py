"""The change file: every change KIKI decides for an account without API access, one CSV line
each, for a person to upload at the platform.

``KIKI_CSV_CHANGES_DIR/<platform>/<account>.csv``, appended to, never rewritten::

    time,change_id,campaign_id,campaign,field,old,new,reason,after_export

``field`` is ``daily_budget`` or ``bid`` (currency units; a bid ``automatic`` when none),
``status`` (``ACTIVE`` / ``PAUSED``) or ``campaign`` (a campaign to create, named in ``new``;
its ``daily_budget`` and ``bid`` follow on their own lines with the campaign's name and no
id). ``after_export`` is the newest export when the line was written: the change is pending
until a newer export says whether it was made (``confirmed``).
"""

from __future__ import annotations

import csv
import io
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiki.platforms.errors import PlatformDataError

HEADER = (
    "time",
    "change_id",
    "campaign_id",
    "campaign",
    "field",
    "old",
    "new",
    "reason",
    "after_export",
)
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChangeLine:
    time: datetime
    change_id: str
    campaign_id: str  # empty for a campaign not created yet
    campaign: str
    field: str
    old: str
    new: str
    reason: str
    after_export: str

    def row(self) -> list[str]:
        return [
            self.time.isoformat(),
            self.change_id,
            self.campaign_id,
            self.campaign,
            self.field,
            self.old,
            self.new,
            self.reason,
            self.after_export,
        ]


def new_change_id() -> str:
    return uuid.uuid4().hex[:12]


def change_file(folder: Path, platform: str, account: str) -> Path:
    return folder / platform / f"{account}.csv"


def append(path: Path, lines: list[ChangeLine]) -> None:
    """Add ``lines`` at the end of the file (its header first when new), in one write."""
    if not lines:
        return
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.stat().st_size == 0:
            writer.writerow(HEADER)
        for line in lines:
            writer.writerow(line.row())
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(text.getvalue())


def read(path: Path) -> list[ChangeLine]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    if not records:
        return []
    if tuple(records[0]) != HEADER:
        raise PlatformDataError(f"{path.name} line 1: not a KIKI change file ({','.join(HEADER)})")
    found = []
    for number, record in enumerate(records[1:], start=2):
        if not record:
            continue
        if len(record) != len(HEADER):
            raise PlatformDataError(f"{path.name} line {number}: {len(record)} columns, not 9")
        try:
            at = datetime.fromisoformat(record[0])
        except ValueError:
            raise PlatformDataError(f"{path.name} line {number}: time: not an instant") from None
        found.append(ChangeLine(at, *record[1:]))
    return found
