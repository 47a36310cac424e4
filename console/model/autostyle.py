"""A readable default look for layers opened without a catalog style."""

from __future__ import annotations

from console.model.layer import GeometryKind, VectorLayer
from console.model.style import LayerStyle, Symbol

# Muted colours that stay clear of the four warning colours (red, orange, yellow, blue).
PALETTE = ("#5B8E7D", "#8C6D9E", "#6F8FAF", "#A07855", "#4F7C8A", "#7A8F4E", "#9A6A7A", "#5E6B8C")
LABEL_FIELDS = ("name_zh", "name", "NAME", "名称", "name_en", "cn_name", "dt_name")


def auto_style(layer: VectorLayer, index: int) -> LayerStyle:
    """Style for the ``index``-th layer opened by hand: a palette colour and a name label."""
    colour = PALETTE[index % len(PALETTE)]
    label = next((field for field in LABEL_FIELDS if field in layer.columns), None)
    if layer.kind is GeometryKind.POLYGON:
        symbol = Symbol(fill=colour + "33", stroke=colour, width=1.3)
    elif layer.kind is GeometryKind.LINE:
        symbol = Symbol(stroke=colour, width=1.6)
    else:
        symbol = Symbol(fill=colour, stroke="#FFFFFF", width=1.0, marker="circle", size=7)
    return LayerStyle(symbol=symbol, label=label,
                      label_max_resolution_m=None if layer.kind is GeometryKind.POLYGON else 20.0)
