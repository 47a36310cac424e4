"""CAP (Common Alerting Protocol) 1.2 warnings in: parsed safely, validated, normalised (no Qt).

- ``xmlsafe.parse_xml``: untrusted XML through defusedxml, with size and depth limits;
- ``parse.parse_alerts`` / ``parse_alert``: CAP documents to ``CapAlert`` (required
  elements, enumerations, times, areas, the chosen info block and the level);
- ``geometry``: CAP polygons and circles as shapely geometries in lon/lat;
- ``atom.parse_feed`` / ``parse_index``: Atom (and RSS) index feeds of CAP alerts;
- ``book.WarningBook``: Alert / Update / Cancel applied on the feed clock;
- ``active.ActiveWarning``: a warning in force as plain data (what the engine reports).
"""

from console.cap.active import ActiveWarning, active_warning
from console.cap.alert import CapAlert, CapArea, Reference
from console.cap.atom import FeedEntry, parse_feed, parse_index
from console.cap.book import WarningBook
from console.cap.parse import alerts_from_warning, parse_alert, parse_alerts
from console.cap.xmlsafe import MAX_DEPTH, MAX_DOCUMENT_BYTES, parse_xml

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_BYTES", "ActiveWarning", "CapAlert", "CapArea", "FeedEntry", "Reference", "WarningBook",
           "active_warning", "alerts_from_warning", "parse_alert", "parse_alerts", "parse_feed", "parse_index",
           "parse_xml"]
