#!/usr/bin/env python3
"""Renders a `tmux capture-pane -e -p` capture (text with SGR escapes) to a PNG, cell by cell.

usage: screenshots-render.py CAPTURE.ans OUT.png COLS ROWS
Colours follow xterm's palette; the terminal's default colours are a dark grey background and light
text, like a common dark terminal. Font: DejaVu Sans Mono (Debian fonts-dejavu-core).
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
DEFAULT_FG = (208, 208, 208)
DEFAULT_BG = (24, 24, 27)
ANSI = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205),
        (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234),
        (214, 112, 214), (41, 184, 219), (255, 255, 255)]


def xterm(i):
    if i < 16:
        return ANSI[i]
    if i >= 232:
        v = 8 + 10 * (i - 232)
        return (v, v, v)
    i -= 16
    levels = [0, 95, 135, 175, 215, 255]
    return (levels[i // 36], levels[i // 6 % 6], levels[i % 6])


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg, self.bg, self.bold, self.dim, self.underline, self.reverse, self.italic = None, None, False, False, False, False, False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = ANSI[c - 30]
            elif 40 <= c <= 47:
                self.bg = ANSI[c - 40]
            elif 90 <= c <= 97:
                self.fg = ANSI[c - 90 + 8]
            elif 100 <= c <= 107:
                self.bg = ANSI[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg or DEFAULT_BG
        if self.bold and self.fg in ANSI[:8]:
            fg = ANSI[ANSI.index(self.fg) + 8]
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def parse(text, cols, rows):
    """A grid of (char, fg, bg, bold, underline) cells."""
    grid = [[(" ", DEFAULT_FG, DEFAULT_BG, False, False) for _ in range(cols)] for _ in range(rows)]
    pen = Pen()
    for y, line in enumerate(text.split("\n")[:rows]):
        x = 0
        for token in re.split(r"(\x1b\[[0-9;]*[A-Za-z])", line):
            if token.startswith("\x1b["):
                if token.endswith("m"):
                    pen.apply(token[2:-1])
                continue
            for ch in token:
                if x < cols:
                    fg, bg = pen.colours()
                    grid[y][x] = (ch, fg, bg, pen.bold, pen.underline)
                x += 1
        # the rest of the line keeps the pen's background (tmux omits trailing blanks)
        fg, bg = pen.colours()
        for rest in range(x, cols):
            grid[y][rest] = (" ", fg, bg, False, False)
    return grid


# Braille chart dots (the font has none): bit → (column, row) of the 2×4 cell grid.
BRAILLE_DOTS = {0x01: (0, 0), 0x02: (0, 1), 0x04: (0, 2), 0x40: (0, 3), 0x08: (1, 0), 0x10: (1, 1), 0x20: (1, 2), 0x80: (1, 3)}


def braille(draw, bits, left, top, cw, ch, fg):
    r = max(1.0, cw / 8)
    for bit, (c, row) in BRAILLE_DOTS.items():
        if bits & bit:
            x, y = left + (c + 0.5) * cw / 2, top + (row + 0.5) * ch / 4
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fg)


def render(grid, out, size=15):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", size)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", size)
    ascent, descent = regular.getmetrics()
    cw, ch = round(regular.getlength("M")), ascent + descent
    pad = 12
    rows, cols = len(grid), len(grid[0])
    margin = grid[0][0][2]  # the screen's own background (a light theme's, say)
    image = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + 2 * pad), margin)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(grid):
        for x, (char, fg, bg, is_bold, underline) in enumerate(row):
            left, top = pad + x * cw, pad + y * ch
            draw.rectangle([left, top, left + cw - 1, top + ch - 1], fill=bg)
            if 0x2800 < ord(char) <= 0x28FF:
                braille(draw, ord(char) - 0x2800, left, top, cw, ch, fg)
            elif char != " ":
                draw.text((left, top), char, font=bold if is_bold else regular, fill=fg)
            if underline:
                draw.line([left, top + ch - 2, left + cw - 1, top + ch - 2], fill=fg)
    image.save(out, optimize=True)


if __name__ == "__main__":
    capture, out, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(capture, encoding="utf-8") as f:
        render(parse(f.read(), cols, rows), out)
