"""A pipe network as a graph, and the trace from a leak to the valves that isolate it.

The pipes are cut at their valves into segments. Two graphs are built once, with
``scipy.sparse.csgraph``: the network as it runs (valves open: a valve is one node
joining the segments on its two sides) and the network with every valve shut (each
side of a valve is a node of its own, so a valve is a cut point). A connected part of
the second graph is an isolation section: the segments that go dry together once the
valves around them are closed. Sections are labelled when the network is built, so a
trace is a look-up plus one labelling of the running graph without the section, which
says what else loses its supply.

Pipes meet where they share an end point (within ``SNAP_M``); a pipe layer whose
pipes rarely share ends is reported as not a connected network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.ops import substring

from console.impact.ground import scale

__all__ = ["PipeNetwork", "Trace"]

SNAP_M = 0.5  # pipe ends closer than this are one junction
END_TOLERANCE_M = 0.05  # a valve this close to a pipe end sits at that end
LOOSE_SHARE = 0.5  # a network where fewer of the pipe ends meet another pipe is not connected


@dataclass
class Trace:
    """What closing the valves around a leak does.

    Attributes
    ----------
    start_segment : int
        The segment the sensor stands on.
    section : ndarray of int
        Segments between the valves to close (the leak's section).
    valves : ndarray of int
        Rows of the valves layer to close.
    beyond : ndarray of int
        Segments outside the section that lose their supply too (fed only through it).
    distance_m : float
        From the sensor to its segment.
    messages : list of (code, dict)
        What limits the answer (no valve around the section, ...).
    """

    start_segment: int
    section: np.ndarray
    valves: np.ndarray
    beyond: np.ndarray
    distance_m: float
    messages: list = field(default_factory=list)

    @property
    def cut_off(self) -> np.ndarray:
        return np.concatenate([self.section, self.beyond])


class PipeNetwork:
    """The pipes of one network cut at its valves, with both graphs and a segment index.

    Parameters
    ----------
    lines : array of shapely LineStrings
        The pipes, in the display CRS (Web Mercator metres).
    pipe_ids : array of str
        One id per pipe (shown in results, matched against a sensor's ``asset``).
    valves : array of shapely Points
        The valves, in the display CRS.
    valve_snap_m : float
        A valve farther than this from every pipe sits on none.
    """

    def __init__(self, lines, pipe_ids, valves, valve_snap_m: float = 5.0):
        lines = np.asarray(lines, dtype=object)
        parts, owner = shapely.get_parts(lines, return_index=True)
        keep = ~shapely.is_empty(parts) & (shapely.length(parts) > 0)
        self.parts, self.owner = parts[keep], owner[keep]
        self.pipe_ids = np.asarray([str(p) for p in pipe_ids], dtype=object)
        self.valve_points = np.asarray(valves, dtype=object)
        self.messages: list = []
        self._cut(valve_snap_m)
        self._graphs()

    # --- building ---------------------------------------------------------------------
    def _cut(self, valve_snap_m: float) -> None:
        """Segments between the valves, their end nodes and each valve's two sides."""
        parts = self.parts
        n_valves = len(self.valve_points)
        valve_part = np.full(n_valves, -1)
        valve_at = np.zeros(n_valves)
        if n_valves and len(parts):
            vy = shapely.get_coordinates(self.valve_points)[:, 1]
            tree = shapely.STRtree(parts)
            rows, hit = tree.query_nearest(self.valve_points, max_distance=float(valve_snap_m / scale(vy).min()),
                                           all_matches=False)
            valve_part[rows] = hit
            valve_at[rows] = shapely.line_locate_point(parts[hit], self.valve_points[rows])
        self.valves_on_no_pipe = np.flatnonzero(valve_part < 0)

        ends = np.vstack([shapely.get_coordinates(shapely.get_point(parts, 0)),
                          shapely.get_coordinates(shapely.get_point(parts, -1))]) if len(parts) else np.zeros((0, 2))
        _, junction = np.unique(np.round(ends / SNAP_M), axis=0, return_inverse=True)
        junction = junction.ravel()
        n_junctions = int(junction.max()) + 1 if len(junction) else 0
        n_parts = len(parts)
        # a pipe end that no other pipe end shares
        counts = np.bincount(junction, minlength=n_junctions)
        self.shared_end_share = float((counts[junction] > 1).mean()) if len(junction) else 0.0

        order = np.lexsort((valve_at, valve_part))
        by_part: dict[int, list[int]] = {}
        for v in order:
            if valve_part[v] >= 0:
                by_part.setdefault(int(valve_part[v]), []).append(int(v))

        seg_part, seg_from, seg_to = [], [], []
        open_a, open_b, shut_a, shut_b = [], [], [], []
        connectors: list[tuple[int, int]] = []
        valve_sides = np.full((n_valves, 2), -1)  # the shut graph's node on each side of a valve
        next_stub = n_junctions + n_valves  # shut graph: one node per side of each valve
        lengths = shapely.length(parts)
        for p in range(n_parts):
            start_node, end_node = junction[p], junction[n_parts + p]
            stops = [(0.0, None)]
            for v in by_part.get(p, []):
                at = min(max(valve_at[v], 0.0), lengths[p])
                stops.append((at, v))
            stops.append((lengths[p], None))
            for k in range(len(stops) - 1):
                (a, va), (b, vb) = stops[k], stops[k + 1]
                node_a = start_node if va is None else n_junctions + va
                node_b = end_node if vb is None else n_junctions + vb
                if b - a <= END_TOLERANCE_M:
                    # a valve at a pipe end, or two at one place: no segment, but the running
                    # network still passes there, and the valve shuts off the junction's side
                    connectors.append((node_a, node_b))
                    if va is None and vb is not None:
                        valve_sides[vb, 0] = start_node
                    elif vb is None and va is not None:
                        valve_sides[va, 1] = end_node
                    continue
                seg_part.append(p)
                seg_from.append(a)
                seg_to.append(b)
                open_a.append(node_a)
                open_b.append(node_b)
                if va is None:
                    shut_a.append(start_node)
                else:
                    shut_a.append(next_stub)
                    valve_sides[va, 1] = next_stub
                    next_stub += 1
                if vb is None:
                    shut_b.append(end_node)
                else:
                    shut_b.append(next_stub)
                    valve_sides[vb, 0] = next_stub
                    next_stub += 1
        self.seg_part = np.asarray(seg_part, dtype=np.int64)
        self.seg_from = np.asarray(seg_from, dtype=float)
        self.seg_to = np.asarray(seg_to, dtype=float)
        self.valve_sides = valve_sides
        self._open_edges = (np.asarray(open_a, dtype=np.int64), np.asarray(open_b, dtype=np.int64))
        self._shut_edges = (np.asarray(shut_a, dtype=np.int64), np.asarray(shut_b, dtype=np.int64))
        self._connectors = np.asarray(connectors, dtype=np.int64).reshape(-1, 2)
        self._n_open_nodes = n_junctions + n_valves
        self._n_shut_nodes = next_stub
        self.segments = np.asarray([
            substring(parts[p], a, b) if (a > 0 or b < lengths[p]) else parts[p]
            for p, a, b in zip(self.seg_part, self.seg_from, self.seg_to, strict=True)], dtype=object)
        mid_y = shapely.get_coordinates(shapely.line_interpolate_point(self.segments, 0.5, normalized=True))[:, 1] \
            if len(self.segments) else np.zeros(0)
        self.seg_length_m = shapely.length(self.segments) * scale(mid_y)
        self.tree = shapely.STRtree(self.segments)

    def _graphs(self) -> None:
        def labels(edges, n):
            a, b = edges
            graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)).tocsr()
            return connected_components(graph, directed=False)

        with_connectors = (np.concatenate([self._open_edges[0], self._connectors[:, 0]]),
                           np.concatenate([self._open_edges[1], self._connectors[:, 1]]))
        _, open_labels = labels(with_connectors, self._n_open_nodes)
        self.n_pieces = len(np.unique(open_labels[self._open_edges[0]])) if len(self._open_edges[0]) else 0
        self.piece = open_labels[self._open_edges[0]]  # the running network's piece of each segment
        _, shut_labels = labels(self._shut_edges, self._n_shut_nodes)
        self.section_of = shut_labels[self._shut_edges[0]]
        sides = self.valve_sides
        self.valve_side_section = np.where(sides >= 0, shut_labels[np.maximum(sides, 0)], -1)
        order = np.argsort(self.section_of, kind="stable")
        bounds = np.searchsorted(self.section_of[order], np.arange(self.section_of.max() + 2 if len(order) else 1))
        self._section_members = (order, bounds)
        if len(self.parts) > 1 and self.shared_end_share < LOOSE_SHARE:
            self.messages.append(("pipes_not_connected", {
                "pipes": len(self.parts), "pieces": int(self.n_pieces),
                "shared": round(100 * self.shared_end_share)}))

    def section_segments(self, label: int) -> np.ndarray:
        order, bounds = self._section_members
        return order[bounds[label]:bounds[label + 1]]

    # --- tracing ----------------------------------------------------------------------
    def nearest_segment(self, point, asset: str | None = None) -> tuple[int, float]:
        """(segment, ground distance m) nearest to ``point``; on the pipe named ``asset`` when it is one."""
        y = shapely.get_coordinates(point)[0, 1]
        if asset:
            pipes = np.flatnonzero(self.pipe_ids == str(asset))
            candidates = np.flatnonzero(np.isin(self.owner[self.seg_part], pipes)) if len(pipes) else []
            if len(candidates):
                distance = shapely.distance(self.segments[candidates], point)
                best = int(np.argmin(distance))
                return int(candidates[best]), float(distance[best] * scale(y))
        if not len(self.segments):
            return -1, float("inf")
        seg = int(self.tree.query_nearest(point, all_matches=False)[0])
        return seg, float(shapely.distance(self.segments[seg], point) * scale(y))

    def trace(self, point, asset: str | None = None) -> Trace:
        """The section around the segment nearest ``point`` and the valves that isolate it."""
        start, distance = self.nearest_segment(point, asset)
        section = self.section_segments(int(self.section_of[start]))
        in_section = np.zeros(len(self.segments), dtype=bool)
        in_section[section] = True
        side_in = self.valve_side_section == self.section_of[start]
        valves = np.flatnonzero(side_in.any(axis=1) & ~side_in.all(axis=1))
        beyond = self._dry_beyond(in_section, int(self.piece[start]))
        messages = []
        if not len(valves):
            messages.append(("no_valve", {"segments": len(section)}))
        return Trace(start, section, valves, beyond, distance, messages)

    def _dry_beyond(self, in_section: np.ndarray, piece: int) -> np.ndarray:
        """Segments of the leak's piece that the section's closing separates from its largest part.

        The catalog names no supply points (gate stations, pumping stations), so the part
        of the network holding the most pipe length is taken to keep the supply.
        """
        a, b = self._open_edges
        rest = ~in_section & (self.piece == piece)
        if not rest.any():
            return np.zeros(0, dtype=np.int64)
        ea = np.concatenate([a[rest], self._connectors[:, 0]])
        eb = np.concatenate([b[rest], self._connectors[:, 1]])
        graph = coo_matrix((np.ones(len(ea)), (ea, eb)), shape=(self._n_open_nodes, self._n_open_nodes)).tocsr()
        _, node_label = connected_components(graph, directed=False)
        label = node_label[a]
        rows = np.flatnonzero(rest)
        totals = np.bincount(label[rows], weights=self.seg_length_m[rows])
        fed = int(np.argmax(totals))
        return rows[label[rows] != fed]
