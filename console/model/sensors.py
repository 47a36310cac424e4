"""Live state of every sensor as columns: the SensorTable.

One row per sensor of the open sensor layers. Static attributes (id, quantity,
category, district, owner, position, per-sensor thresholds) and live state (last
value, time, quality, level, alarm state) are NumPy arrays, never one object per
sensor or per reading.

Each piece of state has one writer. Static attributes are set at construction
and read-only after it. The live state (value, time, quality, status) is written
by ``ingest`` and ``set_status``; the rule state (level, thresholds in force,
pending delays, rate references, chattering) by the ``RuleEngine``; the alarm
index (``alarm_id``, ``alarm_state``, ``out_of_service``) by the ``AlarmBook``.
Restoring goes through ``restore_rows`` (the journal) and ``load_state``
(checkpoints) only. Views pull what changed since their last frame with
``changed_since(version)``; nothing calls back per reading. Not thread-safe: one
thread (the GUI thread, or the command) owns a table.
"""

from __future__ import annotations

import math
from collections import Counter
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from console.errors import InputError
from console.model.ingest import IngestResult, ingest_batch
from console.model.levels import LEVEL_NAMES, level_name
from console.model.readings import Quality, ReadingBatch

if TYPE_CHECKING:
    import pandas

    from console.model.layer import VectorLayer

__all__ = [
    "CATEGORIES",
    "FAMILIES",
    "FAMILY_OF_CATEGORY",
    "LEVEL_NAMES",
    "LIVE_COLUMNS",
    "NO_TIME",
    "STATIC_COLUMNS",
    "THRESHOLD_FIELDS",
    "IngestResult",
    "SensorFault",
    "SensorStatus",
    "SensorTable",
    "level_name",
]

# Time of a sensor that has never reported (int64 epoch ms columns).
NO_TIME = np.iinfo(np.int64).min

FAMILY_OF_CATEGORY = {
    "gas": "lifeline",
    "water_supply": "lifeline",
    "drainage": "lifeline",
    "bridge": "lifeline",
    "heating": "lifeline",
    "power": "lifeline",
    "utility_tunnel": "lifeline",
    "rainfall": "flood",
    "water_level": "flood",
    "waterlogging": "flood",
    "hazmat": "hazmat",
}
CATEGORIES = tuple(FAMILY_OF_CATEGORY)
FAMILIES = ("lifeline", "flood", "hazmat")

# The per-sensor columns that change while readings flow (what ``save_state`` keeps).
LIVE_COLUMNS = (
    "value",
    "t_ms",
    "quality",
    "level",
    "status",
    "alarm_id",
    "alarm_state",
    "out_of_service",
    "chattering",
    "pending_level",
    "pending_since_ms",
    "rate_ref_value",
    "rate_ref_t_ms",
    "pending_count",
    "fault",
    "fault_id",
    "steady_value",
    "steady_since_ms",
    "steady_count",
)

# Live columns that decide a sensor's map symbol.
_STYLE_COLUMNS = ("level", "status", "alarm_state", "out_of_service", "chattering", "alarm_id")

# Attributes fixed at construction (read-only arrays).
STATIC_COLUMNS = (
    "ids", "quantity", "category", "name", "unit", "district", "owner", "family", "thresholds", "x", "y",
    "ground_scale",
)

# Per-sensor threshold columns of a sensor layer, from level IV to level I (docs/sensors.md).
THRESHOLD_FIELDS = ("th_iv", "th_iii", "th_ii", "th_i")

_REQUIRED_FIELDS = ("id", "category", "quantity")
_TEXT_FIELDS = ("name", "name_en", "unit", "district", "owner", "contact", "asset")
_EARTH_RADIUS_M = 6378137.0
# Distinct unknown ids remembered per source; beyond this only the total grows.
_MAX_UNKNOWN_IDS = 1000


class SensorFault(IntEnum):
    """What is wrong with a sensor itself (``SensorTable.fault``, bits): a matter for its maintenance unit."""

    NONE = 0
    STUCK = 1  # the same value for longer than its rule's stuck_after_s
    CHATTERING = 2  # its readings cross a threshold back and forth


