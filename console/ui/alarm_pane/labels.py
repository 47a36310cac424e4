"""Translated labels of the warning pane: column titles, categories, families, classifications, state filters."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.alarm_list import Column
from console.model.alarms import AlarmState
from console.ui.live import alarm_state_label, per_language

# Text colour on each level's colour: dark on yellow and orange, where white reads
# below a contrast of 3 (tests/ui/test_theme.py measures each pair).
LEVEL_TEXT_COLOURS = {1: "#FFFFFF", 2: "#1A1A1A", 3: "#1A1A1A", 4: "#FFFFFF"}


def column_titles() -> list[str]:
    translate = QCoreApplication.translate
    titles = {
        Column.LEVEL: translate("AlarmListModel", "Level"),
        Column.TIME: translate("AlarmListModel", "Time"),
        Column.SENSOR: translate("AlarmListModel", "Sensor"),
        Column.CATEGORY: translate("AlarmListModel", "Category"),
        Column.DISTRICT: translate("AlarmListModel", "District"),
        Column.VALUE: translate("AlarmListModel", "Value / threshold"),
        Column.STATE: translate("AlarmListModel", "State"),
        Column.OWNER: translate("AlarmListModel", "Unit"),
        Column.INCIDENT: translate("AlarmListModel", "Incident"),
    }
    return [titles[column] for column in Column]


@per_language
def _category_labels() -> dict:
    translate = QCoreApplication.translate
    return {
        "gas": translate("Category", "Gas"),
        "water_supply": translate("Category", "Water supply"),
        "drainage": translate("Category", "Drainage"),
        "bridge": translate("Category", "Bridge"),
        "heating": translate("Category", "Heating"),
        "power": translate("Category", "Power"),
        "utility_tunnel": translate("Category", "Utility tunnel"),
        "rainfall": translate("Category", "Rainfall"),
        "water_level": translate("Category", "Water level"),
        "waterlogging": translate("Category", "Waterlogging"),
        "hazmat": translate("Category", "Hazmat"),
    }


def category_label(category: str) -> str:
    return _category_labels().get(category, category)


def family_label(family: str) -> str:
    translate = QCoreApplication.translate
    labels = {
        "lifeline": translate("Category", "Lifeline"),
        "flood": translate("Category", "Flood"),
        "hazmat": translate("Category", "Hazmat"),
    }
    return labels.get(family, family)


def classification_label(classification: str) -> str:
    translate = QCoreApplication.translate
    return {
        "handled": translate("AlarmPane", "Handled"),
        "false_alarm": translate("AlarmPane", "False alarm"),
        "test": translate("AlarmPane", "Test"),
        "duplicate": translate("AlarmPane", "Duplicate"),
    }[classification]


def state_filter_label(key: str) -> str:
    translate = QCoreApplication.translate
    if key in ("unack", "ack", "rtn_unack", "normal", "shelved", "out_of_service"):
        return alarm_state_label(AlarmState.from_key(key))
    return {
        "attention": translate("AlarmPane", "All but shelved"),
        "all": translate("AlarmPane", "All states"),
        "needs_ack": translate("AlarmPane", "Needing acknowledgement"),
    }[key]


def fault_label(trigger: str) -> str:
    """What is wrong with a sensor (a sensor-fault item's trigger)."""
    translate = QCoreApplication.translate
    return {
        "stuck": translate("AlarmPane", "stuck"),
        "chattering": translate("AlarmPane", "chattering"),
    }.get(trigger, trigger)
