"""Themes: light for the desk and the printed page, dark for a duty-room video wall.

A theme is an application palette (Fusion style, which follows the palette in
every widget) plus the few colours panes paint themselves (rows of the warning
list, plot backgrounds). Panes read those through ``current()`` when they paint
or refresh, so a switch needs no rebuild; the map's basemap keeps its colours.

The four level colours (DESIGN.md) are the same in both themes: they are filled
behind text chosen for contrast (``LEVEL_TEXT_COLOURS``), and each stands out
from either theme's background (``tests/ui/test_theme.py`` measures both).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("light", "dark")
DEFAULT_THEME = "light"


@dataclass(frozen=True)
class Theme:
    """The colours of one theme (hex strings)."""

    name: str
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    placeholder: str
    highlight: str
    highlighted_text: str
    link: str
    tooltip: str
    tooltip_text: str
    # Colours panes paint themselves.
    muted_text: str  # returned-to-normal and shelved alarms, captions
    returned_fill: str  # level cell of an alarm no longer active
    incident_fill: str  # an incident's header line
    child_fill: str  # an alarm under its incident
    plot_background: str
    plot_foreground: str
    alert_text: str  # "no operator on duty", a source down


LIGHT = Theme(
    name="light", window="#EFF1F3", window_text="#1A1A1A", base="#FFFFFF", alternate_base="#F5F5F2",
    text="#1A1A1A", button="#E6E9ED", placeholder="#7A7A7A", highlight="#2F5D8A", highlighted_text="#FFFFFF",
    link="#1E5AA8", tooltip="#FFFFE8", tooltip_text="#1A1A1A",
    muted_text="#6B6B6B", returned_fill="#E4E4E4", incident_fill="#E8ECF1", child_fill="#F6F8FA",
    plot_background="#FFFFFF", plot_foreground="#333333", alert_text="#B3261E",
)
DARK = Theme(
    name="dark", window="#1C2128", window_text="#E6E9ED", base="#12161B", alternate_base="#1A2027",
    text="#E6E9ED", button="#2A313A", placeholder="#8E99A4", highlight="#3D6E9E", highlighted_text="#FFFFFF",
    link="#7FB2F0", tooltip="#2A313A", tooltip_text="#E6E9ED",
    muted_text="#9AA4AE", returned_fill="#3A414A", incident_fill="#26303C", child_fill="#171C22",
    plot_background="#12161B", plot_foreground="#C9D1D9", alert_text="#FF8A80",
)
_BY_NAME = {theme.name: theme for theme in (LIGHT, DARK)}


def theme_names() -> dict[str, str]:
    """Theme key -> its name in the UI's language."""
    translate = QCoreApplication.translate
    return {"light": translate("Theme", "Light (print)"), "dark": translate("Theme", "Dark (video wall)")}


def current() -> Theme:
    """The theme in force (light before any is applied, and without an application)."""
    app = QCoreApplication.instance()
    return _BY_NAME.get(getattr(app, "console_theme", DEFAULT_THEME), LIGHT) if app else LIGHT


def palette_of(theme: Theme) -> QPalette:
    """The application palette of a theme, for the active and inactive groups, greyed when disabled."""
    roles = QPalette.ColorRole
    palette = QPalette()
    colours = {
        roles.Window: theme.window, roles.WindowText: theme.window_text, roles.Base: theme.base,
        roles.AlternateBase: theme.alternate_base, roles.Text: theme.text, roles.Button: theme.button,
        roles.ButtonText: theme.window_text, roles.PlaceholderText: theme.placeholder,
        roles.Highlight: theme.highlight, roles.HighlightedText: theme.highlighted_text,
        roles.Link: theme.link, roles.ToolTipBase: theme.tooltip, roles.ToolTipText: theme.tooltip_text,
        roles.BrightText: "#FFFFFF",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    dark = QColor(theme.window).lightness() < 128
    shade = {roles.Light: 160, roles.Midlight: 120, roles.Mid: 80 if not dark else 140, roles.Dark: 60,
             roles.Shadow: 40}
    for role, factor in shade.items():
        colour = QColor(theme.button)
        palette.setColor(role, colour.lighter(factor) if factor > 100 else colour.darker(100 * 100 // factor))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.placeholder))
    return palette


def apply_theme(name: str, app: QApplication | None = None) -> Theme:
    """Switch the whole application to a theme; unknown names raise ValueError naming the choices."""
    if name not in _BY_NAME:
        raise ValueError(f"unknown theme {name!r}: choose one of {', '.join(THEMES)}")
    app = app or QApplication.instance()
    theme = _BY_NAME[name]
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # the style that draws every widget from the palette
    app.console_theme = name
    app.setPalette(palette_of(theme))
    # Widgets that paint with the theme's own colours (rows, plots) re-read them now.
    for widget in app.allWidgets():
        follow = getattr(widget, "follow_theme", None)
        try:
            if callable(follow):
                follow(theme)
            else:
                theme_plot(widget, theme)
        except (RuntimeError, AttributeError):
            # A plot being torn down (pyqtgraph closes its items before Qt deletes the widget,
            # or Qt's half is gone): nothing left to restyle.
            continue
    return theme


def theme_plot(widget, theme: Theme | None = None) -> None:
    """Background and axes of a pyqtgraph plot in the theme's colours (the map keeps its basemap's)."""
    import pyqtgraph as pg

    from console.ui.map.canvas import MapCanvas

    if not isinstance(widget, pg.GraphicsView) or isinstance(widget, MapCanvas):
        return
    theme = theme or current()
    widget.setBackground(theme.plot_background)
    for item in widget.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setPen(pg.mkPen(theme.plot_foreground))
            item.setTextPen(pg.mkPen(theme.plot_foreground))
        elif isinstance(item, pg.InfLineLabel):  # a threshold line's level name
            item.setColor(theme.plot_foreground)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: str) -> float:
        c = QColor(colour)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(colour: str, theme: Theme | None = None, minimum: float = 4.5) -> str:
    """A status colour made readable as text on the theme's background: lightened on a dark one.

    The light theme keeps the colour as designed; on the dark theme a dark red or
    green is lightened in steps until its contrast with the base reaches ``minimum``.
    """
    theme = theme or current()
    if theme.name == "light" or contrast(colour, theme.base) >= minimum:
        return colour
    shade = QColor(colour)
    for _ in range(20):
        h, s, lightness, a = shade.getHslF()
        shade = QColor.fromHslF(h, s, min(1.0, lightness + 0.05), a)
        if contrast(shade.name(), theme.base) >= minimum:
            break
    return shade.name().upper()
