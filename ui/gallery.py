"""The gallery: every page and dialog with demo data on a chosen screen, as PNG + manifest."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.core.context import Context
    from ui.main_view import MainView

ROOT = Path(__file__).resolve().parent.parent
# Words that stay in Latin letters in the Japanese window (names of things, not English).
LATIN_WORDS = {"Tsunagu", "PDF", "CSV", "XLSX", "SQLite", "URL", "ID", "HQ", "OK", "ICS", "PNG"}
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_ENGLISH = re.compile(r"[A-Za-z]{3,}[ ,.'’:]+[A-Za-z]{3,}")


@dataclass
class Shot:
    """One window as the manifest lists it."""

    name: str
    kind: str
    scale: int
    language: str
    width: int
    height: int
    file: str
    clipped: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    frame: list[int] = field(default_factory=list)
    maximised: bool = False


def dialogs(ctx: Context, view: MainView) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    """(name, factory) of every dialog the window can open, each as its page would open it."""
    from app import events, watch
    from app.events import duty
    from app.printing import events as event_print
    from app.sync import exchange
    from app.watch import visits
    from ui.dialogs.accounts import AccountsDialog, PassphraseDialog, RecoveryKeyDialog
    from ui.dialogs.audit import AuditLogDialog
    from ui.dialogs.conflict import ConflictDialog
    from ui.dialogs.crash import CrashDialog
    from ui.dialogs.duplicates import DuplicatesDialog
    from ui.dialogs.duty import (
        DutyDialog,
        DutyJobsDialog,
        MemberPickDialog,
        date_label,
        default_date,
    )
    from ui.dialogs.event import EventDialog
    from ui.dialogs.event_register import RegisterDialog
    from ui.dialogs.first_start import FirstStartDialog
    from ui.dialogs.follow_up import FollowUpDialog
    from ui.dialogs.lapsed import LapsedDialog
    from ui.dialogs.login import LoginDialog
    from ui.dialogs.mailing import MailingDialog
    from ui.dialogs.member import MemberDialog
    from ui.dialogs.partner import LecturerDialog, OrganisationDialog
    from ui.dialogs.reception import ReceptionDialog
    from ui.dialogs.settings import SettingsDialog
    from ui.dialogs.visit import VisitDialog
    from ui.dialogs.visit_history import VisitHistoryDialog
    from ui.dialogs.watch_person import WatchPersonDialog
    from ui.dialogs.watch_settings import WatchSettingsDialog

    lecture = events.resolve_event(ctx, "まちづくり講座 第18講")
    person = watch.list_people(ctx)[0].id
    yield "login", lambda: LoginDialog(lambda _n, _p: None, lambda _n, _k, _p: None, view)
    yield "first_start", lambda: FirstStartDialog(path=Path(tempfile.mkdtemp()) / "new.sqlite")
    yield "settings", lambda: SettingsDialog(ctx, view)
    yield "accounts", lambda: AccountsDialog(ctx, view)
    yield "passphrase", lambda: PassphraseDialog(ctx, view)
    yield "recovery_key", lambda: RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", view)
    yield "audit", lambda: AuditLogDialog(ctx, view)
    yield "member_new", lambda: MemberDialog(ctx, None, view)
    yield "event_new", lambda: EventDialog(ctx, None, view)
    yield "event_edit", lambda: EventDialog(ctx, lecture, view)
    cafe = events.resolve_event(ctx, "ふれあいカフェ")

    def cafe_dates() -> EventDialog:
        dialog = EventDialog(ctx, cafe, view)
        dialog.tabs.setCurrentIndex(1)  # the dates of the repeating café
        return dialog

    yield "event_cafe_dates", cafe_dates
    yield "register", lambda: RegisterDialog(ctx, lecture, parent=view)
    yield "reception", lambda: ReceptionDialog(ctx, lecture, parent=view)
    yield "lapsed", lambda: LapsedDialog(ctx, view)
    yield "duplicates", lambda: DuplicatesDialog(ctx, view)
    # The café's 当番表 at its next date, with 司会 still open.
    yield "duty", lambda: DutyDialog(ctx, cafe, view)
    roster = duty.duty_roster(ctx, cafe)
    when = date_label(roster.dates[default_date(roster.dates)])
    yield "duty_jobs", lambda: DutyJobsDialog(ctx, cafe, roster.roles, view)
    yield "duty_member", lambda: MemberPickDialog(ctx, roster.roles, "司会", when, view)
    yield "mailing", lambda: MailingDialog(ctx, view, event_id=lecture, event_title="講座")
    yield "organisation_new", lambda: OrganisationDialog(ctx, None, view)
    yield "lecturer_new", lambda: LecturerDialog(ctx, None, view)
    yield "watch_person_new", lambda: WatchPersonDialog(ctx, None, view)
    yield "watch_person_edit", lambda: WatchPersonDialog(ctx, person, view)
    yield "visit", lambda: VisitDialog(ctx, person, view)
    yield "visit_history", lambda: VisitHistoryDialog(ctx, person, view)
    yield "watch_settings", lambda: WatchSettingsDialog(ctx, view)
    follow = next((d for d in visits.due_list(ctx) if d.kind == visits.FOLLOW_UP), None)
    if follow is not None:
        yield "follow_up", lambda: FollowUpDialog(ctx, follow.id, view)
    conflicts = exchange.list_conflicts(ctx)
    if conflicts:
        yield "conflict", lambda: ConflictDialog(ctx, conflicts[0].id, view)
    report = Path(tempfile.mkdtemp()) / "crash-1.txt"
    report.write_text("Traceback (most recent call last):\n  ...\nValueError: demo\n")
    yield "crash", lambda: CrashDialog(report, view)

    def flyer() -> QWidget:
        page: Any = view.pages["events"]
        page.select_event(lecture)
        dialog = page.preview_dialog(event_print.FLYER)
        assert dialog is not None
        return dialog

    yield "pdf_preview", flyer

    def about() -> QWidget:
        from ui.dialogs.about import open_about

        dialog = open_about(view, str(ctx.db.path))
        assert dialog is not None
        return dialog

    yield "about", about

    def user_guide() -> QWidget:
        from ui.help import HelpDialog

        return HelpDialog("events", view)

    yield "help", user_guide


def _describe(widget: QWidget, text: str) -> str:
    name = widget.objectName()
    short = text if len(text) <= 40 else text[:39] + "…"
    return f"{type(widget).__name__}{'#' + name if name else ''}: {short}"


def clipped(window: QWidget) -> list[str]:
    """Every visible label, button or table header in `window` whose text does not fit it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractScrollArea,
        QHeaderView,
        QLabel,
        QStyle,
        QWidget,
    )

    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
            continue
        if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QHeaderView):
            bar = widget.horizontalScrollBar()
            if bar.maximum() > 0:
                found.append(_describe(widget, f"scrolls sideways by {bar.maximum()} px"))
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            seen = widget.visibleRegion().boundingRect()
            if not seen.isEmpty() and seen.width() < widget.width() - 1:
                text = widget.text().replace("&", "")
                found.append(_describe(widget, f"cut off at the side: {text}"))
                continue
        if isinstance(widget, QLabel):
            text = widget.text()
            if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            if widget.wordWrap():
                need_w, need_h = 0, widget.heightForWidth(widget.width())
            else:
                hint = widget.sizeHint()
                need_w, need_h = hint.width(), hint.height()
            # Why a pixel of slack: Qt rounds fractional font advances both ways.
            if need_w > widget.width() + 1 or need_h > widget.height() + 1:
                found.append(_describe(widget, text))
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
            if not text:
                continue
            hint = widget.sizeHint()
            if hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
                found.append(_describe(widget, text.replace("&", "")))
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            model = widget.model()
            if model is None:
                continue
            metrics = widget.fontMetrics()
            margin = widget.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, widget)
            mark = widget.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, widget)
            for section in range(widget.count()):
                if widget.isSectionHidden(section):
                    continue
                text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
                if not text:
                    continue
                # A header's own padding and sort arrow, as QStyle draws them.
                need = metrics.horizontalAdvance(text) + 2 * margin
                if widget.isSortIndicatorShown() and widget.sortIndicatorSection() == section:
                    need += mark
                if need > widget.sectionSize(section):
                    found.append(_describe(widget, text))
    return found


