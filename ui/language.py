"""The UI language for our strings and Qt's own (context menus, standard buttons, dialogs)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from app.core import i18n

# The translator of Qt's own strings now installed (kept so a change of language replaces it).
_installed: list[QTranslator] = []


def qt_translations_folder() -> str:
    """Where PySide6 ships Qt's translations (qtbase_ja.qm and the others)."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def apply_language(language: str) -> bool:
    """Speak `language` (ja or en): our catalog and Qt's own; False when Qt has no catalog
    for it (English needs none, its strings are English already)."""
    i18n.set_language(language)
    app = QCoreApplication.instance()
    if app is None:
        return False
    for old in _installed:
        QCoreApplication.removeTranslator(old)
    _installed.clear()
    if language == "en":
        return False
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", qt_translations_folder()):
        return False
    QCoreApplication.installTranslator(translator)
    _installed.append(translator)
    return True
