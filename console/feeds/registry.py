"""The registry of feed adapter kinds: each with a label and a priority, so the console can list and pick them.

Independent of the adapter base class (``console.feeds.base``), so that the
adapter modules register themselves without an import circle: the built-in
kinds are imported by name when the registry is first asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from console.errors import InputError


@dataclass(frozen=True)
class AdapterKind:
    """One registered kind of feed: ``kind`` id, adapter class, label and priority.

    When several kinds could open a source, the highest priority wins.
    """

    kind: str
    adapter: type  # a FeedAdapter subclass
    label: str
    priority: int


_KINDS: dict[str, AdapterKind] = {}

# Modules that register the built-in kinds; imported when the registry is first asked.
_BUILTIN_MODULES = ("console.feeds.recorded", "console.feeds.mqtt", "console.feeds.sensorthings.adapter",
                    "console.feeds.cap_adapter")


def register_adapter(kind: str, label: str, priority: int = 0):
    """Class decorator: register an adapter class under ``kind``."""

    def decorate(cls: type) -> type:
        if kind in _KINDS and _KINDS[kind].adapter is not cls:
            raise ValueError(f"feed kind {kind!r} is already registered by {_KINDS[kind].adapter.__name__}")
        cls.kind, cls.label, cls.priority = kind, label, priority
        _KINDS[kind] = AdapterKind(kind, cls, label, priority)
        return cls

    return decorate


def unregister_adapter(kind: str) -> None:
    """Remove the kind ``kind`` from the registry (a kind registered for a while, as in tests)."""
    _KINDS.pop(kind, None)


@contextmanager
def registered_adapter(cls: type, kind: str, label: str, priority: int = 0) -> Iterator[type]:
    """Register ``cls`` under ``kind`` for the duration of a ``with`` block."""
    register_adapter(kind, label, priority)(cls)
    try:
        yield cls
    finally:
        unregister_adapter(kind)


def _load_builtins() -> None:
    import importlib

    for module in _BUILTIN_MODULES:
        importlib.import_module(module)


def adapter_kinds() -> list[AdapterKind]:
    """All registered kinds, highest priority first (ties by kind id)."""
    _load_builtins()
    return sorted(_KINDS.values(), key=lambda k: (-k.priority, k.kind))


def adapter_class(kind: str) -> type:
    """The adapter class registered for ``kind``; InputError naming the known kinds otherwise."""
    _load_builtins()
    try:
        return _KINDS[kind].adapter
    except KeyError:
        known = ", ".join(sorted(_KINDS)) or "none"
        raise InputError("feed kind", f"unknown feed kind {kind!r} (known: {known})") from None


def create_adapter(kind: str, *args, **kwargs):
    """Instantiate the adapter registered for ``kind``."""
    return adapter_class(kind)(*args, **kwargs)
