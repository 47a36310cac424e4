"""The bundled Chinese font: registered at start, and it draws 图例 on a machine with no Chinese font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from console.ui.fonts import BUNDLED_FAMILY, BUNDLED_FONT, BUNDLED_FONTS, map_font_family

REPO = BUNDLED_FONT.parents[2]

# Runs in a child whose fontconfig knows no font at all: what it draws comes from the bundled file.
NO_SYSTEM_FONTS = textwrap.dedent("""
    import json
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QRawFont
    from PySide6.QtCore import Qt
    app = QGuiApplication([])
    before = [f for f in QFontDatabase.families()
              if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(f)]
    from console.ui.app import application
    application("zh_CN")
    family = app.font().family()

    def ink(text):
        image = QImage(160, 60, QImage.Format.Format_Grayscale8)
        image.fill(255)
        painter = QPainter(image)
        font = QFont(family)
        font.setPixelSize(40)
        painter.setFont(font)
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        pixels = bytes(image.constBits())
        return sum(1 for p in pixels if p < 128), pixels

    legend, legend_pixels = ink("图例")
    tofu, tofu_pixels = ink("\\ue000\\ue001")  # private use: no font has them, Qt draws its boxes
    raw = QRawFont.fromFont(QFont(family))
    print(json.dumps({"cjk_before": before, "family": family, "raw_family": raw.familyName(),
                      "supports": [raw.supportsCharacter(ord(c)) for c in "图例"],
                      "legend_ink": legend, "tofu_ink": tofu, "same_as_tofu": legend_pixels == tofu_pixels}))
""")


def test_bundled_font_is_registered_and_covers_the_console_text(qapp):
    family = map_font_family()
    assert family == BUNDLED_FAMILY
    raw = QRawFont.fromFont(QFont(family))
    assert raw.familyName() == BUNDLED_FAMILY
    # The translations' words, the report's and a district of the demo city, and common hanzi of GB2312.
    for text in ("图例", "告警", "特别重大", "交接班报告", "东城区", "邮政"):
        assert all(raw.supportsCharacter(ord(ch)) for ch in text), text
    # A true bold face: bold text is not a smeared regular.
    bold = QFont(family)
    bold.setBold(True)
    assert QRawFont.fromFont(bold).weight() >= 700
    assert QFontDatabase.styles(family) == ["Regular", "Bold"] or set(QFontDatabase.styles(family)) >= {"Bold"}


def test_bundled_font_is_a_few_megabytes_with_its_licence():
    assert 1e6 < sum(path.stat().st_size for path in BUNDLED_FONTS) < 5e6
    licence = (BUNDLED_FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_chinese_renders_with_no_system_font(tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{empty}</dir>'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(REPO), "QT_LOGGING_RULES": "qt.qpa.fonts=false"}
    done = subprocess.run([sys.executable, "-c", NO_SYSTEM_FONTS], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cjk_before"] == []  # the child really has no Chinese font of the system's
    assert result["family"] == BUNDLED_FAMILY
    assert result["raw_family"] == BUNDLED_FAMILY
    assert result["supports"] == [True, True]
    assert result["legend_ink"] > 200  # strokes of two hanzi at 40 px
    assert not result["same_as_tofu"]
