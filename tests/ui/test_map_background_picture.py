"""The map's background picture thread: a layer removed while its picture is drawn, or a layer that
fails to draw, never kills the thread; a failure is logged and reported, and the next picture comes."""

from __future__ import annotations

import logging

import shapely

from console.model.layer import GeometryKind
from console.ui.map.canvas import StaticPictureWorker
from console.ui.map.renderer import MapRenderer
from console.ui.map.view import BACKGROUND, ViewState
from tests.ui.conftest import DISTRICT_FILL, make_layer

VIEW = ViewState.fit((-5_000, -5_000, 25_000, 15_000), 600, 400)
OTHER_FILL = "#C04040"


class Broken:
    """A layer painter that fails the way a painter racing a layer change would."""

    def paint(self, painter, view):
        raise KeyError("a style entry changed under the painter")


def colour(picture, x_m: float, y_m: float) -> str:
    x, y = VIEW.to_pixel(x_m, y_m)
    return picture.static.pixelColor(int(x), int(y)).name().upper()


def second_layer():
    return make_layer("other", GeometryKind.POLYGON, [shapely.box(10_000, 0, 20_000, 10_000)],
                      {"fill": OTHER_FILL, "stroke": "#333333", "width": 1.0})


def drawn(qtbot, worker, layers, generation):
    with qtbot.waitSignal(worker.done, timeout=10_000) as blocker:
        worker.request(VIEW, layers, len(layers), generation)
    return blocker.args[0]


def test_a_layer_removed_before_its_picture_is_drawn_is_left_out(qapp, qtbot, districts):
    renderer = MapRenderer()
    other = second_layer()
    renderer.add_layer(districts)
    renderer.add_layer(other)
    worker = StaticPictureWorker(renderer)
    try:
        layers = list(renderer.layers)  # the list the GUI thread handed over ...
        renderer.remove_layer(other)  # ... before the GUI thread removed a layer
        picture = drawn(qtbot, worker, layers, 3)
        assert picture.generation == 3
        assert colour(picture, 2_000, 2_000) == DISTRICT_FILL
        assert colour(picture, 18_000, 2_000) != OTHER_FILL
        assert worker._thread.is_alive()
    finally:
        worker.stop()


def test_a_picture_that_fails_is_logged_and_reported_and_the_next_one_is_drawn(qapp, qtbot, districts, caplog):
    renderer = MapRenderer()
    other = second_layer()
    renderer.add_layer(districts)
    renderer.add_layer(other)
    good = renderer.painters[id(other)]
    renderer.painters[id(other)] = Broken()
    worker = StaticPictureWorker(renderer)
    try:
        with (caplog.at_level(logging.ERROR, logger="console.ui.map.canvas"),
              qtbot.waitSignal(worker.failed, timeout=10_000) as blocker):
            worker.request(VIEW, renderer.layers, 2, 7)
        assert blocker.args == [7]
        [record] = [r for r in caplog.records if r.name == "console.ui.map.canvas"]
        assert "generation 7" in record.getMessage() and "could not be drawn" in record.getMessage()
        assert record.exc_info[0] is KeyError

        renderer.painters[id(other)] = good
        picture = drawn(qtbot, worker, renderer.layers, 8)
        assert colour(picture, 18_000, 2_000) == OTHER_FILL
        assert colour(picture, -3_000, -3_000) == BACKGROUND.upper()
    finally:
        worker.stop()
