"""The roads as a graph: distance along the roads from an incident to each emergency unit.

Every vertex of a road line is a graph node (vertices shared by two roads are junctions,
whether they are line ends or not) and every stretch between two vertices an edge
weighed by its ground length; the graph is built once. A place off the network (an
incident, a fire station's gate) joins it at its nearest road point; its road distance
adds that straight leg. One Dijkstra run from the incident's road point
(``scipy.sparse.csgraph.dijkstra``) gives the distance to every unit at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from console.impact.ground import scale

__all__ = ["RoadAccess", "RoadNetwork", "Route"]

SNAP_M = 0.5  # road vertices closer than this are one node


@dataclass(frozen=True)
class RoadAccess:
    """Where a place joins the roads: its stretch, the two ends' distances along it, the leg off the road."""

    stretch: int
    to_start_m: float
    to_end_m: float
    off_road_m: float


@dataclass
class Route:
    """The road way from the incident to one unit."""

    road_m: float  # along the roads, plus both legs off the road
    off_road_m: float
    minutes: float
    xy: np.ndarray  # (n, 2) display-CRS vertices, from the incident to the unit


class RoadNetwork:
    """The road graph.

    Parameters
    ----------
    lines : array of shapely LineStrings
        The roads in the display CRS (Web Mercator metres).
    speeds_kmh : array of float
        One speed per road, for the travel time.
    off_road_kmh : float
        Speed of the legs off the road.
    """

    def __init__(self, lines, speeds_kmh, off_road_kmh: float = 10.0):
        lines = np.asarray(lines, dtype=object)
        parts, owner = shapely.get_parts(lines, return_index=True)
        coords, line_of = shapely.get_coordinates(parts, return_index=True)
        speeds = np.asarray(speeds_kmh, dtype=float)[owner]
        same_line = line_of[1:] == line_of[:-1]
        a = np.flatnonzero(same_line)  # stretch k joins vertex a[k] to a[k] + 1
        _, node = np.unique(np.round(coords / SNAP_M), axis=0, return_inverse=True)
        node = node.ravel()
        self.n_nodes = int(node.max()) + 1 if len(node) else 0
        self.node_xy = np.zeros((self.n_nodes, 2))
        self.node_xy[node] = coords
        self.start, self.end = node[a], node[a + 1]
        p, q = coords[a], coords[a + 1]
        self.stretches = shapely.linestrings(np.stack([p, q], axis=1)) if len(a) else np.zeros(0, dtype=object)
        self.length_m = np.hypot(*(q - p).T) * scale((p[:, 1] + q[:, 1]) / 2.0)
        self.minutes = self.length_m / (speeds[line_of[a]] * 1000.0 / 60.0)
        self.off_road_kmh = off_road_kmh
        n = self.n_nodes
        w = np.maximum(self.length_m, 1e-6)  # a zero weight would read as "no edge"
        self.graph = coo_matrix((np.concatenate([w, w]), (np.concatenate([self.start, self.end]),
                                                          np.concatenate([self.end, self.start]))),
                                shape=(n, n)).tocsr()
        self.n_pieces, self.piece = connected_components(self.graph, directed=False)
        self.tree = shapely.STRtree(self.stretches)
        # the travel time of each graph edge, to add up along a found path
        self._edge_minutes = {}
        for k, (u, v) in enumerate(zip(self.start.tolist(), self.end.tolist(), strict=True)):
            best = self._edge_minutes.get((u, v))
            if best is None or self.minutes[k] < best:
                self._edge_minutes[(u, v)] = self._edge_minutes[(v, u)] = float(self.minutes[k])

    def access(self, points) -> list[RoadAccess]:
        """Where each point joins the roads."""
        points = np.asarray(points, dtype=object)
        stretch = self.tree.query_nearest(points, all_matches=False)[1] if len(points) else np.zeros(0, dtype=int)
        # query_nearest answers (input index, tree index) pairs in input order, one per point
        lines = self.stretches[stretch]
        along = shapely.line_locate_point(lines, points)
        y = shapely.get_coordinates(points)[:, 1]
        k = scale(y)
        off = shapely.distance(lines, points) * k
        full = shapely.length(lines)
        return [RoadAccess(int(s), float(d * kk), float((f - d) * kk), float(o))
                for s, d, f, kk, o in zip(stretch, along, full, k, off, strict=True)]

    def distances_from(self, origin: RoadAccess) -> tuple[np.ndarray, np.ndarray]:
        """(distance m to every node, index 0 or 1 of the origin stretch's end each path leaves by),
        plus the predecessors for routes; one Dijkstra run from both ends of the origin's stretch."""
        ends = [int(self.start[origin.stretch]), int(self.end[origin.stretch])]
        dist, pred = dijkstra(self.graph, directed=False, indices=ends, return_predecessors=True)
        dist[0] += origin.to_start_m
        dist[1] += origin.to_end_m
        return dist, pred

    def route(self, origin: RoadAccess, target: RoadAccess, dist: np.ndarray, pred: np.ndarray,
              origin_xy, target_xy) -> Route | None:
        """The shortest road way from ``origin`` to ``target`` (None when the roads do not join them)."""
        off = origin.off_road_m + target.off_road_m
        off_minutes = off / (self.off_road_kmh * 1000.0 / 60.0)
        if origin.stretch == target.stretch:
            along = abs(origin.to_start_m - target.to_start_m)
            minutes = along / max(self.length_m[origin.stretch], 1e-6) * self.minutes[origin.stretch]
            return Route(along + off, off, float(minutes + off_minutes),
                         np.array([origin_xy, target_xy], dtype=float))
        t_ends = (int(self.start[target.stretch]), int(self.end[target.stretch]))
        legs = (target.to_start_m, target.to_end_m)
        best, choice = np.inf, None
        for row in (0, 1):
            for j in (0, 1):
                total = dist[row, t_ends[j]] + legs[j]
                if total < best:
                    best, choice = total, (row, j)
        if not np.isfinite(best):
            return None
        row, j = choice
        path = [t_ends[j]]
        while pred[row, path[-1]] >= 0:
            path.append(int(pred[row, path[-1]]))
        path.reverse()
        minutes = sum(self._edge_minutes[(u, v)] for u, v in zip(path[:-1], path[1:], strict=True))
        # the two partial stretches at either end, at their own road's speed
        o_leg = origin.to_start_m if row == 0 else origin.to_end_m
        minutes += o_leg / max(self.length_m[origin.stretch], 1e-6) * self.minutes[origin.stretch]
        minutes += legs[j] / max(self.length_m[target.stretch], 1e-6) * self.minutes[target.stretch]
        xy = np.vstack([origin_xy, self.node_xy[path], target_xy])
        return Route(float(best + off), off, float(minutes + off_minutes), xy)

    def road_distances(self, dist: np.ndarray, targets: list[RoadAccess]) -> np.ndarray:
        """Road distance (m, inf when unreachable) from the origin of ``dist`` to each target."""
        if not targets:
            return np.zeros(0)
        s = np.array([t.stretch for t in targets])
        a, b = self.start[s], self.end[s]
        to_a = np.array([t.to_start_m for t in targets])
        to_b = np.array([t.to_end_m for t in targets])
        off = np.array([t.off_road_m for t in targets])
        best = np.minimum(np.minimum(dist[0, a], dist[1, a]) + to_a, np.minimum(dist[0, b], dist[1, b]) + to_b)
        return best + off
