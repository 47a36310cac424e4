"""Alarms ▸ Publish as CAP…: the selected alarm (or its incident) written as a CAP 1.2 alert file.

The message is made by ``console.cap.export`` from the alarm as the warning
pane's book holds it (a drill's book in a drill, the engine's mirror with live
sources), the sensor positions of the pane's table and the journal's stamp,
so the file is the one ``console cap export`` writes from the same journal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from console.errors import InputError

CAP_FILTER = "CAP 1.2 (*.xml);;*"


class CapPublisher(QObject):
    """Publishes the warning pane's selected alarm or incident as CAP.

    Parameters
    ----------
    window : MainWindow
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.last_path: Path | None = None

    def add_actions(self, menu) -> None:
        self.alarm_action = self.window._action(menu, self.tr("&Publish as CAP…"), lambda: self.ask("alarm"))
        self.alarm_action.setToolTip(self.tr("Write the selected alarm as a CAP 1.2 alert for other departments"))
        self.incident_action = self.window._action(menu, self.tr("Publish the &incident as CAP…"),
                                                   lambda: self.ask("incident"))
        self.incident_action.setToolTip(self.tr("Write the incident of the selected alarm, with its footprint, "
                                                "as a CAP 1.2 alert"))

    # --- what is published ----------------------------------------------------------
    def _journal_meta(self) -> dict:
        """The meta table of the journal the shown alarms are written to (drill, engine's or window's)."""
        window = self.window
        try:
            if window.drill is not None:
                return window.drill.journal.meta()
            link = window.sources.link
            if link is not None and getattr(link, "journal_path", None) is not None:
                from console.model.journal.queries import journal_meta
                from console.model.journal.schema import connect_reader

                db = connect_reader(link.journal_path)
                try:
                    return journal_meta(db)
                finally:
                    db.close()
            if window.session.journal is not None:
                return window.session.journal.meta()
        except (InputError, OSError):
            pass
        return {}

    def subject(self, kind: str, alarm_id: int):
        """The ``Subject`` of the alarm ``alarm_id`` (or of its incident) in the pane's book."""
        from console.cap.story import alarm_subject, incident_subject, journal_stamp
        from console.model.alarms import ALARM_COLUMNS

        book = self.window.alarm_pane.model.alarm_list.book
        alarm = book.alarms.get(alarm_id) if book is not None else None
        if alarm is None:
            raise InputError(f"alarm {alarm_id}", self.tr("is not in the warning pane's book any more"))
        meta = self._journal_meta()
        stamp, drill = journal_stamp(meta), self.window.drill is not None or meta.get("drill") == "1"

        def parts(a):
            row = {name: getattr(a, name) for name in ALARM_COLUMNS}
            return row, [(s.t_ms, s.level_from, s.level_to, s.value, s.threshold) for s in a.history]

        if kind == "alarm":
            row, steps = parts(alarm)
            return alarm_subject(row, steps, stamp=stamp, drill=drill)
        if not alarm.incident_id:
            raise InputError(f"alarm {alarm_id}", self.tr("belongs to no incident"))
        members = [a for a in book.alarms.values() if a.incident_id == alarm.incident_id]
        rows, steps_of = [], {}
        for member in members:
            row, steps = parts(member)
            rows.append(row)
            steps_of[member.alarm_id] = steps
        return incident_subject(alarm.incident_id, rows, steps_of, stamp=stamp, drill=drill)

    def publish(self, kind: str, alarm_id: int, path) -> object:
        """Write the latest CAP message of the alarm (or its incident) to ``path``; returns the ``Message``.

        Raises InputError with the reason (a fault item, an unknown position, an unwritable path).
        """
        from console.cap.export import export_message
        from console.cap.publish import write_atomic
        from console.cap.story import sites_of_table

        table = self.window.alarm_pane.model.alarm_list.table
        message = export_message(self.subject(kind, alarm_id), sites_of_table(table))
        write_atomic(path, message.data())
        self.last_path = Path(path)
        return message

    # --- the operator's side ----------------------------------------------------------
    def ask(self, kind: str) -> None:
        window = self.window
        title = self.tr("Not published")
        ids = window.alarm_pane.selected_alarm_ids()
        if not ids:
            window.show_error(self.tr("Select an alarm in the warning pane first."), title)
            return
        try:
            subject = self.subject(kind, ids[0])
        except InputError as exc:
            window.show_error(str(exc), title)
            return
        letter = "A" if kind == "alarm" else "I"
        suggested = f"{subject.stamp}-{letter}{subject.key}-{subject.latest.number}.xml"
        folder = self.last_path.parent if self.last_path is not None else Path.home()
        path, _ = QFileDialog.getSaveFileName(window, self.tr("Publish as CAP 1.2"), str(folder / suggested),
                                              CAP_FILTER)
        if not path:
            return
        try:
            message = self.publish(kind, ids[0], path)
        except InputError as exc:
            window.show_error(str(exc), title)
            return
        window.statusBar().showMessage(self.tr("CAP {kind} {identifier} written to {path}").format(
            kind=message.msg_type, identifier=message.identifier, path=path), 15000)
