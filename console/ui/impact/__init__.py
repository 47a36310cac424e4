"""The impact analysis in the window: panel (``panel``), map overlay (``overlay``), dock and action (``window``).

``install_impact(window)`` puts it in the main window; the analysis itself is
``console.impact`` (Qt-free).
"""

from console.ui.impact.overlay import ImpactOverlay, impact_layers
from console.ui.impact.panel import ImpactPanel
from console.ui.impact.window import Impact, install_impact

__all__ = ["Impact", "ImpactOverlay", "ImpactPanel", "impact_layers", "install_impact"]
