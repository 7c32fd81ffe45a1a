"""What an About box shows: the program's version, the postal data's date, the notices."""

from __future__ import annotations

from dataclasses import dataclass

from app.core import postal
from app.setup import notices


@dataclass(frozen=True)
class AboutInfo:
    """The facts of this installation, for the window's About box and the command line."""

    version: str
    postal_data_month: str
    postal_data_version: str
    postal_table_installed: bool


def about_info() -> AboutInfo:
    """Version and postal data of this installation (cheap: the notices are read separately)."""
    table = postal.current_info()
    return AboutInfo(
        version=notices.project_version(),
        postal_data_month=table.data_month,
        postal_data_version=table.data_version,
        postal_table_installed=table.installed,
    )


def third_party_notices() -> str:
    """THIRD-PARTY-NOTICES in full: every licence of what Tsunagu ships."""
    return notices.notices_text()
