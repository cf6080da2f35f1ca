"""Generate the iDare article hero images (original abstract artwork).

Pillow only, fixed random seeds, so every run produces the same pictures.
Run from anywhere; the JPEGs are written next to this file:

    python content/images/make_images.py
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUT_DIR = Path(__file__).resolve().parent
W, H = 1600, 900


# --- small helpers ---------------------------------------------------------


def hex_rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def gradient(colours, size=(W, H)):
    """Smooth colour field from a tiny grid of hex colours (rows of columns)."""
    rows = [[hex_rgb(c) for c in row] for row in colours]
    tiny = Image.new("RGB", (len(rows[0]), len(rows)))
    tiny.putdata([c for row in rows for c in row])
    # Enlarge in two steps so the bilinear ramps stay smooth and free of seams.
    mid = tiny.resize((len(rows[0]) * 8, len(rows) * 8), Image.Resampling.BILINEAR)
    return mid.resize(size, Image.Resampling.BICUBIC)


def glow(size, centre, radius, strength=1.0, power=1.6):
    """Greyscale mask: a soft round light, bright at the centre, fading to 0."""
    radial = Image.radial_gradient("L")  # 256x256: 0 at the centre, 181 at the edge midpoints
    radial = radial.point(lambda v: int(255 * strength * max(0.0, 1 - v / 181) ** power))
    blob = radial.resize((radius * 2, radius * 2), Image.Resampling.BICUBIC)
    mask = Image.new("L", size, 0)
    mask.paste(blob, (int(centre[0] - radius), int(centre[1] - radius)))
    return mask


def paint(base, colour, mask):
    """Lay a flat colour over base through a greyscale mask."""
    layer = Image.new("RGB", base.size, hex_rgb(colour))
    return Image.composite(layer, base, mask)


def shape_mask(draw_fn, blur=0, size=(W, H), scale=2):
    """Anti-aliased mask: draw at `scale`x, shrink, then optionally soften."""
    big = Image.new("L", (size[0] * scale, size[1] * scale), 0)
    draw_fn(ImageDraw.Draw(big), scale)
    mask = big.resize(size, Image.Resampling.BOX)
    return mask.filter(ImageFilter.GaussianBlur(blur)) if blur else mask


def ellipse_mask(box, blur=0):
    return shape_mask(lambda d, s: d.ellipse([v * s for v in box], fill=255), blur)


def polygon_mask(points, blur=0):
    return shape_mask(lambda d, s: d.polygon([(x * s, y * s) for x, y in points], fill=255), blur)


def fade(mask, alpha):
    return mask.point(lambda v: int(v * alpha))


def grain(img, rng, amount=6):
    """Very faint film grain (about +/- amount levels), deterministic: seeded bytes, not C rand()."""
    noise = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
    noise = noise.filter(ImageFilter.GaussianBlur(0.7))
    noise = noise.point(lambda v: 128 + round((v - 128) / 128 * amount))
    return ImageChops.add(img, Image.merge("RGB", [noise] * 3), 1.0, -128)


def save(img, name):
    path = OUT_DIR / name
    # No exif / icc / comments are passed, so the file carries no metadata.
    # Full-resolution colour (4:4:4) avoids faint banding in the pale gradients.
    img.convert("RGB").save(path, "JPEG", quality=82, progressive=True, optimize=True, subsampling=0)
    print(f"{path.name}: {path.stat().st_size} bytes")


# --- the six pictures -----------------------------------------------------


def trust():
    """Two soft overlapping circles of warm peach and sage light on cream."""
    rng = random.Random(101)
    img = gradient([["#fbf6ec", "#f8f1e4", "#fbf6ec"], ["#f6eee0", "#f3ead9", "#f6ede0"]])
    r, cy = 285, 450
    circles = (("#f2bc9e", "#f8d8c2", 670, 0.85), ("#a9c3a0", "#d2e0c8", 930, 0.62))
    for colour, core, cx, alpha in circles:
        disc = ellipse_mask([cx - r, cy - r, cx + r, cy + r], blur=22)
        img = paint(img, colour, fade(disc, alpha))
        # A lighter heart to each circle, so it reads as light rather than paint.
        img = paint(img, core, glow(img.size, (cx, cy), r, 0.55, power=1.2))
    return grain(img, rng)


def anxiety():
    """Gentle horizontal waves in muted blues settling into still water."""
    rng = random.Random(202)
    img = gradient([["#dde6ee"], ["#c3d2df"], ["#a9bed1"], ["#98b0c6"]])
    lines = 15
    for i in range(lines):
        t = i / (lines - 1)
        y0 = 90 + t * 740
        amp = 34 * (1 - t) ** 1.6  # the waves quieten as they go down...
        wavelength = 420 + 260 * t
        phase = 0.55 * i + rng.uniform(-0.2, 0.2)

        def draw(d, s, y0=y0, amp=amp, wavelength=wavelength, phase=phase, width=int(18 - 8 * t)):
            pts = [(x * s, (y0 + amp * math.sin(x / wavelength * math.tau + phase)) * s) for x in range(-20, W + 21, 8)]
            d.line(pts, fill=255, width=width * s, joint="curve")

        colour = "#eef3f7" if i % 2 == 0 else "#88a2ba"
        img = paint(img, colour, fade(shape_mask(draw, blur=7 + 4 * t), 0.36 - 0.08 * t))
    # ...until the lowest water lies still, with one long pale reflection.
    shine = ellipse_mask([360, 858, 1240, 870], blur=8)
    img = paint(img, "#e3ebf2", fade(shine, 0.5))
    return grain(img, rng)


def boundaries():
    """A soft terracotta and sand arch framing an open doorway of pale light."""
    rng = random.Random(303)
    img = gradient([["#eedfc8", "#f1e4cf", "#eedfc8"], ["#e3cdae", "#e6d1b3", "#e2cbab"]])
    cx, base = 800, 900

    def arch(half_width, top):
        def draw(d, s):
            d.rectangle([(cx - half_width) * s, (top + half_width) * s, (cx + half_width) * s, base * s], fill=255)
            d.ellipse([(cx - half_width) * s, top * s, (cx + half_width) * s, (top + 2 * half_width) * s], fill=255)

        return draw

    # Sand outer frame, terracotta arch, then the pale doorway inside it.
    img = paint(img, "#d9bf98", fade(shape_mask(arch(360, 40), blur=24), 0.5))
    img = paint(img, "#e0c7a2", shape_mask(arch(345, 55), blur=3))
    img = paint(img, "#c57b5c", shape_mask(arch(300, 100), blur=3))
    img = paint(img, "#d08a6b", fade(shape_mask(arch(272, 128), blur=4), 0.6))
    door = shape_mask(arch(235, 165), blur=3)
    light = gradient([["#fdf6e9"], ["#fbefd9"], ["#f6e4c6"]])
    img = Image.composite(light, img, door)
    # Gentle brightness spilling from the opening.
    img = paint(img, "#fffaf0", ImageChops.multiply(glow(img.size, (cx, 520), 330, 0.75), door))
    floor = ellipse_mask([470, 850, 1130, 960], blur=30)
    img = paint(img, "#f8ead2", fade(floor, 0.5))
    return grain(img, rng)


def burnout():
    """A pale sun resting low over layered hills in dusky lilac and grey."""
    rng = random.Random(404)
    img = gradient([["#b9b0c8"], ["#cbc1d4"], ["#ddd2dc"], ["#e7dcdd"]])
    img = paint(img, "#f3e9df", glow(img.size, (980, 520), 420, 0.55, power=1.4))
    sun = ellipse_mask([900, 410, 1060, 570], blur=4)
    img = paint(img, "#f6eee4", fade(sun, 0.95))
    layers = [
        ("#bcb1c6", 560, 40, 6),
        ("#a9a0b5", 620, 48, 4),
        ("#96909f", 690, 42, 3),
        ("#847f8c", 770, 36, 2),
    ]
    for colour, level, amp, blur in layers:
        a1, a2 = rng.uniform(0, math.tau), rng.uniform(0, math.tau)
        f1, f2 = rng.uniform(0.8, 1.4), rng.uniform(2.0, 3.2)

        def draw(d, s, level=level, amp=amp, a1=a1, a2=a2, f1=f1, f2=f2):
            pts = []
            for x in range(-20, W + 21, 10):
                t = x / W * math.tau
                y = level - amp * (math.sin(t * f1 + a1) + 0.35 * math.sin(t * f2 + a2))
                pts.append((x * s, y * s))
            d.polygon(pts + [(W * s + 40, H * s), (-40, H * s)], fill=255)

        img = paint(img, colour, shape_mask(draw, blur=blur))
    return grain(img, rng)


def grief():
    """Soft ochre leaf shapes drifting across a quiet grey-green field."""
    rng = random.Random(505)
    img = gradient([["#b9c2b2", "#b3bdac", "#aab5a4"], ["#a5b19f", "#9daa98", "#94a28f"]])
    img = paint(img, "#c7cfc0", glow(img.size, (520, 300), 520, 0.5))

    def leaf(cx, cy, length, width, angle):
        """Pointed leaf outline: two gentle arcs meeting at tip and stem."""
        pts = []
        for i in range(41):
            t = i / 40
            pts.append((length * (t - 0.5), width * math.sin(math.pi * t) ** 0.9 * (1 - 0.25 * t)))
        outline = pts + [(x, -y) for x, y in reversed(pts)]
        ca, sa = math.cos(angle), math.sin(angle)
        return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in outline]

    # Leaves drift along a slow, falling curve; smaller ones sit further away and are hazier.
    for i in range(8):
        t = i / 7
        cx = 190 + t * 1220 + rng.uniform(-40, 40)
        cy = 250 + 330 * math.sin(t * 2.9 + 0.2) + rng.uniform(-40, 40)
        size = 0.55 + 0.45 * ((i * 5) % 8) / 7  # a fixed, uneven mix of near and far
        length, width = 220 * size, 66 * size
        angle = rng.uniform(-0.8, 0.8) + t * 0.7
        colour = ["#c99a45", "#d1a659", "#bf8f3e", "#d6b06a"][i % 4]
        pts = leaf(cx, cy, length, width, angle)
        mask = polygon_mask(pts, blur=14 - 11 * size)
        img = paint(img, colour, fade(mask, 0.35 + 0.45 * size))
        rib = leaf(cx, cy, length * 0.8, 1.5, angle)
        rib_mask = polygon_mask(rib, blur=1.5)
        img = paint(img, "#e3c585", fade(rib_mask, 0.3 * size))
    return grain(img, rng)


def asking_for_help():
    """Two curved ribbons of teal and gold reaching towards each other."""
    rng = random.Random(606)
    img = gradient([["#f3f1ea", "#f6f2e8", "#f5efe3"], ["#e8ece6", "#eeede5", "#f1ebdd"]])
    img = paint(img, "#fbf7ee", glow(img.size, (800, 450), 420, 0.8))

    def bezier(p0, p1, p2, p3, t):
        u = 1 - t
        weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
        return tuple(sum(w * p[k] for w, p in zip(weights, (p0, p1, p2, p3), strict=True)) for k in (0, 1))

    def ribbon(points, width, twist, front, back, scale=3):
        """RGBA ribbon following a cubic curve: it turns over gently (twist) and
        tapers towards its tip; the far side of each turn is drawn lighter."""
        layer = Image.new("RGBA", (W * scale, H * scale), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        front, back = hex_rgb(front), hex_rgb(back)
        n = 240
        prev = None
        for i in range(n + 1):
            t = i / n
            x, y = bezier(*points, t)
            x2, y2 = bezier(*points, min(1, t + 0.002))
            x1, y1 = bezier(*points, max(0, t - 0.002))
            norm = math.hypot(x2 - x1, y2 - y1) or 1
            nx, ny = -(y2 - y1) / norm, (x2 - x1) / norm
            turn = math.cos(twist * t + 0.6)  # +1 front face, -1 back face, 0 edge-on
            half = width * (0.2 + 0.8 * abs(turn)) * (1 - 0.55 * t**1.5) / 2
            edge = ((x + nx * half) * scale, (y + ny * half) * scale, (x - nx * half) * scale, (y - ny * half) * scale)
            if prev:
                mix = 0.5 + 0.5 * turn  # 1 = front face towards us, 0 = back face
                colour = tuple(int(b + (f - b) * mix) for f, b in zip(front, back, strict=True))
                quad = [prev[0:2], edge[0:2], edge[2:4], prev[2:4]]
                d.polygon(quad, fill=colour + (235,))
                d.line([prev[0:2], edge[0:2], edge[2:4], prev[2:4], prev[0:2]], fill=colour + (235,), width=2)
            prev = edge
        # Round off the reaching tip.
        r = half * scale
        d.ellipse([x * scale - r, y * scale - r, x * scale + r, y * scale + r], fill=colour + (235,))
        # Shrink and soften in premultiplied form so the edges keep their colour.
        layer = layer.convert("RGBa").resize((W, H), Image.Resampling.BOX)
        return layer.filter(ImageFilter.GaussianBlur(2)).convert("RGBA")

    teal = ribbon([(-120, 860), (300, 900), (380, 430), (735, 440)], 150, math.tau - 0.6, "#2f7a74", "#86bab3")
    gold = ribbon([(1720, 40), (1300, 0), (1220, 470), (865, 460)], 150, math.tau - 0.6, "#d49b3a", "#ecca86")
    img = img.convert("RGBA")
    for layer in (teal, gold):
        img = Image.alpha_composite(img, layer)
    return grain(img.convert("RGB"), rng)


IMAGES = {
    "building-trust-through-trust-issues.jpg": trust,
    "when-anxiety-gets-loud.jpg": anxiety,
    "boundaries-are-not-walls.jpg": boundaries,
    "running-on-empty-burnout.jpg": burnout,
    "grief-has-no-timetable.jpg": grief,
    "asking-for-help-is-a-strength.jpg": asking_for_help,
}


if __name__ == "__main__":
    for filename, make in IMAGES.items():
        save(make(), filename)
