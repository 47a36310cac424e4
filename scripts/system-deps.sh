#!/usr/bin/env bash
# Debian packages the console and its tests need: a CJK font (district and
# facility names are Chinese), the EGL/xkb libraries Qt loads even offscreen,
# the xcb libraries Qt's X11 window needs (Qt 6.5+ wants libxcb-cursor0), and
# mosquitto (the MQTT broker the feed tests start on loopback), poppler-utils (the report
# tests read PDFs back with pdftotext), libpulse0 (QtMultimedia loads it for the alarm sound,
# even where no sound server runs), pulseaudio and its utilities (a test plays the chime into
# a null sink and records it back), postgresql (the shared alarm state's tests start a
# server of their own on loopback: tests/shared).
set -euo pipefail
need=()
fc-list :lang=zh 2>/dev/null | grep -qi "noto" || need+=(fonts-noto-cjk)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpulse.so.0 || need+=(libpulse0)
# A sound server with a null sink: the test that records the alarm chime back.
command -v pulseaudio >/dev/null 2>&1 && command -v parec >/dev/null 2>&1 || need+=(pulseaudio pulseaudio-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libGL.so.1 libdbus-1.so.3; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || { need+=(libegl1 libxkbcommon0 libfontconfig1 libgl1 libdbus-1-3); break; }
done
for lib in libxcb-cursor.so.0 libxkbcommon-x11.so.0 libxcb-icccm.so.4 libxcb-image.so.0 libxcb-keysyms.so.1 \
  libxcb-randr.so.0 libxcb-render-util.so.0 libxcb-shape.so.0 libxcb-xinerama.so.0 libxcb-xkb.so.1; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || { need+=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1); break; }
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: please install: ${need[*]}" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
