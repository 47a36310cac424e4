"""Regenerate the bundled Chinese font: a subset of Noto Sans CJK SC (SIL OFL 1.1).

The subset holds the characters the console itself shows (its translations, the
report words, every Chinese string in its sources, the demo city's names) and the
3,755 common hanzi of GB2312 level 1, so that place names in users' files render
the same on a machine with no Chinese font. Run it after the translations or the
demo city gain characters:

    python scripts/subset_font.py [--fonts /usr/share/fonts/opentype/noto]

It writes the Regular and the Bold face (bold rows of the warning list, the
drill banner: a synthesised bold would be wider and blurred).

Needs fontTools (a build dependency, ``pip install fonttools``) and the Debian
package fonts-noto-cjk (the source font).
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "assets" / "fonts"
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
WEIGHTS = ("Regular", "Bold")  # NotoSansCJK-<weight>.ttc -> NotoSansSC-console-<weight>.otf
FAMILY_IN_COLLECTION = "Noto Sans CJK SC"
# The subset gets a family name of its own: the console asks for it by name, and it must
# not be confused with a full Noto Sans CJK SC installed on the machine.
FAMILY = "Noto Sans SC Console"
POSTSCRIPT = "NotoSansSCConsole"
# Printable ASCII, Latin-1, general punctuation, arrows, CJK symbols and punctuation,
# fullwidth forms, degree and per-mille signs: what labels, units and numbers use.
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2044), (0x2070, 0x209F), (0x2100, 0x215F),
          (0x2190, 0x21FF), (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


def gb2312_level1() -> set[str]:
    """The 3,755 hanzi of GB2312 level 1 (rows 16 to 55, by pinyin)."""
    chars = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # row 55 ends at cell 89
                chars.add(bytes((row, cell)).decode("gb2312"))
    return chars


def is_cjk(ch: str) -> bool:
    """A CJK character to keep. Not the radical blocks (U+2E80-U+2FDF): their glyphs are the
    ideographs' own (页 and U+2EDA), and Qt's PDF writer then writes the radical as the text
    of the ideograph, so pdftotext and a search in the PDF would not find the word."""
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def console_chars() -> set[str]:
    """Every CJK character in the console's translations, sources, layer catalogs and demo city."""
    chars: set[str] = set()
    files = [REPO / "assets" / "translations" / "console_zh_CN.ts"]
    files += sorted((REPO / "console").rglob("*.py"))
    files += sorted((REPO / "layers").rglob("*.toml")) + sorted((REPO / "assets").rglob("*.toml"))
    for path in files:
        chars |= {ch for ch in path.read_text(encoding="utf-8") if is_cjk(ch)}
    for gpkg in sorted((REPO / "layers").rglob("*.gpkg")):
        with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
            tables = [name for (name,) in db.execute("SELECT table_name FROM gpkg_contents")]
            for table in tables:
                columns = [c[1] for c in db.execute(f'PRAGMA table_info("{table}")') if c[2].upper() == "TEXT"]
                for column in columns:
                    for (value,) in db.execute(f'SELECT "{column}" FROM "{table}"'):
                        if isinstance(value, str):
                            chars |= {ch for ch in value if is_cjk(ch)}
    return chars


def collection_index(path: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    for index, font in enumerate(TTCollection(str(path)).fonts):
        if font["name"].getDebugName(1) == family:
            return index
    raise SystemExit(f"{path}: no font named {family!r} in the collection")


def rename(font, weight: str) -> None:
    """Give the subset its own family name (name IDs 1, 2, 3, 4, 6 and the typographic 16, 17)."""
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    postscript = f"{POSTSCRIPT}-{weight}"
    full = FAMILY if weight == "Regular" else f"{FAMILY} {weight}"
    for name_id, text in ((1, FAMILY), (2, weight), (3, f"{postscript};subset"), (4, full), (6, postscript)):
        table.setName(text, name_id, 3, 1, 0x409)
    font["CFF "].cff.fontNames = [postscript]


def subset_one(source: Path, weight: str, text: str, out: Path) -> None:
    from fontTools import subset

    unicodes = [code for low, high in RANGES for code in range(low, high + 1)]
    options = subset.Options()
    options.font_number = collection_index(source, FAMILY_IN_COLLECTION)
    options.layout_features = ["*"]  # vertical forms, locl: keep the shaping the SC face relies on
    options.name_IDs = ["*"]  # keep the licence fields
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # CFF hints add size and Qt renders CJK unhinted anyway
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text, unicodes=unicodes)
    subsetter.subset(font)
    rename(font, weight)
    partial = out.with_suffix(".tmp")
    subset.save_font(font, str(partial), options)
    partial.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", type=Path, help="folder of NotoSansCJK-Regular.ttc and -Bold.ttc (fonts-noto-cjk)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the subsets to")
    args = parser.parse_args(argv)
    folders = (args.fonts,) if args.fonts else FONT_DIRS
    folder = next((f for f in folders if all((f / f"NotoSansCJK-{w}.ttc").exists() for w in WEIGHTS)), None)
    if folder is None:
        print("subset_font: NotoSansCJK-Regular.ttc and -Bold.ttc not found; apt-get install fonts-noto-cjk, "
              "or pass --fonts", file=sys.stderr)
        return 2
    text = "".join(sorted(console_chars() | gb2312_level1()))
    hanzi = sum(1 for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF)
    args.out.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        out = args.out / f"NotoSansSC-console-{weight}.otf"
        subset_one(folder / f"NotoSansCJK-{weight}.ttc", weight, text, out)
        print(f"{out}: {hanzi} hanzi, {out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
