"""How a sensor looks for its live state: one style code per state, ordered by importance.

The level is coded by shape as well as colour, so an operator who cannot tell
red from orange still reads it: IV circle, III triangle, II diamond, I square.
Unacknowledged alarms blink (filled / hollow); acknowledged ones are steady.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from console.ui.map.points import MarkerStyle, Sprite

LEVEL_COLOURS = {1: "#D7263D", 2: "#F28C28", 3: "#F5C518", 4: "#1E6FD9"}  # I..IV, DESIGN.md
LEVEL_MARKERS = {1: ("square", 11), 2: ("diamond", 11), 3: ("triangle", 11), 4: ("circle", 10)}
NORMAL_COLOUR = "#3A7D7C"
STALE_COLOUR = "#8E8E8E"
# Coarser than this many metres per pixel (a whole district on screen), calm
# sensors shrink to small dots: thousands of full markers would hide the map,
# and what an operator must see at city scale is the alarms.
COMPACT_FROM_M = 12.0


class SensorCode(IntEnum):
    """Style codes; a higher code is drawn over a lower one."""

    HIDDEN = 0
    NORMAL = 1
    OUT_OF_SERVICE = 2
    SHELVED = 3
    STALE = 4
    RETURNED_UNACK = 5
    ACK_IV = 6
    UNACK_IV = 7
    ACK_III = 8
    UNACK_III = 9
    ACK_II = 10
    UNACK_II = 11
    ACK_I = 12
    UNACK_I = 13
    HOLLOW_IV = 14  # the "off" half of a blink; never a state of its own
    HOLLOW_III = 15
    HOLLOW_II = 16
    HOLLOW_I = 17


def alarm_code(level: int, acknowledged: bool) -> SensorCode:
    """Style code of an active alarm of ``level`` (1 = I … 4 = IV)."""
    base = {4: SensorCode.ACK_IV, 3: SensorCode.ACK_III, 2: SensorCode.ACK_II, 1: SensorCode.ACK_I}[level]
    return SensorCode(base if acknowledged else base + 1)


def sensor_sprites(compact: bool = False) -> list[Sprite | None]:
    """Sprites indexed by SensorCode; ``compact``: calm sensors as small dots (city scale)."""
    sprites: list[Sprite | None] = [None] * len(SensorCode)
    if compact:
        sprites[SensorCode.NORMAL] = Sprite(MarkerStyle("circle", 3, NORMAL_COLOUR, None, 0.0))
    else:
        sprites[SensorCode.NORMAL] = Sprite(MarkerStyle("circle", 6, NORMAL_COLOUR, "#FFFFFF", 1.0))
    sprites[SensorCode.OUT_OF_SERVICE] = Sprite(MarkerStyle("circle", 6, None, STALE_COLOUR, 1.0))
    sprites[SensorCode.SHELVED] = Sprite(MarkerStyle("circle", 7, "#C9C3D6", "#8D84A3", 1.0))
    sprites[SensorCode.STALE] = Sprite(MarkerStyle("cross", 9, STALE_COLOUR, "#5E5E5E", 0.8))
    sprites[SensorCode.RETURNED_UNACK] = Sprite(MarkerStyle("circle", 9, None, "#303030", 1.6))
    for level, colour in LEVEL_COLOURS.items():
        marker, size = LEVEL_MARKERS[level]
        ack = alarm_code(level, True)
        sprites[ack] = Sprite(MarkerStyle(marker, size, colour, "#202020", 1.0))
        sprites[ack + 1] = Sprite(MarkerStyle(marker, size + 2, colour, "#000000", 1.4))
        sprites[SensorCode.HOLLOW_IV + (4 - level)] = Sprite(MarkerStyle(marker, size + 2, None, colour, 2.0))
    return sprites


BLINK_OFF = {
    int(SensorCode.UNACK_IV): int(SensorCode.HOLLOW_IV),
    int(SensorCode.UNACK_III): int(SensorCode.HOLLOW_III),
    int(SensorCode.UNACK_II): int(SensorCode.HOLLOW_II),
    int(SensorCode.UNACK_I): int(SensorCode.HOLLOW_I),
    int(SensorCode.RETURNED_UNACK): int(SensorCode.NORMAL),
}


def codes_for_states(level: np.ndarray, state: np.ndarray, stale: np.ndarray, state_codes: dict) -> np.ndarray:
    """Vectorised: sensor level (0 none, 1..4), alarm-state codes and stale flags to style codes.

    ``state_codes`` names the integer the alarm model uses for each of
    ``unack``, ``ack``, ``rtn_unack``, ``shelved``, ``out_of_service``.
    """
    codes = np.full(len(level), SensorCode.NORMAL, dtype=np.uint8)
    active = level > 0
    acked = state == state_codes["ack"]
    unacked = state == state_codes["unack"]
    # ACK_IV=6 … UNACK_I=13: 6 + 2 * (4 - level) (+1 when unacknowledged)
    base = (SensorCode.ACK_IV + 2 * (4 - np.clip(level, 1, 4))).astype(np.uint8)
    codes = np.where(active & acked, base, codes)
    codes = np.where(active & unacked, base + 1, codes)
    codes = np.where(state == state_codes["rtn_unack"], SensorCode.RETURNED_UNACK, codes)
    codes = np.where(stale, SensorCode.STALE, codes)
    codes = np.where(state == state_codes["shelved"], SensorCode.SHELVED, codes)
    codes = np.where(state == state_codes["out_of_service"], SensorCode.OUT_OF_SERVICE, codes)
    return codes.astype(np.uint8)
