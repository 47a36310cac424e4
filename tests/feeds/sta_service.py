"""A small SensorThings API 1.1 service on a free loopback port, for tests and benchmarks.

It answers as the standard defines for what the console asks: the service root
document; the collections Things, Locations, Datastreams, ObservedProperties,
Sensors and Observations, single entities ``Things(1)`` and navigation
``Datastreams(1)/Observations``; ``$top`` (capped at ``max_top``, with
``@iot.nextLink`` carrying ``$skip``), ``$skip``, ``$count``, ``$orderby``,
``$filter`` on ``phenomenonTime`` (``gt``, ``ge``, ``lt``, ``le``, ``eq`` joined by
``and``) and on ``id``, ``$expand`` with nested options (``Thing($expand=Locations)``)
and ``$select``. A query it does not understand gets HTTP 400, as a real
server answers. Faults can be queued: HTTP errors, bodies that are not JSON,
a nextLink that loops, a slow answer.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from console.feeds.timefmt import parse_time_value

COLLECTIONS = ("Things", "Locations", "Datastreams", "ObservedProperties", "Sensors", "Observations")
# Navigation properties: name -> (collection, how an entity of the source refers to it).
NAVIGATION = {
    "Things": {"Locations": ("Locations", "location_ids"), "Datastreams": ("Datastreams", "datastream_ids")},
    "Locations": {"Things": ("Things", "thing_ids")},
    "Datastreams": {"Thing": ("Things", "thing_id"), "ObservedProperty": ("ObservedProperties", "property_id"),
                    "Sensor": ("Sensors", "sensor_id"), "Observations": ("Observations", "observation_ids")},
    "ObservedProperties": {"Datastreams": ("Datastreams", "datastream_ids")},
    "Sensors": {"Datastreams": ("Datastreams", "datastream_ids")},
    "Observations": {"Datastream": ("Datastreams", "datastream_id")},
}
_FILTER_OPS = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b,
               "le": lambda a, b: a <= b, "eq": lambda a, b: a == b}


class BadQuery(ValueError):
    pass


def split_top(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_expand(text: str) -> dict[str, dict]:
    """``A($expand=B;$select=id),C`` -> {"A": {"$expand": "B", "$select": "id"}, "C": {}}."""
    expand = {}
    for item in split_top(text, ","):
        name, _, rest = item.partition("(")
        options = {}
        if rest:
            if not rest.endswith(")"):
                raise BadQuery(f"unbalanced parentheses in $expand: {item!r}")
            for option in split_top(rest[:-1], ";"):
                key, _, value = option.partition("=")
                options[key.strip()] = value.strip()
        expand[name.strip()] = options
    return expand


class StaService:
    """The entities a test puts in, served over HTTP (start with ``with StaService() as service``)."""

    def __init__(self, *, max_top: int = 1000, default_top: int = 100, port: int = 0, prefix: str = "/sta/v1.1",
                 cache_answers: bool = False):
        self.max_top, self.default_top = max_top, default_top
        # A benchmark asks for the same pages again: kept, their rendering is not what is measured.
        self.cache_answers = cache_answers
        self._answers: dict[str, bytes] = {}
        self.prefix = prefix
        self.port = port
        self.entities: dict[str, dict[int, dict]] = {name: {} for name in COLLECTIONS}
        self._obs_keys: list[tuple[int, int]] = []  # (start ms, id), sorted: the Observations in order
        self._lock = threading.Lock()
        self.requests: list[str] = []
        self.faults: list = []  # queued: ("status", code) | ("not_json",) | ("loop",) | ("slow", seconds)
        self.faults_at: list = []  # (path part, fault): for the next request whose path holds the part
        self._server: ThreadingHTTPServer | None = None
        self._connections: set = set()
        self._thread: threading.Thread | None = None

    # --- content ------------------------------------------------------------------
    def add(self, collection: str, entity_id: int, **fields) -> dict:
        with self._lock:
            entity = {"@iot.id": entity_id, **fields}
            self.entities[collection][entity_id] = entity
            return entity

    def add_thing(self, thing_id: int, name: str, lon: float | None, lat: float | None, properties=None) -> None:
        location_ids = []
        if lon is not None:
            self.add("Locations", thing_id, name=f"{name} location", encodingType="application/geo+json",
                     location={"type": "Point", "coordinates": [lon, lat]}, thing_ids=[thing_id])
            location_ids = [thing_id]
        self.add("Things", thing_id, name=name, description=name, properties=properties or {},
                 location_ids=location_ids, datastream_ids=[])

    def add_datastream(self, datastream_id: int, thing_id: int | None, name: str, prop: str, unit: str,
                       observed_area=None) -> None:
        property_id = len(self.entities["ObservedProperties"]) + 1
        for pid, entity in self.entities["ObservedProperties"].items():
            if entity["name"] == prop:
                property_id = pid
        self.add("ObservedProperties", property_id, name=prop, definition=f"urn:example:{prop}",
                 description=prop, datastream_ids=[])
        self.add("Sensors", datastream_id, name=f"sensor {name}", encodingType="text/plain", metadata="",
                 datastream_ids=[datastream_id])
        fields = {"observedArea": observed_area} if observed_area else {}
        self.add("Datastreams", datastream_id, name=name, description=name, observationType="OM_Measurement",
                 unitOfMeasurement={"name": unit, "symbol": unit, "definition": f"ucum:{unit}"},
                 thing_id=thing_id, property_id=property_id, sensor_id=datastream_id, observation_ids=[], **fields)
        if thing_id is not None:
            self.entities["Things"][thing_id]["datastream_ids"].append(datastream_id)

    def add_observation(self, obs_id: int, datastream_id: int, time_text: str, result, **fields) -> None:
        start = parse_time_value(time_text.partition("/")[0])
        with self._lock:
            self.entities["Observations"][obs_id] = {"@iot.id": obs_id, "phenomenonTime": time_text, "result": result,
                                                     "resultTime": time_text.partition("/")[0],
                                                     "datastream_id": datastream_id, "_start": start, **fields}
            bisect.insort(self._obs_keys, (start, obs_id))

    def add_observations(self, rows) -> None:
        """Many observations at once: (id, datastream id, start ms, time text, result, fields) each."""
        with self._lock:
            store = self.entities["Observations"]
            for obs_id, datastream_id, start, time_text, result, fields in rows:
                store[obs_id] = {"@iot.id": obs_id, "phenomenonTime": time_text, "result": result,
                                 "resultTime": time_text.partition("/")[0], "datastream_id": datastream_id,
                                 "_start": start, **fields}
                self._obs_keys.append((start, obs_id))
            self._obs_keys.sort()

    def remove_observation(self, obs_id: int) -> None:
        with self._lock:
            entity = self.entities["Observations"].pop(obs_id)
            self._obs_keys.remove((entity["_start"], obs_id))

    # --- running -------------------------------------------------------------------
    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    def start(self) -> StaService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with service._lock:
                    service._connections.add(self.connection)

            def finish(self):
                with service._lock:
                    service._connections.discard(self.connection)
                super().finish()

            def do_GET(self):  # noqa: N802 - http.server's name
                service._answer(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True, name="sta-service")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            # Kept-alive connections too: a stopped service answers nothing, as a real one that went down.
            with self._lock:
                connections, self._connections = list(self._connections), set()
            for connection in connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._thread.join(5)
            self._server = None

    def __enter__(self) -> StaService:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- answering ------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        self.requests.append(handler.path)
        fault = self.faults[0] if self.faults else None
        if fault is not None and fault[0] != "loop":  # a loop waits for an answer with a nextLink to bend
            self.faults.pop(0)
        for at, (part, aimed) in enumerate(list(self.faults_at)):
            if fault is None and part in parts.path:
                fault = aimed
                del self.faults_at[at]
                break
        if fault is not None and fault[0] == "slow":
            time.sleep(fault[1])
            fault = None
        if fault is not None and fault[0] == "status":
            return self._send(handler, fault[1], {"code": fault[1], "type": "error", "message": "injected"})
        if fault is not None and fault[0] == "not_json":
            return self._send_raw(handler, 200, b"<html>proxy error</html>", "text/html")
        if self.cache_answers and fault is None and handler.path in self._answers:
            return self._send_raw(handler, 200, self._answers[handler.path], "application/json")
        try:
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            body = self._resolve(parts.path, params)
        except BadQuery as exc:
            return self._send(handler, 400, {"code": 400, "type": "error", "message": str(exc)})
        except KeyError as exc:
            return self._send(handler, 404, {"code": 404, "type": "error", "message": f"nothing found: {exc}"})
        if fault is not None and fault[0] == "loop" and "@iot.nextLink" in body:
            self.faults.pop(0)
            body["@iot.nextLink"] = f"http://127.0.0.1:{self.port}{handler.path}"
        if self.cache_answers and fault is None:
            self._answers[handler.path] = json.dumps(body).encode()
        self._send(handler, 200, body)

    def _send(self, handler, status: int, body: dict) -> None:
        self._send_raw(handler, status, json.dumps(body).encode(), "application/json")

    def _send_raw(self, handler, status: int, data: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _resolve(self, path: str, params: dict) -> dict:
        if not path.startswith(self.prefix):
            raise KeyError(path)
        rest = path[len(self.prefix):].strip("/")
        if not rest:
            return {"value": [{"name": c, "url": f"{self.root}/{c}"} for c in COLLECTIONS],
                    "serverSettings": {"conformance": ["http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
                                                       "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data"]}}
        segments = rest.split("/")
        collection, _, key = segments[0].partition("(")
        if collection not in COLLECTIONS:
            raise KeyError(collection)
        if not key:
            if len(segments) > 1:
                raise KeyError(rest)
            return self._collection(collection, None, params)
        entity = self.entities[collection][int(key.rstrip(")"))]
        if len(segments) == 1:
            return self._render(self._shape(collection, params), entity)
        target, attribute = NAVIGATION[collection][segments[1]]
        refs = entity.get(attribute)
        if target == "Observations":
            ids = {oid for oid, o in self.entities["Observations"].items() if o["datastream_id"] == entity["@iot.id"]}
        else:
            ids = set(refs if isinstance(refs, list) else [refs])
        return self._collection(target, ids, params)

    def _collection(self, collection: str, only: set | None, params: dict) -> dict:
        unknown = [k for k in params if k.startswith("$") and k not in
                   ("$top", "$skip", "$count", "$orderby", "$filter", "$expand", "$select", "$resultFormat")]
        if unknown:
            raise BadQuery(f"unknown query option {unknown[0]}")
        top = min(self._int(params, "$top", self.default_top), self.max_top)
        skip = self._int(params, "$skip", 0)
        with self._lock:
            total, chosen = self._ordered(collection, only, params, skip, top)
            shape = self._shape(collection, params)
            values = [self._render(shape, e) for e in chosen]
        body: dict = {}
        if params.get("$count") == "true":
            body["@iot.count"] = total
        if skip + top < total:
            following = {**params, "$skip": str(skip + top), "$top": str(top)}
            path = self.prefix + "/" + collection
            body["@iot.nextLink"] = f"http://127.0.0.1:{self.port}{path}?{urlencode(following)}"
        body["value"] = values
        return body

    def _int(self, params: dict, key: str, default: int) -> int:
        text = params.get(key)
        if text is None:
            return default
        if not text.isdigit():
            raise BadQuery(f"{key} must be a non-negative integer, not {text!r}")
        return int(text)

    def _ordered(self, collection: str, only: set | None, params: dict, skip: int, top: int) -> tuple[int, list]:
        """How many entities the filter keeps, and those of the page in the asked order.

        Observations in time order from a lower time bound are sliced straight from
        the sorted index, as a database would use its index.
        """
        store = self.entities[collection]
        clauses = self._filter(params.get("$filter", ""))
        orderby = [self._order_key(item) for item in split_top(params.get("$orderby", ""), ",")]
        if collection == "Observations" and orderby[:1] == [("phenomenonTime", False)] and \
                all(o == ("id", False) for o in orderby[1:]):
            keys = self._obs_keys
            low = 0
            for field, op, value in clauses:
                if field == "phenomenonTime" and op in ("gt", "ge"):
                    probe = (value, -1) if op == "ge" else (value, float("inf"))
                    low = max(low, bisect.bisect_left(keys, probe))
            if only is None and all(f == "phenomenonTime" and op in ("gt", "ge") for f, op, _ in clauses):
                return len(keys) - low, [store[oid] for _, oid in keys[low + skip:low + skip + top]]
            chosen = (store[oid] for _, oid in keys[low:])
        else:
            chosen = iter(store.values())
            for name, descending in reversed(orderby or [("id", False)]):
                chosen = iter(sorted(chosen, key=lambda e, n=name: self._value(e, n), reverse=descending))
        result = []
        for entity in chosen:
            if only is not None and entity["@iot.id"] not in only:
                continue
            if all(_FILTER_OPS[op](self._value(entity, field), value) for field, op, value in clauses):
                result.append(entity)
        return len(result), result[skip:skip + top]

    def _filter(self, text: str) -> list[tuple[str, str, object]]:
        clauses = []
        for clause in (c.strip() for c in text.split(" and ") if c.strip()):
            words = clause.split()
            if len(words) != 3 or words[1] not in _FILTER_OPS:
                raise BadQuery(f"cannot evaluate $filter clause {clause!r}")
            field, op, literal = words
            field = "id" if field == "@iot.id" else field
            if field == "phenomenonTime":
                value = parse_time_value(literal)
                if value is None:
                    raise BadQuery(f"not a time in $filter: {literal!r}")
            elif field in ("id", "Datastream/id"):
                if not literal.isdigit():
                    raise BadQuery(f"not an id in $filter: {literal!r}")
                value = int(literal)
            else:
                raise BadQuery(f"cannot filter on {field!r}")
            clauses.append((field, op, value))
        return clauses

    def _order_key(self, item: str) -> tuple[str, bool]:
        words = item.split()
        name = "id" if words[0] in ("id", "@iot.id") else words[0]
        if name not in ("id", "phenomenonTime", "name", "result") or len(words) > 2 or \
                (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise BadQuery(f"cannot order by {item!r}")
        return name, len(words) == 2 and words[1] == "desc"

    def _value(self, entity: dict, name: str):
        if name == "id":
            return entity["@iot.id"]
        if name == "phenomenonTime":
            return entity["_start"]
        if name == "Datastream/id":
            return entity.get("datastream_id")
        return entity.get(name)

    def _shape(self, collection: str, params: dict) -> tuple:
        """What ``$select`` and ``$expand`` (nested) ask of a collection's entities: parsed once per request."""
        select = [s.strip() for s in params.get("$select", "").split(",") if s.strip()]
        wanted = {"@iot.id" if s in ("id", "@iot.id") else s for s in select} or None
        navigation = NAVIGATION[collection]
        expand = []
        for name, options in (parse_expand(params["$expand"]) if params.get("$expand") else {}).items():
            if name not in navigation:
                raise BadQuery(f"{collection} has no navigation property {name!r}")
            target, attribute = navigation[name]
            expand.append((name, target, attribute, self._shape(target, options)))
        return collection, wanted, expand

    def _render(self, shape: tuple, entity: dict) -> dict:
        collection, wanted, expand = shape
        self_link = f"{self.root}/{collection}({entity['@iot.id']})"
        out = {key: value for key, value in entity.items()
               if not (key.startswith("_") or key.endswith("_id") or key.endswith("_ids"))}
        out["@iot.selfLink"] = self_link
        for name in NAVIGATION[collection]:
            out[f"{name}@iot.navigationLink"] = f"{self_link}/{name}"
        if wanted is not None:
            out = {k: v for k, v in out.items() if k in wanted}
        for name, target, attribute, inner in expand:
            refs = entity.get(attribute)
            if target == "Observations":
                refs = [o["@iot.id"] for o in self.entities["Observations"].values()
                        if o["datastream_id"] == entity["@iot.id"]]
            if isinstance(refs, list):
                out[name] = [self._render(inner, self.entities[target][r]) for r in refs]
            elif refs is not None:
                out[name] = self._render(inner, self.entities[target][refs])
        return out
