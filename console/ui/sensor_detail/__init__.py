"""The sensor detail dock: metadata, history against thresholds, alarm handling (``panel``, ``plot``, ``history``).

``install_sensor_detail(window)`` puts it in the main window (``window.SensorDetail``).
"""

from console.ui.sensor_detail.panel import MAX_SENSORS, SensorDetailPanel
from console.ui.sensor_detail.window import SensorDetail, install_sensor_detail

__all__ = ["MAX_SENSORS", "SensorDetail", "SensorDetailPanel", "install_sensor_detail"]
