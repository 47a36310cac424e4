"""The real events of a scenario: how each one moves the sensors it touches, minute by minute.

Every model returns an ``Event`` holding, for the sensors it touches, the change
it adds to their normal values on a one-minute grid. The shapes are simple
physical models, not simulations: a Chicago design-storm hyetograph with
linear-reservoir responses for the flood family, exponential decay with distance
and a travel lag for a gas leak, a self-heating runaway for a tank, and load
pulses for a bridge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from console.errors import InputError
from console.feeds.scenario.sensors import SensorSet


@dataclass
class Event:
    """One real event.

    Attributes
    ----------
    kind : str
        ``rainstorm``, ``gas-leak``, ``hazmat-tank`` or ``bridge-overload``.
    onset_min, end_min : float
        When the physical event starts and stops, minutes from the feed start.
    rows : ndarray of int
        Sensor rows the event moves.
    delta : ndarray of float32, shape (len(rows), minutes)
        Added to those sensors' normal values.
    parameters : dict
        What the event was made from (site, storm parameters...), for the truth file.
    cap : list of (minute, xml)
        CAP warnings the event brings, issued at that minute; ``{sent}``, ``{expires}``
        and ``{identifier}`` in the XML are filled in when the feed is written.
    """

    kind: str
    onset_min: float
    end_min: float
    rows: np.ndarray
    delta: np.ndarray
    parameters: dict = field(default_factory=dict)
    cap: list[tuple[float, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StormParameters:
    """A Chicago design storm from the storm-intensity formula q = 167·A1·(1 + C·lg P) / (t + b)^n.

    q is in L/(s·ha) and t in minutes; i = q / 167 is the intensity in mm/min. The
    defaults are the classic formula of a central-China city (167·A1 = 983,
    C = 0.65, b = 4, n = 0.56).
    """

    return_period_y: float = 50.0
    peak_position: float = 0.4
    duration_min: int = 180
    a1: float = 5.886
    c: float = 0.65
    b: float = 4.0
    n: float = 0.56

    @property
    def a(self) -> float:
        return self.a1 * (1 + self.c * math.log10(self.return_period_y))

    def depth_mm(self, duration_min: float) -> float:
        """Design depth over the most intense ``duration_min`` minutes (the IDF curve)."""
        return self.a * duration_min / (duration_min + self.b) ** self.n

    def check(self) -> None:
        if not 0 < self.peak_position < 1:
            raise InputError("scenario", f"storm peak position must lie between 0 and 1, not {self.peak_position}")
        if self.return_period_y <= 0 or self.duration_min < 10 or self.n <= 0 or self.b <= 0 or self.a1 <= 0:
            raise InputError("scenario", "storm parameters must be positive and the storm at least 10 minutes long")


def chicago_hyetograph(params: StormParameters) -> np.ndarray:
    """Rain intensity (mm/min) of each minute of the storm, sampled at the minute's middle."""
    a, b, n, r = params.a, params.b, params.n, params.peak_position
    t = np.arange(params.duration_min) + 0.5
    peak = r * params.duration_min
    before = np.maximum(peak - t, 0) / r
    after = np.maximum(t - peak, 0) / (1 - r)
    since = np.where(t < peak, before, after)
    return a * ((1 - n) * since + b) / (since + b) ** (1 + n)


def linear_reservoir(inflow: np.ndarray, k_min: np.ndarray) -> np.ndarray:
    """Outflow of linear reservoirs (storage = K·outflow), one per row, stepped by the minute."""
    out = np.zeros_like(inflow)
    level = np.zeros(inflow.shape[0])
    rate = 1.0 / np.maximum(k_min, 1.0)
    for minute in range(inflow.shape[1]):
        level = level + (inflow[:, minute] - level) * rate
        out[:, minute] = level
    return out


def delayed(series: np.ndarray, lag_min: np.ndarray) -> np.ndarray:
    """Each row shifted later by its lag (whole minutes), zeros before."""
    minutes = series.shape[1]
    source = np.arange(minutes)[None, :] - np.rint(lag_min).astype(np.int64)[:, None]
    rows = np.arange(series.shape[0])[:, None]
    return np.where(source >= 0, series[rows, np.clip(source, 0, minutes - 1)], 0.0)