def _texts(window: QWidget) -> Iterator[tuple[QWidget, str]]:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QTabBar,
        QWidget,
    )

    yield window, window.windowTitle()
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            yield widget, widget.text().replace("&", "")
        elif isinstance(widget, QGroupBox):
            yield widget, widget.title()
        elif isinstance(widget, QLineEdit):
            yield widget, widget.placeholderText()
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                yield widget, widget.tabText(i)
        elif isinstance(widget, QHeaderView) and widget.model() is not None:
            for i in range(widget.count()):
                yield widget, str(widget.model().headerData(i, widget.orientation()) or "")
        for action in widget.actions():
            yield widget, action.text().replace("&", "")


def _catalog_ids() -> set[str]:
    """The English messages the Japanese catalog translates into something else."""
    import gettext

    from app.core import i18n

    try:
        ja = gettext.translation(i18n.DOMAIN, localedir=str(i18n.LOCALE_DIR), languages=["ja"])
    except OSError:
        return set()
    catalog: dict[Any, str] = getattr(ja, "_catalog", {})
    return {k for k, v in catalog.items() if isinstance(k, str) and k and v and v != k}


def untranslated(window: QWidget) -> list[str]:
    """Texts in `window` that are still English although the window is in Japanese."""
    ids = _catalog_ids()
    found: list[str] = []
    for widget, text in _texts(window):
        text = text.strip()
        if not text or _JAPANESE.search(text) or "/" in text or "\\" in text:
            continue
        words = set(re.findall(r"[A-Za-z]+", text))
        if not words or words <= LATIN_WORDS:
            continue
        if text in ids or _ENGLISH.search(text):
            found.append(_describe(widget, text))
    return sorted(set(found))


