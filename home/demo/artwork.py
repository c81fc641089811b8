"""Hero pictures for the demo campaigns, drawn with Pillow so that no binary file lives in git.

Each picture is abstract (a gradient with shapes) and deterministic: the same style always gives the same
pixels, because shapes are placed by a `random.Random` seeded with the style's name.
"""

import functools
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFont

from home.demo.site_pages import ORGANISATION

WIDTH, HEIGHT = 1600, 900
_SCALE = 2  # drawn at twice the size and scaled down, for smooth edges


def _gradient(top_left, bottom_right):
    """A diagonal gradient between two RGB colours, at drawing size."""
    size = (WIDTH * _SCALE, HEIGHT * _SCALE)
    vertical = Image.linear_gradient("L").resize(size)
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    mask = ImageChops.add(vertical, ImageChops.invert(horizontal), scale=2.0)
    return Image.composite(Image.new("RGB", size, bottom_right), Image.new("RGB", size, top_left), mask)


def _rings(draw, rng):
    cx, cy = int(WIDTH * _SCALE * 0.68), int(HEIGHT * _SCALE * 0.55)
    for n in range(14):
        r = (90 + n * 85) * _SCALE // 2 * 2
        alpha = max(30, 200 - n * 12)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(150, 220, 235, alpha), width=5 * _SCALE)
    for _ in range(160):
        x, y = rng.randrange(WIDTH * _SCALE), rng.randrange(HEIGHT * _SCALE)
        draw.ellipse((x, y, x + 6, y + 6), fill=(255, 255, 255, rng.randrange(40, 120)))


def _mesh(draw, rng):
    points = [(rng.randrange(WIDTH * _SCALE), rng.randrange(HEIGHT * _SCALE)) for _ in range(70)]
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            if math.dist((x1, y1), (x2, y2)) < 420 * _SCALE // 2:
                draw.line((x1, y1, x2, y2), fill=(170, 240, 225, 70), width=2 * _SCALE)
    for x, y in points:
        r = rng.randrange(5, 12) * _SCALE
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(210, 255, 245, 200))


def _trails(draw, rng):
    tx, ty = int(WIDTH * _SCALE * 0.72), int(HEIGHT * _SCALE * 0.42)
    for _ in range(18):
        x, y = rng.randrange(WIDTH * _SCALE), rng.randrange(HEIGHT * _SCALE)
        steps = 28
        bend = rng.uniform(-0.5, 0.5)
        for s in range(steps):
            t = s / steps
            px = x + (tx - x) * t + math.sin(t * math.pi) * bend * 300 * _SCALE
            py = y + (ty - y) * t
            r = 4 * _SCALE
            draw.ellipse((px - r, py - r, px + r, py + r), fill=(255, 225, 200, 90 + int(120 * t)))
    for n in range(4):
        r = (30 + n * 28) * _SCALE
        draw.ellipse(
            (tx - r, ty - r, tx + r, ty + r), outline=(255, 240, 225, 200 - n * 45), width=4 * _SCALE
        )


STYLES = {
    "rings": ((22, 30, 84), (92, 46, 145), _rings),
    "mesh": ((10, 78, 88), (42, 38, 110), _mesh),
    "trails": ((70, 24, 72), (226, 104, 88), _trails),
}


@functools.cache  # a pure function; tests that load the demo repeatedly draw each picture once
def draw_hero(style):
    """JPEG bytes of the 1600×900 picture for `style` (a key of STYLES)."""
    top_left, bottom_right, shapes = STYLES[style]
    background = _gradient(top_left, bottom_right)
    overlay = Image.new("RGBA", background.size, (0, 0, 0, 0))
    shapes(ImageDraw.Draw(overlay), random.Random(style))
    picture = Image.alpha_composite(background.convert("RGBA"), overlay).convert("RGB")
    picture = picture.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@functools.cache
def draw_logo():
    """PNG bytes of the demo organisation's 480×160 logo: a shield in a teal badge, and its name beside it."""
    scale = _SCALE
    logo = Image.new("RGBA", (480 * scale, 160 * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    teal = (10, 78, 88)
    draw.rounded_rectangle((8 * scale, 8 * scale, 152 * scale, 152 * scale), radius=28 * scale, fill=teal)
    shield = [(80, 32), (124, 48), (120, 100), (80, 132), (40, 100), (36, 48)]
    draw.polygon([(x * scale, y * scale) for x, y in shield], fill=(255, 255, 255))
    draw.line(
        [(62 * scale, 82 * scale), (76 * scale, 98 * scale), (102 * scale, 64 * scale)],
        fill=teal,
        width=9 * scale,
    )
    font = ImageFont.load_default(size=34 * scale)
    words = ORGANISATION.split()
    lines = [" ".join(words[:2]), " ".join(words[2:])]
    for n, line in enumerate(lines):
        draw.text((172 * scale, (36 + n * 46) * scale), line, fill=(17, 17, 17), font=font)
    logo = logo.resize((480, 160), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