def _rolling_sum(series: np.ndarray, window: int) -> np.ndarray:
    total = np.cumsum(series, axis=1)
    out = total.copy()
    out[:, window:] -= total[:, :-window]
    return out


# --- rainstorm ------------------------------------------------------------------------------


def rainstorm(sensors: SensorSet, base: np.ndarray, minutes: int, onset_min: float, rng: np.random.Generator,
              params: StormParameters) -> Event:
    """A design storm crossing the city: rain gauges, river levels, drainage pipes, waterlogging."""
    params.check()
    gauge, river, pipe, pond = (sensors.rows(q) for q in ("rain_1h", "river_level", "pipe_fill", "depth"))
    flood = np.concatenate((gauge, river, pipe, pond))
    if len(flood) == 0:
        raise InputError("scenario", "rainstorm: the sensor layer has no rain_1h, river_level, pipe_fill or depth sensors")
    hyetograph = chicago_hyetograph(params)
    x, y = sensors.x_m, sensors.y_m
    x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
    # The cell's core passes over the built-up city: near one of its flood sensors.
    core = int(rng.choice(flood))
    centre = (x[core] + rng.uniform(-500, 500), y[core] + rng.uniform(-500, 500))
    spread_m = max(0.15 * math.hypot(x1 - x0, y1 - y0), 1000.0)
    heading = rng.uniform(0, 2 * math.pi)
    speed_m_per_min = rng.uniform(300, 600)  # 18-36 km/h, a typical cell speed

    def field_at(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rain factor and arrival shift (minutes) of the storm at sensor positions."""
        dx, dy = x[rows] - centre[0], y[rows] - centre[1]
        # A storm cell: the design storm (and a little more) at its core, a sixth of it far away.
        factor = 0.15 + 1.0 * np.exp(-(dx**2 + dy**2) / spread_m**2)
        shift = (dx * math.cos(heading) + dy * math.sin(heading)) / speed_m_per_min
        return factor, shift

    def intensity(rows: np.ndarray) -> np.ndarray:
        factor, shift = field_at(rows)
        since = np.arange(minutes)[None, :] + 0.5 - onset_min - shift[:, None]
        at = np.interp(since, np.arange(len(hyetograph)) + 0.5, hyetograph, left=0.0, right=0.0)
        at[(since < 0) | (since > len(hyetograph))] = 0.0
        return at * factor[:, None]

    deltas = []
    if len(gauge):
        deltas.append(_rolling_sum(intensity(gauge), 60))
    if len(river):
        deltas.append(_river(sensors, base, river, hyetograph, minutes, onset_min, rng))
    if len(pipe):
        # Pipes run full at the 15-minute intensity of a 2-year storm (a common design standard).
        design = StormParameters(2.0, params.peak_position, params.duration_min, params.a1, params.c, params.b,
                                 params.n)
        capacity = design.depth_mm(15) / 15 * rng.uniform(0.7, 1.3, len(pipe))
        flow = linear_reservoir(intensity(pipe), rng.uniform(8, 16, len(pipe)))
        fill_base = base[pipe]
        deltas.append(np.minimum((100 - fill_base)[:, None] * (flow / capacity[:, None]) ** 0.75, 150 - fill_base[:, None]))
    if len(pond):
        deltas.append(_ponding(intensity(pond), rng))
    rows = np.concatenate([r for r in (gauge, river, pipe, pond) if len(r)])
    delta = np.concatenate(deltas).astype(np.float32)
    keep = np.abs(delta).max(axis=1) > 0
    end = onset_min + params.duration_min
    depth_3h = params.depth_mm(min(180, params.duration_min))
    colour, colour_zh = ("red", "红色") if depth_3h >= 100 else ("orange", "橙色") if depth_3h >= 50 else ("yellow", "黄色")
    parameters = {
        "return_period_y": params.return_period_y, "peak_position": params.peak_position,
        "duration_min": params.duration_min, "a1": params.a1, "c": params.c, "b": params.b, "n": params.n,
        "peak_intensity_mm_per_min": round(float(hyetograph.max()), 3),
        "depth_1h_mm": round(params.depth_mm(60), 1), "depth_3h_mm": round(depth_3h, 1),
        "centre_m": [round(float(centre[0]), 1), round(float(centre[1]), 1)],
        "heading_deg": round(math.degrees(heading), 1), "speed_m_per_min": round(speed_m_per_min, 1),
    }
    cap = [(max(0.0, onset_min - 20), _rainstorm_cap(colour, colour_zh, depth_3h))]
    return Event("rainstorm", onset_min, end, rows[keep], delta[keep], parameters, cap)


def _river(sensors, base, rows, hyetograph, minutes, onset_min, rng) -> np.ndarray:
    """River gauges: catchment rain through a linear reservoir, lagged, scaled to the gauge's banks."""
    since = np.arange(minutes) + 0.5 - onset_min
    catchment = np.interp(since, np.arange(len(hyetograph)) + 0.5, hyetograph, left=0.0, right=0.0) * 0.8
    inflow = np.repeat(catchment[None, :], len(rows), axis=0)
    flow = delayed(linear_reservoir(inflow, rng.uniform(60, 150, len(rows))), rng.uniform(20, 80, len(rows)))
    levels = sensors.levels[rows]
    # Most gauges rise past the guarantee level into level II or I; some only into level IV.
    strong = rng.random(len(rows)) < 0.7
    target = np.where(strong, rng.uniform(levels[:, 2] + 0.05, levels[:, 3] + 0.3),
                      rng.uniform(levels[:, 0] + 0.1, levels[:, 1] - 0.02))
    peak = np.maximum(flow.max(axis=1), 1e-9)
    rise = np.where(np.isfinite(target), (target - base[rows]) / peak, 0.0)
    return flow * rise[:, None]


def _ponding(rain: np.ndarray, rng) -> np.ndarray:
    """Water depth (cm) at low points: rain beyond the inlets' capacity ponds, then drains away."""
    n = rain.shape[0]
    capacity = rng.uniform(0.8, 1.6, n)  # mm/min the inlets take
    gather = rng.uniform(15, 35, n)  # catchment area / ponding area
    drain = rng.uniform(0.5, 1.5, n)  # cm/min once the rain eases
    depth = np.zeros(n)
    out = np.zeros_like(rain)
    for minute in range(rain.shape[1]):
        excess = rain[:, minute] - capacity
        depth = np.where(excess > 0, depth + excess * gather / 10, np.maximum(depth - drain, 0))
        depth = np.minimum(depth, 80.0)
        out[:, minute] = depth
    return out


def _rainstorm_cap(colour: str, colour_zh: str, depth_3h: float) -> str:
    """A CAP 1.2 rainstorm warning; ``{sent}``, ``{expires}`` and ``{identifier}`` are filled in when written."""
    return (
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        "<identifier>{identifier}</identifier><sender>weather-observatory@city.example</sender>"
        "<sent>{sent}</sent><status>Exercise</status><msgType>Alert</msgType><scope>Public</scope>"
        "<info><language>zh-CN</language><category>Met</category>"
        f"<event>暴雨{colour_zh}预警 Rainstorm {colour} warning</event><urgency>Immediate</urgency>"
        f"<severity>{'Extreme' if colour == 'red' else 'Severe'}</severity><certainty>Likely</certainty>"
        "<expires>{expires}</expires><senderName>市气象台 City Meteorological Observatory</senderName>"
        f"<headline>暴雨{colour_zh}预警 Rainstorm {colour} warning</headline>"
        f"<description>Expected rainfall about {depth_3h:.0f} mm within 3 hours.</description>"
        "<area><areaDesc>全市 Whole city</areaDesc></area></info></alert>"
    )


# --- gas leak -------------------------------------------------------------------------------


def _rise_and_fall(minutes: int, start: np.ndarray, stop: np.ndarray, tau_on: float, tau_off: float) -> np.ndarray:
    """1 - exp rise from ``start`` (per row), then exponential fall from ``stop``."""
    t = np.arange(minutes)[None, :].astype(np.float64)
    start, stop = start[:, None], stop[:, None]
    rising = 1 - np.exp(-np.maximum(t - start, 0) / tau_on)
    at_stop = 1 - np.exp(-np.maximum(stop - start, 0) / tau_on)
    falling = at_stop * np.exp(-np.maximum(t - stop, 0) / tau_off)
    return np.where(t < start, 0.0, np.where(t < stop, rising, falling))


def gas_leak(sensors: SensorSet, base: np.ndarray, minutes: int, onset_min: float, rng: np.random.Generator,
             duration_min: float) -> Event:
    """A leak on a gas main: gas spreads along the main and into adjacent spaces; pressure sags nearby."""
    lel = sensors.rows("gas_lel")
    if len(lel) == 0:
        raise InputError("scenario", "gas-leak: the sensor layer has no gas_lel sensors")
    asset = sensors.asset
    # For each gas sensor: how many others watch the same main within 600 m.
    counts = np.zeros(len(lel), dtype=np.int64)
    order = np.argsort(asset[lel], kind="stable")
    names, first = np.unique(asset[lel][order], return_index=True)
    for name, lo, hi in zip(names, first, list(first[1:]) + [len(lel)], strict=True):
        if not name:
            continue
        group = order[lo:hi]
        dx = sensors.x_m[lel[group]][:, None] - sensors.x_m[lel[group]][None, :]
        dy = sensors.y_m[lel[group]][:, None] - sensors.y_m[lel[group]][None, :]
        counts[group] = (np.hypot(dx, dy) <= 600).sum(axis=1) - 1
    candidates = lel[counts >= 2] if (counts >= 2).any() else lel[counts == counts.max()]
    leak = int(rng.choice(candidates))
    spread = sensors.rows("gas_lel", "tunnel_ch4")
    distance = sensors.distance_m(leak, spread)
    on_main = (asset[spread] == asset[leak]) & (asset[leak] != "")
    # Gas runs along the pipe trench; soil slows it into other spaces.
    effective = np.where(on_main | (spread == leak), distance, distance * 1.8)
    near = effective <= 700
    spread, effective = spread[near], effective[near]
    peak = rng.uniform(60, 85)
    decay_m, speed_m_per_min = 180.0, 15.0
    lag = effective / speed_m_per_min
    stop = onset_min + duration_min + lag
    shape = _rise_and_fall(minutes, onset_min + lag, stop, 15.0, 20.0)
    lel_delta = peak * np.exp(-effective / decay_m)[:, None] * shape
    pressure = sensors.rows("gas_pressure")
    p_distance = sensors.distance_m(leak, pressure)
    p_same = (asset[pressure] == asset[leak]) & (asset[leak] != "")
    p_near = p_distance <= 2000
    pressure, p_distance, p_same = pressure[p_near], p_distance[p_near], p_same[p_near]
    sag = 0.1 * np.exp(-p_distance / 1500) * np.where(p_same, 1.0, 0.5)
    p_shape = _rise_and_fall(minutes, np.full(len(pressure), onset_min), np.full(len(pressure), onset_min + duration_min),
                             15.0, 10.0)
    rows = np.concatenate((spread, pressure))
    delta = np.concatenate((lel_delta, -sag[:, None] * p_shape)).astype(np.float32)
    parameters = {"leak_sensor": str(sensors.ids[leak]), "asset": str(asset[leak]),
                  "leak_xy_m": [round(float(sensors.x_m[leak]), 1), round(float(sensors.y_m[leak]), 1)],
                  "peak_lel": round(float(peak), 1), "duration_min": duration_min,
                  "spread_speed_m_per_min": speed_m_per_min, "decay_length_m": decay_m}
    return Event("gas-leak", onset_min, onset_min + duration_min, rows, delta, parameters)


# --- hazmat tank ------------------------------------------------------------------------------


def hazmat_tank(sensors: SensorSet, base: np.ndarray, minutes: int, onset_min: float, rng: np.random.Generator) -> Event:
    """A storage tank running hot: temperature runs away, pressure follows, the relief valve may vent."""
    temps = sensors.rows("tank_temperature")
    if len(temps) == 0:
        raise InputError("scenario", "hazmat-tank: the sensor layer has no tank_temperature sensors")
    hot = int(rng.choice(temps))
    site = sensors.rows("tank_temperature", "tank_pressure", "hazmat_lel")
    site = site[sensors.distance_m(hot, site) <= 300]
    pressures = site[sensors.quantity[site] == "tank_pressure"]
    same_tank = pressures[(sensors.asset[pressures] == sensors.asset[hot]) & (sensors.asset[hot] != "")]
    pool = same_tank if len(same_tank) else pressures
    hot_pressure = int(pool[np.argmin(sensors.distance_m(hot, pool))]) if len(pool) else -1
    runaway_min, tau = 75.0, 25.0
    t = np.arange(minutes) - onset_min
    heating = np.where(t < 0, 0.0, (np.exp(np.clip(t, 0, runaway_min) / tau) - 1) / (math.exp(runaway_min / tau) - 1))
    cooling_from = runaway_min + 10  # cooling water on after ten minutes at the top
    heating = np.where(t > cooling_from, np.exp(-(t - cooling_from) / 40.0), heating)
    rise_c = rng.uniform(40, 50)
    rows, deltas = [], []
    for row in site:
        quantity = sensors.quantity[row]
        primary = row in (hot, hot_pressure)
        share = 1.0 if primary else 0.45  # neighbouring tanks warm from the fire-water mist and radiant heat
        if quantity == "tank_temperature":
            deltas.append(rise_c * share * heating)
        elif quantity == "tank_pressure":
            deltas.append(0.009 * rise_c * share * heating)  # MPa per °C: the vapour pressure of the stored liquid
        else:
            continue
        rows.append(row)
    venting = (base[hot_pressure] + 0.009 * rise_c * heating >= 0.85) if hot_pressure >= 0 else np.zeros(minutes, bool)
    for row in site[sensors.quantity[site] == "hazmat_lel"]:
        if venting.any():
            rows.append(row)
            deltas.append(rng.uniform(15, 30) * np.convolve(venting.astype(float), np.ones(5) / 5, mode="same"))
    parameters = {"tank_sensor": str(sensors.ids[hot]), "asset": str(sensors.asset[hot]),
                  "temperature_rise_c": round(float(rise_c), 1), "runaway_min": runaway_min}
    end = onset_min + cooling_from + 120
    return Event("hazmat-tank", onset_min, end, np.array(rows, dtype=np.int64),
                 np.array(deltas, dtype=np.float32).reshape(len(rows), minutes), parameters)


# --- bridge overload --------------------------------------------------------------------------


def bridge_overload(sensors: SensorSet, base: np.ndarray, minutes: int, onset_min: float,
                    rng: np.random.Generator) -> Event:
    """A convoy of overweight lorries crossing one bridge: strain and deflection pulses."""
    gauges = sensors.rows("strain", "deflection")
    if len(gauges) == 0:
        raise InputError("scenario", "bridge-overload: the sensor layer has no strain or deflection sensors")
    strain = sensors.rows("strain")
    first = int(rng.choice(strain if len(strain) else gauges))
    same = (sensors.asset[gauges] == sensors.asset[first]) & (sensors.asset[first] != "")
    bridge = gauges[same] if same.any() else gauges[sensors.distance_m(first, gauges) <= 300]
    pulses = int(rng.integers(5, 9))
    starts = np.sort(rng.uniform(0, 40, pulses)) + onset_min
    lengths = rng.integers(2, 5, pulses)
    load = np.zeros(minutes)
    t = np.arange(minutes)
    for start, length in zip(starts, lengths, strict=True):
        on = (t >= math.floor(start)) & (t < math.floor(start) + length)
        load = np.maximum(load, on * rng.uniform(0.9, 1.1))
    rows, deltas = [], []
    for row in bridge:
        if sensors.quantity[row] == "strain":
            deltas.append(rng.uniform(750, 1000) * load)
        else:
            deltas.append(rng.uniform(45, 70) * load)
        rows.append(row)
    parameters = {"bridge": str(sensors.asset[first]) or str(sensors.ids[first]), "crossings": pulses}
    end = float(starts[-1] + lengths[-1])
    return Event("bridge-overload", onset_min, end, np.array(rows, dtype=np.int64),
                 np.array(deltas, dtype=np.float32).reshape(len(rows), minutes), parameters)
