"""Recorded-feed lines to columns and back, a whole block of lines at a time.

Reading: the common line shapes (a reading line as the console writes it, with or
without blanks after ``:`` and ``,``, and a CSV row) are parsed by NumPy over a
block of bytes: a per-line cursor advances through fixed literals and scans for
the next delimiter, so no Python code runs per line. Lines that do not fit that
shape (status and CAP lines, other key orders, escapes, errors) are handed back
to the caller by line index for a careful one-line-at-a-time parse
(``parse_json_line`` / ``parse_csv_row``), which also words the problem when a
line is unusable.

Writing: ``assemble_lines`` scatters per-row byte fields into one buffer.

Modules: ``cursor`` (the vectorised primitives and parsed columns),
``json_fast`` (lines exactly as written, eight bytes at a time), ``json_lines``
and ``csv_rows`` (the block parsers and the careful one-line parse), ``writing``.
"""

from console.feeds.codec.csv_rows import CSV_COLUMNS, parse_csv_block, parse_csv_row
from console.feeds.codec.cursor import LineProblem, ParsedRows, as_fixed_strings, split_lines
from console.feeds.codec.json_lines import parse_json_block, parse_json_line
from console.feeds.codec.writing import (
           assemble_lines,
           encode_json_readings,
           format_fixed,
           format_shortest,
           text_field,
)

__all__ = ["CSV_COLUMNS", "LineProblem", "ParsedRows", "as_fixed_strings", "assemble_lines", "encode_json_readings",
           "format_fixed", "format_shortest", "parse_csv_block", "parse_csv_row", "parse_json_block",
           "parse_json_line", "split_lines", "text_field"]
