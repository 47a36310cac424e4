"""Sensor ids as small integer codes, looked up a whole block at a time."""

from __future__ import annotations

import numpy as np


class _Vocabulary:
    """Sensor ids seen so far, each with a small integer code (first-seen order).

    Ids are looked up by a 64-bit key made from their bytes (as 8-byte words) in a
    pandas hash index, no Python per reading, and the key is checked against the
    stored bytes. ``lookup`` only reads an immutable snapshot, so the parsing
    threads use it; what it does not find (new ids, two ids sharing a key) the
    reading thread settles with ``encode_words``.
    """

    def __init__(self):
        self.codes: dict[bytes, int] = {}
        self.ids: list[str] = []
        self._array = np.empty(0, dtype=object)
        self._raw: list[bytes] = []
        # (index of keys, code of each indexed key, each word of the ids as a column per code):
        # replaced whole, never changed.
        self._snapshot = (None, np.zeros(0, dtype=np.int64), [])

    def lookup(self, words: np.ndarray) -> np.ndarray:
        """Codes of ids given as zero-padded words (n x k); -1 where not found for sure. Thread-safe."""
        index, key_codes, known_columns = self._snapshot
        n = len(words)
        if index is None or n == 0:
            return np.full(n, -1, dtype=np.int64)
        position = index.get_indexer(_id_key(words))
        same = position >= 0
        codes = key_codes[np.where(same, position, 0)]
        # Check the bytes, word by word: the key of two different ids may be the same.
        for column in range(max(words.shape[1], len(known_columns))):
            given = words[:, column] if column < words.shape[1] else 0
            stored = known_columns[column][codes] if column < len(known_columns) else 0
            same &= given == stored
        return np.where(same, codes, -1)

    def encode_words(self, words: np.ndarray) -> np.ndarray:
        """Codes of ids given as words, adding new ids; -1 where an id is not UTF-8."""
        codes = self.lookup(words)
        missing = np.flatnonzero(codes < 0)
        if len(missing) == 0:
            return codes
        # New ids are added once each, in file order, so codes follow first appearance.
        _, first = np.unique(_id_key(words[missing]), return_index=True)
        added = False
        for row in missing[np.sort(first)].tolist():
            raw = words[row].tobytes().rstrip(b"\0")
            if raw not in self.codes:
                try:
                    self.add(raw.decode("utf-8"), raw)
                except UnicodeDecodeError:
                    continue
                added = True
        if added:
            self._publish()
            codes[missing] = self.lookup(words[missing])
        for row in np.flatnonzero(codes < 0).tolist():  # two ids sharing a key, or not UTF-8
            codes[row] = self.codes.get(words[row].tobytes().rstrip(b"\0"), -1)
        return codes

    def encode(self, raw_ids: np.ndarray) -> np.ndarray:
        """Codes of an ``S<width>`` array of UTF-8 ids; -1 where an id is not UTF-8."""
        return self.encode_words(_fixed_to_words(raw_ids))

    def _publish(self) -> None:
        import pandas as pd

        words = _fixed_to_words(np.array(self._raw))
        keys = _id_key(words)
        unique_keys, owner = np.unique(keys, return_index=True)  # the first id with a key owns it
        self._snapshot = (pd.Index(unique_keys), owner.astype(np.int64),
                          [np.ascontiguousarray(words[:, k]) for k in range(words.shape[1])])

    def add(self, text: str, raw: bytes | None = None) -> int:
        """The code of an id, adding it when new."""
        raw = text.encode("utf-8") if raw is None else raw
        code = self.codes.get(raw)
        if code is None:
            code = self.codes[raw] = len(self.ids)
            self.ids.append(text)
            self._raw.append(raw)
        return code

    def strings(self, codes: np.ndarray) -> np.ndarray:
        """Sensor ids (one shared ``str`` object per id) for codes."""
        if len(self._array) != len(self.ids):
            self._array = np.array(self.ids, dtype=object)
        return self._array[codes]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _id_key(words: np.ndarray) -> np.ndarray:
    """A 64-bit key per row of id words; trailing zero words do not count, so any padding gives the same key."""
    key = np.zeros(len(words), dtype=np.uint64)
    for column in range(words.shape[1]):
        word = words[:, column]
        key = np.where(word != 0, (key ^ word) * _MIX, key)  # wraps modulo 2**64 by design
    return key


def _fixed_to_words(raw_ids: np.ndarray) -> np.ndarray:
    """An ``S<width>`` array as zero-padded 8-byte words (n x ceil(width / 8))."""
    n, width = len(raw_ids), max(1, raw_ids.dtype.itemsize)
    chars = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
    if n:
        chars[:, : raw_ids.dtype.itemsize] = raw_ids.view(np.uint8).reshape(n, raw_ids.dtype.itemsize)
    return chars.view(np.uint64)
