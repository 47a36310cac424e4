"""Reading untrusted XML: defusedxml with a size limit, a depth limit and clear refusals.

CAP arrives from outside the duty room, so a document may be hostile: external
entities (which would read a local file), entity expansion ("billion laughs"),
a huge body or deep nesting. Document type declarations are refused outright
(CAP needs none), the size is checked before parsing and the depth while
parsing, so a bad document is refused in microseconds and never stops the source.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from console.errors import InputError

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_BYTES", "local_name", "namespace", "parse_xml"]

# One CAP alert is a few kB; the largest real one seen (with embedded resources) is under 100 kB.
MAX_DOCUMENT_BYTES = 1024 * 1024
# CAP nests five levels (alert/info/area/geocode/value); signatures and Atom add a few more.
MAX_DEPTH = 32

_BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"


class _DepthLimit(Exception):
    """Raised from inside the parser when elements nest deeper than the limit."""


class _DepthTreeBuilder(ET.TreeBuilder):
    """The standard tree builder, counting depth as elements open."""

    def __init__(self, max_depth: int):
        super().__init__()
        self._depth = 0
        self._max_depth = max_depth

    def start(self, tag, attrs):
        self._depth += 1
        if self._depth > self._max_depth:
            raise _DepthLimit
        return super().start(tag, attrs)

    def end(self, tag):
        self._depth -= 1
        return super().end(tag)


def _declared_utf8_but_not(data: bytes) -> str | None:
    """Why ``data`` is not UTF-8 although it says so (or omits a declaration), else None."""
    head = data[:200].lower()
    declared = b"encoding" in head.split(b"?>", 1)[0] if head.startswith(b"<?xml") else False
    if declared and b"utf-8" not in head.split(b"?>", 1)[0]:
        return None  # declares another encoding: expat decodes it, this is some other error
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        return (f"byte 0x{byte:02X} at offset {exc.start} is not UTF-8, the encoding the document "
                "declares (Latin-1 text under a UTF-8 declaration?); refused rather than guessed")
    return None


def parse_xml(data: str | bytes, source: str, *, max_bytes: int = MAX_DOCUMENT_BYTES,
              max_depth: int = MAX_DEPTH) -> ET.Element:
    """Parse an untrusted XML document into its root element, or refuse it.

    Parameters
    ----------
    data : str or bytes
        The document. Bytes are decoded by the parser from their XML declaration
        (UTF-8 when none); text is taken as already decoded. A byte-order mark is allowed.
    source : str
        What to name in error messages (a file name, "feed line 12").
    max_bytes, max_depth : int
        Limits; each is named in the message when exceeded.

    Raises
    ------
    InputError
        For a document too large or too deep, with a DTD or entities, or not well-formed.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InputError(source, f"document of {size} bytes is larger than the limit of {max_bytes} bytes")
    if isinstance(data, str):
        data = data.removeprefix(_BOM)
    elif data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    if not data.strip():
        raise InputError(source, "empty document")
    parser = DefusedXMLParser(target=_DepthTreeBuilder(max_depth), forbid_dtd=True,
                              forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        return parser.close()
    except _DepthLimit:
        raise InputError(source, f"elements nest deeper than the limit of {max_depth} levels") from None
    except DefusedXmlException as exc:
        kind = type(exc).__name__.removesuffix("Forbidden")
        raise InputError(source, f"refused: {kind} declarations are not allowed in CAP ({exc})") from None
    except ET.ParseError as exc:
        reason = _declared_utf8_but_not(data) if isinstance(data, bytes) else None
        line, column = exc.position
        what = str(exc).split(":", 1)[0]  # expat's words, without its own position
        raise InputError(source, reason or f"not well-formed XML: {what} (column {column})",
                         line=line) from None
    except (ValueError, UnicodeError) as exc:  # e.g. lone surrogates in text
        raise InputError(source, f"not readable as XML text: {exc}") from None


def namespace(tag: str) -> str:
    """The namespace URI of a ``{uri}name`` tag, "" when it has none."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def local_name(tag: str) -> str:
    """The tag without its namespace."""
    return tag.rsplit("}", 1)[-1]
