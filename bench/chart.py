"""Draws the ratio chart of a benchmark run: ``python bench/chart.py results.json out.png``.

With matplotlib (pinned in ``bench/requirements.txt``, installed into ``.venv-bench``
by ``bench/run.sh``): a horizontal bar per workload, log scale, goals marked. Without
it: the same bars drawn into a PNG by hand (zlib only), labelled with a built-in
5x7 pixel font, so a run never ends without its chart.
"""

from __future__ import annotations

import importlib.util
import json
import math
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import table_rows


def load(path: Path) -> tuple[dict[str, Any], list[Any]]:
    report = json.loads(path.read_text())
    rows = [r for r in table_rows(report["results"]) if r.ratio is not None]
    return report, rows


def with_matplotlib(report: dict[str, Any], rows: list[Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [r.label for r in rows][::-1]
    ratios = [r.ratio for r in rows][::-1]
    goals = [r.goal for r in rows][::-1]
    colors = []
    for ratio, goal in zip(ratios, goals):
        if goal is not None:
            colors.append("#2e7d32" if ratio >= goal else "#c62828")
        else:
            colors.append("#1565c0" if ratio >= 1 else "#ef6c00")
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(rows) + 1.6), dpi=110)
    # Bars grow from 1x (parity) to the ratio, left for worse, right for better.
    bars = ax.barh(range(len(rows)), [r - 1.0 for r in ratios], left=1.0, color=colors)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    for i, goal in enumerate(goals):
        if goal is not None:
            ax.plot([goal, goal], [i - 0.42, i + 0.42], color="black", linewidth=2)
    for bar, ratio in zip(bars, ratios):
        ax.text(max(ratio, 1.0) * 1.04, bar.get_y() + bar.get_height() / 2, f"{ratio:.2f}×",
                va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_xlabel("ratio (reference / ours; > 1 is better); black tick = goal")
    lo = min(ratios + [0.5])
    hi = max(ratios + [g for g in goals if g] + [2])
    ax.set_xlim(lo / 1.5, hi * 2.2)
    ax.set_title(f"informix_db vs informix-driver {report['drivers'].get('ref', '?')} "
                 f"({report['machine']['date']}, {report['machine']['cores']} cores)",
                 fontsize=10)
    ax.grid(axis="x", which="both", alpha=0.25)
    fig.tight_layout()
    fig.savefig(out)


# ---------------------------------------------------------------------------
# fallback: a PNG drawn by hand
# ---------------------------------------------------------------------------

# 5x7 glyphs, one string of 7 rows of 5 bits per character.
_FONT = {
    " ": "00000" * 7,
    "0": "01110100011001110101110011000101110", "1": "00100011000010000100001000010001110",
    "2": "01110100010000100010001000100011111", "3": "11110000010000101110000010000111110",
    "4": "00010001100101010010111110001000010", "5": "11111100001111000001000011000101110",
    "6": "00110010001000011110100011000101110", "7": "11111000010001000100010000100001000",
    "8": "01110100011000101110100011000101110", "9": "01110100011000101111000010001001100",
    ".": "00000000000000000000000000110001100", "M": "10001110111010110101100011000110001",
    "/": "00001000010001000100010001000010000", ",": "00000000000000000110001100010001000",
    "(": "00010001000100001000010000010000010", ")": "01000001000001000010000100010001000",
    "+": "00000001000010011111001000010000000", "-": "00000000000000011111000000000000000",
    ">": "10000010000010000010001000100010000", "X": "10001100010101000100010101000110001",
    ":": "00000011000110000000011000110000000", "=": "00000000001111100000111110000000000",
}


def _glyph(ch: str) -> str:
    """Capitals only (the font has no lower case); unknown characters draw as spaces."""
    ch = ch.upper()
    return _BIG.get(ch) or _FONT.get(ch) or _FONT[" "]


_BIG = {
    "A": "01110100011000111111100011000110001", "B": "11110100011000111110100011000111110",
    "C": "01110100011000010000100001000101110", "D": "11110100011000110001100011000111110",
    "E": "11111100001000011110100001000011111", "F": "11111100001000011110100001000010000",
    "G": "01110100011000010111100011000101111", "H": "10001100011000111111100011000110001",
    "I": "01110001000010000100001000010001110", "J": "00111000100001000010000101001001100",
    "K": "10001100101010011000101001001010001", "L": "10000100001000010000100001000011111",
    "N": "10001110011010110011100011000110001", "O": "01110100011000110001100011000101110",
    "P": "11110100011000111110100001000010000", "Q": "01110100011000110001101011001001101",
    "R": "11110100011000111110101001001010001", "S": "01111100001000001110000010000111110",
    "T": "11111001000010000100001000010000100", "U": "10001100011000110001100011000101110",
    "V": "10001100011000110001100010101000100", "W": "10001100011000110101101011010101010",
    "Y": "10001100010101000100001000010000100", "Z": "11111000010001000100010001000011111",
}


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width, height
        self.px = bytearray(b"\xff" * (width * height * 3))

    def rect(self, x0: int, y0: int, x1: int, y1: int, rgb: tuple[int, int, int]) -> None:
        for y in range(max(0, y0), min(self.h, y1)):
            row = y * self.w * 3
            for x in range(max(0, x0), min(self.w, x1)):
                self.px[row + 3 * x: row + 3 * x + 3] = bytes(rgb)

    def text(self, x: int, y: int, s: str, rgb: tuple[int, int, int] = (0, 0, 0)) -> None:
        for i, ch in enumerate(s):
            bits = _glyph(ch)
            for r in range(7):
                for c in range(5):
                    if bits[r * 5 + c] == "1":
                        self.rect(x + i * 6 + c, y + r, x + i * 6 + c + 1, y + r + 1, rgb)

    def save(self, path: Path) -> None:
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(tag: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + tag + data
                    + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

        png = (b"\x89PNG\r\n\x1a\n"
               + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        path.write_bytes(png)


def by_hand(report: dict[str, Any], rows: list[Any], out: Path) -> None:
    label_w = 6 * max(len(r.label) for r in rows) + 12
    plot_w = 520
    line_h = 16
    width, height = label_w + plot_w + 80, line_h * len(rows) + 50
    canvas = Canvas(width, height)
    hi = max([r.ratio for r in rows] + [r.goal or 0 for r in rows] + [2.0]) * 1.5
    lo = min([r.ratio for r in rows] + [0.5]) / 1.5
    span = math.log(hi) - math.log(lo)

    def xpos(v: float) -> int:
        return label_w + int(plot_w * (math.log(v) - math.log(lo)) / span)

    canvas.text(8, 8, "RATIO REFERENCE / OURS (LOG SCALE, > 1 IS BETTER; BLACK TICK = GOAL)")
    top = 28
    for i, r in enumerate(rows):
        y = top + i * line_h
        canvas.text(8, y + 4, r.label)
        if r.goal is not None:
            color = (46, 125, 50) if r.ratio >= r.goal else (198, 40, 40)
        else:
            color = (21, 101, 192) if r.ratio >= 1 else (239, 108, 0)
        x1 = xpos(r.ratio)
        x0 = xpos(1.0)
        canvas.rect(min(x0, x1), y + 2, max(x0, x1) + 1, y + line_h - 3, color)
        canvas.text(max(x0, x1) + 4, y + 4, f"{r.ratio:.2f}x")
        if r.goal is not None:
            gx = xpos(r.goal)
            canvas.rect(gx - 1, y, gx + 2, y + line_h - 1, (0, 0, 0))
    canvas.rect(xpos(1.0), top - 4, xpos(1.0) + 1, top + line_h * len(rows), (0, 0, 0))
    canvas.save(out)


def main() -> int:
    results, out = Path(sys.argv[1]), Path(sys.argv[2])
    report, rows = load(results)
    if not rows:
        print("chart: no workload has both drivers' numbers; nothing to draw", file=sys.stderr)
        return 1
    if importlib.util.find_spec("matplotlib") is not None:
        with_matplotlib(report, rows, out)
    else:
        by_hand(report, rows, out)
        print("chart: matplotlib not installed; drew the chart by hand", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