def walk(
    ctx: Context, folder: Path | None, scale: int, language: str, only: Sequence[str] = ()
) -> list[Shot]:
    """Open the main window on every page, then every dialog; one Shot each."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.core import i18n
    from ui import fit
    from ui.language import apply_language
    from ui.loader import Session
    from ui.shell import Shell
    from ui.style import apply_text_scale

    # Why a file per walk: each scale opens as a first start would, not at the last one's sizes.
    fit.use_settings_file(Path(tempfile.mkdtemp(prefix="tsunagu-gallery-")) / "sizes.ini")
    i18n.set_language(language)
    apply_language(language)
    apply_text_scale(scale)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shell = Shell()
    session = Session(shell, ctx)
    view = session.view
    assert view is not None
    shell.show_fitted()
    QCoreApplication.processEvents()
    shots: list[Shot] = []

    def record(name: str, kind: str, widget: QWidget) -> None:
        # A page or dialog that loads in the background is pictured once its rows are in
        # and laid out, as a person sees it a moment after it opens.
        from ui.operations import background_work

        work = background_work()
        for _round in range(200):
            QCoreApplication.processEvents()
            if not work.working and not work.unsettled:
                break
            time.sleep(0.01)
        for _round in range(3):
            QCoreApplication.processEvents()
        if name == "pdf_preview":
            # Why: QPdfView renders its pages in a thread; a picture taken at once is grey.
            from PySide6.QtTest import QTest

            QTest.qWait(800)
        frame = widget.frameGeometry()
        file = f"{kind}-{name}-{language}-{scale}.png"
        if folder is not None:
            widget.grab().save(str(folder / file))
        shots.append(
            Shot(
                name=name,
                kind=kind,
                scale=scale,
                language=language,
                width=widget.width(),
                height=widget.height(),
                file=file if folder is not None else "",
                clipped=clipped(widget),
                untranslated=untranslated(widget) if language == "ja" else [],
                frame=[frame.x(), frame.y(), frame.width(), frame.height()],
                maximised=widget.isMaximized(),
            )
        )

    for row in range(view.nav.count()):
        name = str(view.nav.item(row).data(256))
        if only and name not in only:
            continue
        view.nav.setCurrentRow(row)
        record(name, "page", shell)
    for name, make in dialogs(ctx, view):
        if only and name not in only:
            continue
        dialog = make()
        dialog.show()
        record(name, "dialog", dialog)
        dialog.close()
        dialog.deleteLater()
    if session.lock is not None:
        session.lock.stop()
    shell.close()
    shell.deleteLater()
    QCoreApplication.processEvents()
    return shots


def use_screen(width: int, height: int) -> None:
    """Make Qt's offscreen platform a single screen of this size (before the QApplication)."""
    config = Path(tempfile.mkdtemp(prefix="tsunagu-screen-")) / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [dict(screen, logicalDpi=96, dpr=1)]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def start_application() -> Any:
    """The QApplication with the shipped Japanese font, so every machine measures alike."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    for font in sorted((ROOT / "resources" / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    if "BIZ UDGothic" in QFontDatabase.families():
        app.setFont(QFontDatabase.font("BIZ UDGothic", "Regular", 12))
    return app


def demo_context(folder: Path) -> Context:
    """A fresh demo database in `folder`, open as its coordinator."""
    from app.core.context import Context
    from app.setup.demo import build_demo
    from app.storage.database import open_database

    db = open_database(folder / "demo.sqlite", create=True)
    ctx = Context(db)
    build_demo(ctx)
    return ctx


def run(
    out: Path,
    scales: Sequence[int],
    screen: tuple[int, int],
    languages: Sequence[str],
    only: Sequence[str] = (),
    demo: Path | None = None,
) -> list[Shot]:
    """Render everything at every scale and language into `out`; write out/manifest.json."""
    use_screen(*screen)
    start_application()
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Shot] = []
    with tempfile.TemporaryDirectory(prefix="tsunagu-gallery-") as tmp:
        if demo is None:
            ctx = demo_context(Path(tmp))
        else:
            from app.core.context import Context
            from app.storage.database import open_database

            ctx = Context(open_database(demo))
        try:
            for language in languages:
                for scale in scales:
                    shots.extend(walk(ctx, out, scale, language, only))
        finally:
            ctx.db.close()
    manifest = [
        {k: v for k, v in asdict(s).items() if k not in ("frame", "maximised")} for s in shots
    ]
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return shots


def main(argv: list[str]) -> int:
    """For tests: `python -m ui.gallery DIR ...` prints every Shot (frames included) as JSON."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--scales", default="100")
    parser.add_argument("--screen", default="1366x728")
    parser.add_argument("--language", default="ja")
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.screen.split("x"))
    shots = run(
        args.out,
        [int(s) for s in args.scales.split(",")],
        (width, height),
        args.language.split(","),
        [n for n in args.only.split(",") if n],
        args.demo,
    )
    print(json.dumps([asdict(s) for s in shots], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def command(args: argparse.Namespace) -> int:
    """`gallery DIR [--scales] [--screen] [--language]`, its options checked by the parser."""
    from app.cli.output import EXIT_OK, say
    from app.core.errors import UserError
    from app.core.i18n import LANGUAGES
    from app.core.i18n import gettext as _

    if args.folder.exists() and not args.folder.is_dir():
        raise UserError(_("{path} is not a folder.").format(path=args.folder))
    languages = [args.language] if args.language else list(LANGUAGES)
    shots = run(args.folder, args.scales, args.screen, languages)
    clipped = sum(1 for s in shots if s.clipped)
    say(
        _("{count} pictures and manifest.json in {folder}; {clipped} with clipped text.").format(
            count=len(shots), folder=args.folder, clipped=clipped
        )
    )
    return EXIT_OK