class SensorStatus(IntEnum):
    """Whether a sensor is heard from (``SensorTable.status``)."""

    NO_DATA = 0  # no reading since the console started
    LIVE = 1
    STALE = 2  # silent for longer than its rule's stale_after_s
    OFFLINE = 3  # its source said so


class SensorTable:
    """Columnar state of every sensor.

    Parameters
    ----------
    ids, quantities, categories : sequence of str
        One entry per sensor. Ids must be unique; categories are those of DESIGN.md.
    names, units, districts, owners : sequence of str, optional
    thresholds : array (n, 4), optional
        Per-sensor threshold overrides from level IV to level I; NaN where the
        quantity's rule applies.
    x, y : array (n,), optional
        Positions in the display CRS (metres); NaN when unknown.
    ground_scale : array (n,), optional
        Ground metres per display-CRS metre at each sensor (cos(latitude) for Web
        Mercator); distances between alarms are multiplied by it.
    source : str
        Where the sensors come from, for error messages.
    layer_slices : dict of str to slice, optional
        Rows of each sensor layer, when the table was built from layers.

    Attributes
    ----------
    value : float64 (n,)
        Last value (NaN before the first reading).
    t_ms : int64 (n,)
        Last reading time, UTC epoch ms (``NO_TIME`` before the first reading).
    quality : uint8 (n,)
        ``Quality`` of the last reading.
    level : uint8 (n,)
        Current level: 0 none, 1..4 = I..IV (written by the rule engine).
    status : uint8 (n,)
        ``SensorStatus``.
    alarm_id : int64 (n,)
        The sensor's open alarm (-1: none), written by the alarm book.
    alarm_state : uint8 (n,)
        ``AlarmState`` code of the open alarm (0 normal when none).
    out_of_service : bool (n,)
        Removed from service by an operator: rules still run, no alarm is raised.
    chattering : bool (n,)
        The level changed too often recently (see the rules' chatter settings).
    levels : float64 (n, 4)
        Thresholds in force, IV..I (set when a rule engine is bound).
    rule : object (n,)
        Name of the rule in force, e.g. ``quantity:gas_lel`` or ``sensor:GAS-00001``.
    pending_level, pending_since_ms, pending_count, rate_ref_value, rate_ref_t_ms, chatter_times
        Rule engine state kept per sensor so that a restored console continues exactly
        (``pending_count``: readings so far that wanted the pending level, for ``confirm_count``).
    fault : uint8 (n,)
        ``SensorFault`` bits found by the rule engine (stuck, chattering).
    fault_id : int64 (n,)
        The sensor's open sensor-fault item in the alarm book (-1: none), written by the book.
    steady_value, steady_since_ms, steady_count
        The stuck check's run of equal readings: the last value, when the run began, its length.
    flip_times, flip_direction : dict of int to list of int, dict of int to int
        Per row, recent times at which its readings crossed to another level and the direction of the
        last crossing (+1 worse, -1 better): what tells a chattering sensor.
    chatter_version : int64 (n,)
        Above ``version`` at which a row's ``chatter_times`` last changed (``set_chatter_times``).
    row_version, style_version : int64 (n,)
        ``version`` at which the row last changed at all / changed in a way that
        alters its map symbol (level, alarm state, status, service, chattering).
    version : int
        Grows with every change; views remember it and ask ``changed_since``.
    unknown_by_source : dict of str to Counter
        Readings for ids not in the table, per source and id.
    unknown_total_by_source : Counter
    """

    def __init__(
        self,
        ids,
        quantities,
        categories,
        *,
        names=None,
        units=None,
        districts=None,
        owners=None,
        thresholds=None,
        x=None,
        y=None,
        ground_scale=None,
        source: str = "sensor table",
        layer_slices: dict[str, slice] | None = None,
    ):
        import pandas as pd

        self.source = str(source)
        self.ids = _text_column(ids)
        n = len(self.ids)
        self.quantity = _text_column(quantities, n, "quantity", self.source)
        self.category = _text_column(categories, n, "category", self.source)
        self.name = _text_column(names, n, "name", self.source)
        self.unit = _text_column(units, n, "unit", self.source)
        self.district = _text_column(districts, n, "district", self.source)
        self.owner = _text_column(owners, n, "owner", self.source)

        empty = np.flatnonzero(self.ids == "")
        if len(empty):
            raise InputError(self.source, f"sensor {int(empty[0]) + 1} has no id", key="id")
        self._index = pd.Index(self.ids, dtype=object)
        if not self._index.is_unique:
            duplicated = self._index[self._index.duplicated()].unique()[:5]
            raise InputError(self.source, f"sensor ids are not unique: {', '.join(map(str, duplicated))}", key="id")
        unknown_categories = sorted(set(self.category.tolist()) - set(CATEGORIES))
        if unknown_categories:
            row = int(np.flatnonzero(self.category == unknown_categories[0])[0])
            raise InputError(
                self.source,
                f"sensor {self.ids[row]}: category {unknown_categories[0]!r} is not one of {', '.join(CATEGORIES)}",
                key="category",
            )
        self.family = _text_column([FAMILY_OF_CATEGORY[c] for c in self.category.tolist()])

        if thresholds is None:
            thresholds = np.full((n, 4), np.nan)
        self.thresholds = np.array(thresholds, dtype=np.float64).reshape(n, 4)
        self.x = _float_column(x, n)
        self.y = _float_column(y, n)
        self.ground_scale = np.ones(n) if ground_scale is None else _float_column(ground_scale, n)
        self.layer_slices = dict(layer_slices or {"": slice(0, n)})
        # Static attributes never change after construction (copies share them): no one may write them.
        for name in STATIC_COLUMNS:
            getattr(self, name).setflags(write=False)

        # Live state.
        self.value = np.full(n, np.nan)
        self.t_ms = np.full(n, NO_TIME, dtype=np.int64)
        self.quality = np.zeros(n, dtype=np.uint8)
        self.level = np.zeros(n, dtype=np.uint8)
        self.status = np.zeros(n, dtype=np.uint8)
        self.alarm_id = np.full(n, -1, dtype=np.int64)
        self.alarm_state = np.zeros(n, dtype=np.uint8)
        self.out_of_service = np.zeros(n, dtype=bool)
        self.chattering = np.zeros(n, dtype=bool)
        # Set by the rule engine.
        self.levels = np.full((n, 4), np.nan)
        self.rule = np.full(n, "", dtype=object)
        # Rule engine state.
        self.pending_level = np.full(n, -1, dtype=np.int8)
        self.pending_since_ms = np.full(n, NO_TIME, dtype=np.int64)
        self.rate_ref_value = np.full(n, np.nan)
        self.rate_ref_t_ms = np.full(n, NO_TIME, dtype=np.int64)
        self.pending_count = np.zeros(n, dtype=np.int32)
        self.fault = np.zeros(n, dtype=np.uint8)
        self.fault_id = np.full(n, -1, dtype=np.int64)
        self.steady_value = np.full(n, np.nan)
        self.steady_since_ms = np.full(n, NO_TIME, dtype=np.int64)
        self.steady_count = np.zeros(n, dtype=np.int32)
        self.flip_times: dict[int, list[int]] = {}
        self.flip_direction: dict[int, int] = {}
        self.chatter_times: dict[int, list[int]] = {}
        self.chatter_version = np.zeros(n, dtype=np.int64)
        # Change tracking.
        self.version = 0
        self.row_version = np.zeros(n, dtype=np.int64)
        self.style_version = np.zeros(n, dtype=np.int64)
        self.unknown_by_source: dict[str, Counter] = {}
        self.unknown_total_by_source: Counter = Counter()

    # --- construction -------------------------------------------------
    @classmethod
    def from_frame(cls, frame: pandas.DataFrame, source: str, *, x=None, y=None, ground_scale=None) -> SensorTable:
        """A table from a sensor layer's attribute table (fields of docs/sensors.md).

        Raises
        ------
        InputError
            A required field is missing, an id is empty or repeated, a category is
            unknown, or a threshold field is not numeric.
        """
        missing = [name for name in _REQUIRED_FIELDS if name not in frame.columns]
        if missing:
            raise InputError(source, f"a sensor layer needs the fields {', '.join(missing)}", key=missing[0])
        n = len(frame)
        texts = {}
        for name in (*_REQUIRED_FIELDS, *_TEXT_FIELDS):
            if name in frame.columns:
                texts[name] = [_text(v) for v in frame[name].tolist()]
            else:
                texts[name] = [""] * n
        thresholds = np.full((n, 4), np.nan)
        for column, name in enumerate(THRESHOLD_FIELDS):
            if name in frame.columns:
                thresholds[:, column] = _numeric_field(frame, name, texts["id"], source)
        return cls(
            texts["id"],
            texts["quantity"],
            texts["category"],
            names=texts["name"],
            units=texts["unit"],
            districts=texts["district"],
            owners=texts["owner"],
            thresholds=thresholds,
            x=x,
            y=y,
            ground_scale=ground_scale,
            source=source,
        )

    @classmethod
    def from_layers(cls, layers: list[VectorLayer]) -> SensorTable:
        """One table for several sensor layers (point layers in the display CRS).

        Rows follow the layers in order; ``layer_slices[layer.name]`` gives each
        layer's rows, in the order of its features.
        """
        import pandas as pd

        from console.model.layer import DISPLAY_CRS

        frames, xs, ys, slices, start = [], [], [], {}, 0
        for layer in layers:
            x, y = layer.xy
            frames.append(pd.DataFrame(layer.frame.drop(columns=layer.frame.geometry.name)))
            xs.append(x)
            ys.append(y)
            slices[layer.name] = slice(start, start + len(layer))
            start += len(layer)
        source = ", ".join(layer.source for layer in layers) or "sensor layers"
        if not layers:
            return cls([], [], [], source=source)
        frame = pd.concat(frames, ignore_index=True)
        x = np.concatenate(xs)
        y = np.concatenate(ys)
        # Web Mercator stretches distances by 1/cos(latitude).
        scale = np.cos(np.arctan(np.sinh(y / _EARTH_RADIUS_M))) if DISPLAY_CRS == "EPSG:3857" else None
        table = cls.from_frame(frame, source, x=x, y=y, ground_scale=scale)
        table.layer_slices = slices
        return table

    def fresh_copy(self) -> SensorTable:
        """A table of the same sensors (attributes, positions, layers) with no live state yet.

        Replays and drills run on such a copy, so the live table is never touched.
        """
        copy = object.__new__(SensorTable)
        live = set(LIVE_COLUMNS) | {"levels", "rule", "chatter_times", "flip_times", "flip_direction", "chatter_version", "version", "row_version",
                                    "style_version", "unknown_by_source", "unknown_total_by_source"}
        for name, value in self.__dict__.items():
            if name not in live:
                copy.__dict__[name] = value  # static columns are shared: nothing writes them after construction
        n = len(self)
        copy.layer_slices = dict(self.layer_slices)
        copy.value = np.full(n, np.nan)
        copy.t_ms = np.full(n, NO_TIME, dtype=np.int64)
        copy.quality = np.zeros(n, dtype=np.uint8)
        copy.level = np.zeros(n, dtype=np.uint8)
        copy.status = np.zeros(n, dtype=np.uint8)
        copy.alarm_id = np.full(n, -1, dtype=np.int64)
        copy.alarm_state = np.zeros(n, dtype=np.uint8)
        copy.out_of_service = np.zeros(n, dtype=bool)
        copy.chattering = np.zeros(n, dtype=bool)
        copy.levels = np.full((n, 4), np.nan)
        copy.rule = np.full(n, "", dtype=object)
        copy.pending_level = np.full(n, -1, dtype=np.int8)
        copy.pending_since_ms = np.full(n, NO_TIME, dtype=np.int64)
        copy.rate_ref_value = np.full(n, np.nan)
        copy.rate_ref_t_ms = np.full(n, NO_TIME, dtype=np.int64)
        copy.pending_count = np.zeros(n, dtype=np.int32)
        copy.fault = np.zeros(n, dtype=np.uint8)
        copy.fault_id = np.full(n, -1, dtype=np.int64)
        copy.steady_value = np.full(n, np.nan)
        copy.steady_since_ms = np.full(n, NO_TIME, dtype=np.int64)
        copy.steady_count = np.zeros(n, dtype=np.int32)
        copy.flip_times = {}
        copy.flip_direction = {}
        copy.chatter_times = {}
        copy.chatter_version = np.zeros(n, dtype=np.int64)
        copy.version = 0
        copy.row_version = np.zeros(n, dtype=np.int64)
        copy.style_version = np.zeros(n, dtype=np.int64)
        copy.unknown_by_source = {}
        copy.unknown_total_by_source = Counter()
        return copy

    # --- saving and restoring the live state ------------------------------
    def save_state(self) -> dict:
        """Copies of every live-state column (``LIVE_COLUMNS``) and of the chattering history."""
        state = {name: getattr(self, name).copy() for name in LIVE_COLUMNS}
        state["chatter_times"] = {row: list(times) for row, times in self.chatter_times.items()}
        state["flip_times"] = {row: list(times) for row, times in self.flip_times.items()}
        state["flip_direction"] = dict(self.flip_direction)
        return state

    def load_state(self, state: dict) -> None:
        """Put back a ``save_state``; every row counts as changed (views redraw everything)."""
        for name in LIVE_COLUMNS:
            getattr(self, name)[:] = state[name]
        self.chatter_times = {row: list(times) for row, times in state["chatter_times"].items()}
        self.flip_times = {row: list(times) for row, times in state.get("flip_times", {}).items()}
        self.flip_direction = dict(state.get("flip_direction", {}))
        self.version += 1
        self.row_version[:] = self.version
        self.style_version[:] = self.version
        self.chatter_version[:] = self.version

    def restore_rows(self, rows: np.ndarray, columns: dict[str, np.ndarray], chatter_times: list[list[int]]) -> None:
        """Put back journaled state of ``rows`` (the journal's restore path).

        ``columns`` maps live-state column names (``LIVE_COLUMNS``, not the alarm
        index, which the book restores) to one value per row; ``chatter_times`` gives
        each row's recent level-change times. Every restored row counts as changed.
        """
        for name in columns:
            if name not in LIVE_COLUMNS or name in ("alarm_id", "alarm_state", "fault_id"):
                raise ValueError(f"{name!r} is not a restorable sensor column")
        for name, values in columns.items():
            getattr(self, name)[rows] = values
        for row, times in zip(np.asarray(rows).tolist(), chatter_times, strict=True):
            self.set_chatter_times(row, times)
        self.mark_changed(rows, style=True)

    def column_dtype(self, name: str) -> np.dtype:
        """The dtype of a per-sensor column."""
        return getattr(self, name).dtype

    # --- lookup -------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids) -> np.ndarray:
        """Row of each id (int64), -1 for ids not in the table."""
        return self._index.get_indexer(np.asarray(ids, dtype=object)).astype(np.int64, copy=False)

    def row_of(self, sensor_id: str) -> int:
        """Row of one id; KeyError when unknown."""
        row = int(self._index.get_indexer([sensor_id])[0])
        if row < 0:
            raise KeyError(sensor_id)
        return row

    # --- change tracking ------------------------------------------------
    def mark_changed(self, rows, *, style: bool) -> None:
        """Record that ``rows`` changed (style: in a way that alters their symbol)."""
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        self.version += 1
        self.row_version[rows] = self.version
        if style:
            self.style_version[rows] = self.version

    def set_chatter_times(self, row: int, times: list[int]) -> None:
        """Replace a sensor's recent level-change times (an empty list forgets them)."""
        if times:
            self.chatter_times[row] = times
        else:
            self.chatter_times.pop(row, None)
        self.chatter_version[row] = self.version + 1

    def changed_since(self, version: int, *, style_only: bool = False) -> np.ndarray:
        """Rows changed after ``version`` (sorted int64); remember ``self.version`` for the next call."""
        versions = self.style_version if style_only else self.row_version
        return np.flatnonzero(versions > version)

    # --- ingest -------------------------------------------------------
    def ingest(self, batch: ReadingBatch, source: str = "") -> IngestResult:
        """Check a batch, resolve sensor ids and update the live columns (see ``ingest.ingest_batch``)."""
        return ingest_batch(self, batch, source)

    def resolve(self, sensor: np.ndarray) -> np.ndarray:
        """Rows of sensor ids, or of pre-resolved rows (-1 for unknown ones)."""
        sensor = np.asarray(sensor)
        if sensor.dtype.kind in "iu":
            # Pre-resolved rows: anything outside the table counts as unknown.
            rows = sensor.astype(np.int64)
            rows[(rows < 0) | (rows >= len(self))] = -1
            return rows
        return self.rows_of(sensor)

    def count_unknown(self, source: str, unknown: dict[str, int]) -> None:
        """Count readings for ids not in the table (from ``ingest``, or filtered out before it by a caller)."""
        counter = self.unknown_by_source.setdefault(source, Counter())
        for sensor_id, count in unknown.items():
            if sensor_id in counter or len(counter) < _MAX_UNKNOWN_IDS:
                counter[sensor_id] += count
            self.unknown_total_by_source[source] += count

    def apply_live(self, result: IngestResult) -> None:
        """Take the newest live reading of each sensor as its live state."""
        live_index = np.flatnonzero(result.live)
        if live_index.size == 0:
            return
        rows = result.rows[live_index]
        last = np.ones(len(rows), dtype=bool)
        last[:-1] = rows[1:] != rows[:-1]
        newest = live_index[last]
        rows = result.rows[newest]
        self.value[rows] = result.value[newest]
        self.t_ms[rows] = result.t_ms[newest]
        self.quality[rows] = result.quality[newest]
        woke = rows[self.status[rows] != SensorStatus.LIVE]
        self.status[rows] = SensorStatus.LIVE
        self.mark_changed(rows, style=False)
        self.mark_changed(woke, style=True)

    def apply_mirrored(self, rows: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        """Take live columns computed by the engine that owns this state elsewhere (another process).

        The only writer of a window's mirror table: ``columns`` holds one value per
        row for some of ``LIVE_COLUMNS`` (and ``levels``/``rule`` when the engine
        bound its rules). Rows whose symbol changes are marked as style changes.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        for name in columns:
            if name not in LIVE_COLUMNS and name not in ("levels", "rule"):
                raise ValueError(f"{name!r} is not a live sensor column")
        restyled = np.zeros(rows.size, dtype=bool)
        for name in _STYLE_COLUMNS:
            if name in columns:
                restyled |= getattr(self, name)[rows] != columns[name]
        for name, values in columns.items():
            getattr(self, name)[rows] = values
        self.mark_changed(rows, style=False)
        self.mark_changed(rows[restyled], style=True)

    # --- status -------------------------------------------------------
    def set_status(self, rows, status: SensorStatus) -> np.ndarray:
        """Set the status of ``rows``; returns the rows whose status changed."""
        rows = np.asarray(rows, dtype=np.int64)
        changed = rows[self.status[rows] != status]
        self.status[changed] = status
        self.mark_changed(changed, style=True)
        return changed

    def sensor_record(self, row: int) -> dict:
        """The attributes and live state of one sensor as plain Python values."""
        t = int(self.t_ms[row])
        return {
            "id": self.ids[row],
            "name": self.name[row],
            "quantity": self.quantity[row],
            "unit": self.unit[row],
            "category": self.category[row],
            "family": self.family[row],
            "district": self.district[row],
            "owner": self.owner[row],
            "value": float(self.value[row]),
            "t_ms": None if t == NO_TIME else t,
            "quality": Quality(int(self.quality[row])).name.lower(),
            "level": int(self.level[row]),
            "status": SensorStatus(int(self.status[row])).name.lower(),
            "alarm_id": int(self.alarm_id[row]),
            "fault": [f.name.lower() for f in SensorFault if f and self.fault[row] & f],
            "fault_id": int(self.fault_id[row]),
            "rule": self.rule[row],
            "levels": [float(v) for v in self.levels[row]],
        }


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _text_column(values, n: int | None = None, name: str = "", source: str = "") -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    column = np.empty(len(values), dtype=object)
    column[:] = [_text(v) for v in values]
    if n is not None and len(column) != n:
        raise InputError(source, f"{len(column)} values for {n} sensors", key=name)
    return column


def _float_column(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    column = np.asarray(values, dtype=np.float64).copy()
    if column.shape != (n,):
        raise ValueError(f"expected {n} positions, got shape {column.shape}")
    return column


def _numeric_field(frame, name: str, ids: list[str], source: str) -> np.ndarray:
    import pandas as pd

    raw = frame[name]
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    blank = raw.isna().to_numpy() | raw.astype(str).str.strip().isin(["", "nan", "NaN", "None"]).to_numpy()
    bad = np.isnan(numbers) & ~blank
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(source, f"sensor {ids[row]}: {raw.iloc[row]!r} is not a number", key=name)
    return numbers
