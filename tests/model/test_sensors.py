"""SensorTable: building from layers and frames, ingesting batches, change tracking."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from console.errors import InputError
from console.model.readings import Quality
from console.model.sensors import NO_TIME, SensorStatus, SensorTable
from tests.model.helpers import MINUTE, T0, batch, make_table


def sensor_frame(**overrides) -> pd.DataFrame:
    columns = {
        "id": ["GAS-00001", "GAS-00002", "WL-00001"],
        "name": ["Gas 1", "Gas 2", "River gauge"],
        "category": ["gas", "gas", "water_level"],
        "quantity": ["gas_lel", "gas_lel", "river_level"],
        "unit": ["%LEL", "%LEL", "m"],
        "district": ["East", "West", "East"],
        "owner": ["City Gas", "City Gas", "Water Authority"],
        "th_iv": [np.nan, 4.0, 3.5],
        "th_iii": [np.nan, np.nan, 4.0],
        "th_ii": [np.nan, np.nan, 4.7],
        "th_i": [np.nan, np.nan, 5.0],
    }
    columns.update(overrides)
    return pd.DataFrame(columns)


def test_frame_gives_columns_families_and_threshold_overrides():
    table = SensorTable.from_frame(sensor_frame(), "sensors.geojson")
    assert table.ids.tolist() == ["GAS-00001", "GAS-00002", "WL-00001"]
    assert table.family.tolist() == ["lifeline", "lifeline", "flood"]
    assert table.owner.tolist() == ["City Gas", "City Gas", "Water Authority"]
    assert np.isnan(table.thresholds[0]).all()
    assert table.thresholds[1].tolist()[0] == 4.0 and np.isnan(table.thresholds[1, 1:]).all()
    assert table.thresholds[2].tolist() == [3.5, 4.0, 4.7, 5.0]
    assert table.row_of("WL-00001") == 2
    assert table.rows_of(["WL-00001", "nope", "GAS-00001"]).tolist() == [2, -1, 0]
    assert (table.status == SensorStatus.NO_DATA).all() and (table.t_ms == NO_TIME).all()


@pytest.mark.parametrize(
    ("overrides", "drop", "message"),
    [
        ({"id": ["A", "A", "B"]}, None, "not unique: A"),
        ({"id": ["A", "", "B"]}, None, "sensor 2 has no id"),
        ({"category": ["gas", "gaz", "water_level"]}, None, "category 'gaz' is not one of"),
        ({"th_iii": [np.nan, "high", np.nan]}, None, "'high' is not a number"),
        ({}, "quantity", "needs the fields quantity"),
    ],
)
def test_bad_sensor_frames_name_the_source_and_field(overrides, drop, message):
    frame = sensor_frame(**overrides)
    if drop:
        frame = frame.drop(columns=drop)
    with pytest.raises(InputError, match=message) as error:
        SensorTable.from_frame(frame, "sensors.geojson")
    assert error.value.source == "sensors.geojson"


def test_from_layers_reads_a_geojson_with_positions_and_ground_scale(tmp_path):
    from console.geo.readers import read_layers

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.47 + i * 0.001, 31.23]},
            "properties": {
                "id": f"WLG-0000{i}",
                "name": f"Underpass {i}",
                "category": "waterlogging",
                "quantity": "depth",
                "unit": "cm",
                "district": "Huangpu",
                "owner": "Drainage Office",
            },
        }
        for i in range(3)
    ]
    path = tmp_path / "sensors.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    layers = read_layers(path)
    table = SensorTable.from_layers(layers)
    assert table.ids.tolist() == ["WLG-00000", "WLG-00001", "WLG-00002"]
    assert table.layer_slices == {layers[0].name: slice(0, 3)}
    # 0.001 degree of longitude at 31.23 N is about 95 m on the ground, 111 m in Web Mercator.
    ground = (table.x[1] - table.x[0]) * table.ground_scale[0]
    assert ground == pytest.approx(111_319.49 * 0.001 * math.cos(math.radians(31.23)), rel=1e-3)


def test_ingest_rejects_bad_values_with_line_numbers_and_counts_unknown_ids():
    table = make_table([("GAS-00001", "gas_lel"), ("GAS-00002", "gas_lel")])
    result = table.ingest(
        batch(
            [
                ("GAS-00001", T0, 1.0),
                ("GAS-00002", T0, "abc"),
                ("GAS-00009", T0, 1.0),
                ("GAS-00001", T0 + MINUTE, "nan"),
                ("GAS-00002", T0 + MINUTE, "inf"),
                ("GAS-00009", T0 + MINUTE, 2.0),
                ("XX-1", T0, 1.0),
                ("GAS-00002", T0 + 2 * MINUTE, "2.5"),
            ]
        ),
        source="feed.jsonl",
    )
    assert result.rejected_line.tolist() == [2, 4, 5]
    assert result.rejected_sensor.tolist() == ["GAS-00002", "GAS-00001", "GAS-00002"]
    assert result.rejected_reason.tolist() == ["value is not numeric: 'abc'", "value is NaN", "value is infinite"]
    assert result.n_unknown == 3 and result.unknown == {"GAS-00009": 2, "XX-1": 1}
    assert dict(table.unknown_by_source["feed.jsonl"]) == {"GAS-00009": 2, "XX-1": 1}
    assert table.unknown_total_by_source["feed.jsonl"] == 3
    assert table.value.tolist() == [1.0, 2.5]
    assert table.t_ms.tolist() == [T0, T0 + 2 * MINUTE]


def test_duplicates_are_idempotent_and_old_readings_go_to_history_only():
    table = make_table([("GAS-00001", "gas_lel")])
    first = table.ingest(batch([("GAS-00001", T0 + 2 * MINUTE, 3.0), ("GAS-00001", T0 + 2 * MINUTE, 3.0)]))
    assert first.n_accepted == 1 and first.n_duplicate == 1
    version = table.version
    again = table.ingest(batch([("GAS-00001", T0 + 2 * MINUTE, 3.0)]))
    assert again.n_accepted == 0 and again.n_duplicate == 1
    assert table.version == version  # nothing changed, nothing to redraw
    late = table.ingest(batch([("GAS-00001", T0 + MINUTE, 9.0), ("GAS-00001", T0 + 2 * MINUTE, 4.0)]))
    assert late.n_accepted == 1 and late.n_history_only == 1 and not late.live.any()
    assert late.rejected_reason.tolist() == ["a different value for a time that already has one"]
    assert late.rejected_line.tolist() == [2]
    assert table.value[0] == 3.0 and table.t_ms[0] == T0 + 2 * MINUTE


def test_readings_in_a_batch_are_taken_in_time_order_whatever_their_order():
    table = make_table([("GAS-00001", "gas_lel"), ("GAS-00002", "gas_lel")])
    result = table.ingest(
        batch([("GAS-00002", T0 + 3, 7.0), ("GAS-00001", T0 + 2, 2.0), ("GAS-00002", T0 + 1, 6.0), ("GAS-00001", T0 + 5, 1.0)])
    )
    assert result.rows.tolist() == [0, 0, 1, 1]
    assert result.t_ms.tolist() == [T0 + 2, T0 + 5, T0 + 1, T0 + 3]
    assert table.value.tolist() == [1.0, 7.0]


def test_integer_sensor_column_is_taken_as_rows():
    table = make_table([("GAS-00001", "gas_lel"), ("GAS-00002", "gas_lel")])
    readings = batch([("x", T0, 1.0), ("y", T0, 2.0), ("z", T0, 3.0)])
    readings.sensor = np.array([1, 0, 7], dtype=np.int32)
    result = table.ingest(readings, "rows")
    assert table.value.tolist() == [2.0, 1.0]
    assert result.n_unknown == 1


def test_changed_since_tells_views_which_rows_to_redraw():
    table = make_table([("GAS-00001", "gas_lel"), ("GAS-00002", "gas_lel"), ("GAS-00003", "gas_lel")])
    seen = table.version
    table.ingest(batch([("GAS-00002", T0, 1.0)]))
    assert table.changed_since(seen).tolist() == [1]
    # Waking from no data changes the symbol; a later value alone does not.
    assert table.changed_since(seen, style_only=True).tolist() == [1]
    seen = table.version
    table.ingest(batch([("GAS-00002", T0 + 1, 2.0), ("GAS-00003", T0 + 1, 2.0)]))
    assert table.changed_since(seen).tolist() == [1, 2]
    assert table.changed_since(seen, style_only=True).tolist() == [2]
    seen = table.version
    table.set_status([0, 2], SensorStatus.OFFLINE)
    assert table.changed_since(seen, style_only=True).tolist() == [0, 2]
    assert table.status.tolist() == [SensorStatus.OFFLINE, SensorStatus.LIVE, SensorStatus.OFFLINE]


def test_bad_quality_is_kept_as_the_live_value():
    table = make_table([("GAS-00001", "gas_lel")])
    table.ingest(batch([("GAS-00001", T0, 80.0)], quality=[Quality.BAD]))
    assert table.value[0] == 80.0 and table.quality[0] == Quality.BAD
    assert table.sensor_record(0)["quality"] == "bad"
