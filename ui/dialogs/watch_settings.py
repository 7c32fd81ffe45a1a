"""Watch-over settings (coordinators): referral targets, the signs checklist, retention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import watch
from app.core.dates import show_date
from app.core.i18n import gettext as _
from app.watch import visits
from ui.dialogs.base import BaseDialog, confirm
from ui.dialogs.visit import fill_combo
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context

CODE_ROLE = Qt.ItemDataRole.UserRole


class ReferralTargetDialog(BaseDialog):
    """One referral target: name, kind, municipality, phone, note."""

    settings_key = "referral_target"

    def __init__(
        self, ctx: Context, target: watch.ReferralTargetView | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Referral target"), parent)
        self.ctx = ctx
        self.target = target
        self.name = QLineEdit(target.name if target else "")
        self.kind = QComboBox()
        fill_combo(self.kind, watch.REFERRAL_KINDS, target.kind if target else "support_centre")
        self.municipality = QLineEdit(target.municipality if target else "")
        self.phone = QLineEdit(target.phone if target else "")
        self.note = QLineEdit(target.note if target else "")
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Municipality"), self.municipality)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Add or change the target through the service."""
        data = watch.ReferralTargetInput(
            name=self.name.text(),
            kind=self.kind.currentData(),
            municipality=self.municipality.text(),
            phone=self.phone.text(),
            note=self.note.text(),
        )
        target_id = self.target.id if self.target is not None else None
        self.save_record(
            self.ctx,
            target_id,
            watch.add_referral_target,
            watch.update_referral_target,
            lambda: data,
        )


class WatchSettingsDialog(BaseDialog):
    """Where follow-ups are referred, which signs the visit form offers, how long ended
    watches are kept."""

    settings_key = "watch_settings"

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Watch-over settings"), parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.addTab(self._targets_tab(), _("Referral targets"))
        self.tabs.addTab(self._signs_tab(), _("Signs checklist"))
        self.tabs.addTab(self._retention_tab(), _("Retention"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        # Enter in a text field must not press "Add…" or "Erase…" behind the user's back.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.refresh_targets()
        self.refresh_signs()

    # --- referral targets --------------------------------------------------------------------

    def _targets_tab(self) -> QWidget:
        page = QWidget()
        self.targets = QListWidget()
        self.targets.setWordWrap(True)
        self.add_target = QPushButton(_("Add…"))
        self.edit_target = QPushButton(_("Edit…"))
        self.remove_target = QPushButton(_("Remove"))
        buttons = QHBoxLayout()
        for b in (self.add_target, self.edit_target, self.remove_target):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(_("Each ward names its support centre differently: list yours here."))
        )
        layout.addWidget(self.targets, 1)
        layout.addLayout(buttons)
        self.add_target.clicked.connect(lambda: self._edit_target(None))
        self.edit_target.clicked.connect(self._edit_current_target)
        self.targets.itemActivated.connect(lambda _i: self._edit_current_target())
        self.remove_target.clicked.connect(self._remove_target)
        return page

    def refresh_targets(self) -> None:
        """List the targets again."""
        self._target_views = {t.id: t for t in watch.list_referral_targets(self.ctx)}
        self.targets.clear()
        for t in self._target_views.values():
            text = f"{watch.label(watch.REFERRAL_KINDS, t.kind)}: {t.name}"
            if t.phone:
                text += f"（{t.phone}）"
            item = QListWidgetItem(text)
            item.setData(CODE_ROLE, t.id)
            self.targets.addItem(item)

    def _current_target(self) -> watch.ReferralTargetView | None:
        item = self.targets.currentItem()
        return self._target_views.get(item.data(CODE_ROLE)) if item else None

    def _edit_target(self, target: watch.ReferralTargetView | None) -> None:
        if ReferralTargetDialog(self.ctx, target, self).exec():
            self.refresh_targets()

    def _edit_current_target(self) -> None:
        target = self._current_target()
        if target is not None:
            self._edit_target(target)

    def _remove_target(self) -> None:
        target = self._current_target()
        if target is None or not confirm(
            self,
            _("Remove referral target"),
            _("Take {name} off the list? Past follow-ups keep its name.").format(name=target.name),
            _("Remove"),
        ):
            return
        Operation(self, lambda: watch.remove_referral_target(self.ctx, target.id)).success(
            lambda _none: self.refresh_targets()
        ).run()

    # --- signs --------------------------------------------------------------------------------

    def _signs_tab(self) -> QWidget:
        page = QWidget()
        self.signs = QListWidget()
        self.signs.setWordWrap(True)
        self.new_sign = QLineEdit()
        self.new_sign.setPlaceholderText(_("A new sign to look for"))
        self.add_sign = QPushButton(_("Add"))
        self.save_signs = QPushButton(_("Save checklist"))
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_sign, 1)
        add_row.addWidget(self.add_sign)
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                _(
                    "Untick a sign to take it off the visit form (old visits keep it). "
                    "Double-click a sign to reword it."
                )
            )
        )
        layout.addWidget(self.signs, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.save_signs)
        self.add_sign.clicked.connect(self._add_sign)
        self.new_sign.returnPressed.connect(self._add_sign)
        self.save_signs.clicked.connect(self.store_signs)
        return page

    def refresh_signs(self) -> None:
        """List every sign, ticked when it is on the form."""
        self.signs.clear()
        for sign in visits.sign_checklist(self.ctx, include_inactive=True):
            self._append_sign(sign.code, sign.label, sign.active)

    def _append_sign(self, code: str, text: str, active: bool) -> None:
        item = QListWidgetItem(text)
        item.setData(CODE_ROLE, code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
        item.setCheckState(Qt.CheckState.Checked if active else Qt.CheckState.Unchecked)
        self.signs.addItem(item)

    def _add_sign(self) -> None:
        text = self.new_sign.text().strip()
        if text:
            self._append_sign("", text, True)
            self.new_sign.clear()

    def store_signs(self) -> bool:
        """Save the checklist as listed."""
        signs = []
        for i in range(self.signs.count()):
            item = self.signs.item(i)
            signs.append(
                visits.Sign(
                    code=str(item.data(CODE_ROLE) or ""),
                    label=item.text(),
                    active=item.checkState() == Qt.CheckState.Checked,
                )
            )
        return (
            Operation(self, lambda: visits.save_sign_checklist(self.ctx, signs))
            .success(lambda _none: self.refresh_signs())
            .run()
        )

    # --- retention ----------------------------------------------------------------------------

    def _retention_tab(self) -> QWidget:
        page = QWidget()
        self.years = QSpinBox()
        self.years.setRange(1, 30)
        self.years.setValue(watch.retention_years(self.ctx))
        self.years.setSuffix(_(" years"))
        self.save_years = QPushButton(_("Save"))
        self.erase_due = QPushButton(_("Erase people whose watch ended before then…"))
        self.retention_note = QLabel("")
        self.retention_note.setWordWrap(True)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.years)
        row.addWidget(self.save_years)
        row.addStretch(1)
        form.addRow(_("Keep ended watches for"), row)
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                _(
                    "After this, a person's name, address, notes and visit notes are erased; "
                    "only anonymous counts remain."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.erase_due)
        layout.addWidget(self.retention_note)
        layout.addStretch(1)
        self.save_years.clicked.connect(self._save_years)
        self.erase_due.clicked.connect(self.erase_ended)
        return page

    def _save_years(self) -> None:
        years = self.years.value()
        Operation(self, lambda: watch.set_retention_years(self.ctx, years)).run()

    def erase_ended(self) -> None:
        """List who would be erased, ask, then erase."""
        years = self.years.value()
        listed = Operation(self, lambda: watch.erasure_candidates(self.ctx, years))
        if not listed.run():
            return
        candidates = listed.result
        if not candidates:
            self.retention_note.setText(_("Nobody's watch ended that long ago."))
            return
        names = "\n".join(f"{c.name}（{show_date(c.ended_on)}）" for c in candidates[:20])
        if len(candidates) > 20:
            names += "\n…"
        if not confirm(
            self,
            _("Erase personal data"),
            _(
                "Erase the personal data of {count} people? This cannot be undone.\n\n{names}"
            ).format(count=len(candidates), names=names),
            _("Erase"),
        ):
            return
        Operation(self, lambda: watch.erase_ended_before(self.ctx, years)).success(
            lambda count: self.retention_note.setText(
                _("Erased the personal data of {count} people.").format(count=count)
            )
        ).run()
