#!/usr/bin/env python3
"""Generates tests/Fixtures/images: small PNG and JPEG files and Pillow's decoding of each, plus Pillow resize and
Janus-Pro resize-and-pad references, for the SDK's image codec tests (src/Core/Imaging).

    python3 tools/images/make_image_fixtures.py [--out tests/Fixtures/images]

Needs Pillow and numpy. The committed fixtures were made on the GPU machine (see manifest.json "environment");
the script is deterministic given the same Pillow, libjpeg-turbo, zlib and numpy.

Layout of the output:
  png/*.png, jpeg/*.jpg, corrupt/*   the inputs
  expected/*.gz                      raw arrays (uint8 HWC, or little-endian uint16 for 16-bit grey), each row
                                     delta-coded byte-wise against the previous pixel (see save_array), gzip
  manifest.json                      one entry per input: what it is, its decoded size, and which arrays to expect

Reference semantics (what a test compares):
  rgb   Image.open(f) -> ImageOps.exif_transpose -> .convert("RGB")
  rgba  the same with .convert("RGBA")
  gray16  np.array(im) of a 16-bit greyscale PNG (Pillow mode I or I;16); its convert("RGB") clips at 255, so the
          SDK's rule (high byte) is checked against this array instead
  rgba_spec  only where Pillow's RGBA departs from the PNG specification (tRNS of sub-8-bit or 16-bit images):
          the writer's own specification-exact pixels, with the reason in "pillow_rgba_deviates"
"""

import argparse
import gzip
import io
import json
import os
import platform
import struct
import sys
import zlib

import numpy as np
import PIL
from PIL import Image, ImageOps, features

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jpegwrite  # noqa: E402
import pngwrite  # noqa: E402

OUT = None
MANIFEST = {}


def save_array(name, array):
    """Writes a uint8 (H, W, C) or uint16 (H, W) array as gzip of its bytes after a left-neighbour delta along each
    row (byte-wise, modulo 256, as PNG's Sub filter): smooth images then compress several times better. The
    reader undoes it with a running sum per row and channel."""
    path = f"expected/{name}.gz"
    raw = np.ascontiguousarray(array)
    row_bytes = raw.reshape(raw.shape[0], -1).view(np.uint8)
    stride = raw.dtype.itemsize * (raw.shape[2] if raw.ndim == 3 else 1)
    delta = row_bytes.copy()
    delta[:, stride:] = row_bytes[:, stride:] - row_bytes[:, :-stride]
    data = delta.tobytes()
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    return path


def write_input(folder, name, data):
    path = f"{folder}/{name}"
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(data)
    return path


def pillow_open(path):
    im = Image.open(os.path.join(OUT, path))
    im.load()
    return ImageOps.exif_transpose(im)


def pillow_outcome(path):
    """How Pillow fares on a (corrupt) file: None when it decodes, else the exception's type and message."""
    try:
        im = Image.open(os.path.join(OUT, path))
        im.load()
        im.convert("RGB")
        return None
    except Exception as e:  # noqa: BLE001 - any failure is the observation we record
        return f"{type(e).__name__}: {e}".replace(OUT + os.sep, "")


# ---------------------------------------------------------------- content

def photo(width, height, seed, noise=4.0):
    """A photo-like RGB image: smooth colour fields, hard edges, a thin line, mild noise."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 100 * np.sin(x / 7.0 + y / 11.0)
    g = 128 + 90 * np.cos(x / 5.0 - y / 9.0)
    b = 40 + 170 * (x + y) / (width + height)
    img = np.stack([r, g, b], axis=-1)
    img[(x > width * 0.55) & (x < width * 0.8) & (y > height * 0.2) & (y < height * 0.6)] = [250, 30, 20]
    img[(np.abs(x - y * width / height) < 1.0)] = [10, 10, 10]
    img += rng.normal(0, noise, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def sample_grid(width, height, channels, maxval, seed):
    """PNG samples: gradients on the left half, noise on the right, so every filter sees both."""
    rng = np.random.RandomState(seed)
    grid = []
    for y in range(height):
        row = []
        for x in range(width):
            if x < width // 2:
                px = tuple(((x * 5 + y * 3 + c * 7) * (maxval + 1) // 64) % (maxval + 1) for c in range(channels))
            else:
                px = tuple(int(rng.randint(0, maxval + 1)) for _ in range(channels))
            row.append(px)
        grid.append(row)
    return grid


# ---------------------------------------------------------------- PNG

def guarded(section):
    """Runs an add_* call; if Pillow cannot decode a fixture (a Pillow quirk, as for 3x1 sampling in Pillow 9.4),
    the fixture is left out and the failure recorded in the manifest instead of stopping the single GPU run."""
    def wrap(fn):
        def run(name, *args, **kwargs):
            try:
                return fn(name, *args, **kwargs)
            except Exception as e:  # noqa: BLE001
                MANIFEST["left_out"].append({"section": section, "name": name, "error": f"{type(e).__name__}: {e}"})
                return None
        return run
    return wrap


@guarded("png")
def add_png(name, data, *, spec=None, note=None):
    path = write_input("png", name + ".png", data)
    im = pillow_open(path)
    entry = {"name": name, "file": path, "width": im.width, "height": im.height, "pillow_mode": im.mode}
    if note:
        entry["note"] = note
    if im.mode in ("I", "I;16", "I;16B"):
        gray16 = np.array(im).astype("<u2")
        entry["expected_gray16"] = save_array(name + ".gray16", gray16)
        if spec is None:  # opaque 16-bit grey written by Pillow: the high byte, alpha 255
            high = (gray16 >> 8).astype(np.uint8)
            spec = np.dstack([high, high, high, np.full_like(high, 255)]).tobytes()
    else:
        entry["expected_rgb"] = save_array(name + ".rgb", np.array(im.convert("RGB")))
    rgba = np.array(im.convert("RGBA"))
    entry["expected_rgba"] = save_array(name + ".rgba", rgba)
    if spec is not None:
        spec_arr = np.frombuffer(spec, dtype=np.uint8).reshape(im.height, im.width, 4)
        if not np.array_equal(spec_arr, rgba):
            colour_differs = not np.array_equal(spec_arr[..., :3], rgba[..., :3])
            if im.mode not in ("I", "I;16", "I;16B") and colour_differs:
                raise ValueError("Pillow's colours differ from the specification: the writer or Pillow is wrong")
            entry["expected_rgba_spec"] = save_array(name + ".rgba_spec", spec_arr)
            entry["pillow_rgba_deviates"] = (
                "Pillow compares tRNS with samples after scaling to 8 bits (or not at all below 8 bits), so no pixel "
                "becomes transparent; the specification compares at the image's bit depth"
                if not colour_differs else "Pillow's RGBA of 16-bit grey clips the 16-bit value at 255")
    MANIFEST["png"].append(entry)


def make_pngs():
    valid = {0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]}
    seed = 1
    for interlace in (False, True):
        for ct, depths in valid.items():
            for depth in depths:
                seed += 1
                w, h = 37, 23
                maxval = (1 << depth) - 1
                palette = trns = None
                if ct == 3:
                    entries = min(1 << depth, 200)
                    rng = np.random.RandomState(seed)
                    palette = [tuple(int(v) for v in rng.randint(0, 256, 3)) for _ in range(entries)]
                    maxval = entries - 1
                px = sample_grid(w, h, pngwrite.CHANNELS[ct], maxval, seed)
                name = f"ct{ct}_{depth}bit{'_adam7' if interlace else ''}"
                data = pngwrite.write_png(px, w, h, ct, depth, palette=palette, interlace=interlace,
                                          idat_split=97 if interlace else None)
                add_png(name, data, spec=pngwrite.spec_rgba(px, w, h, ct, depth, palette))

    # Adam7 with passes that are empty or one pixel wide.
    for w, h in ((1, 1), (2, 2), (3, 7), (9, 1), (5, 5)):
        px = sample_grid(w, h, 3, 255, w * 10 + h)
        add_png(f"adam7_rgb_{w}x{h}", pngwrite.write_png(px, w, h, 2, 8, interlace=True),
                spec=pngwrite.spec_rgba(px, w, h, 2, 8))
        px = sample_grid(w, h, 1, 1, w * 10 + h)
        add_png(f"adam7_gray1_{w}x{h}", pngwrite.write_png(px, w, h, 0, 1, interlace=True),
                spec=pngwrite.spec_rgba(px, w, h, 0, 1))

    # Each filter alone, over a whole image.
    for f in range(5):
        px = sample_grid(19, 11, 4, 255, 40 + f)
        add_png(f"filter{f}_rgba", pngwrite.write_png(px, 19, 11, 6, 8, filter_for_row=lambda y, f=f: f),
                spec=pngwrite.spec_rgba(px, 19, 11, 6, 8))

    # tRNS: single transparent grey or colour, partial palette alpha, palette indices past PLTE.
    def with_value(px, value, every=7):
        return [[value if (x + y) % every == 0 else p for x, p in enumerate(row)] for y, row in enumerate(px)]

    for depth in (1, 2, 4, 8, 16):
        maxval = (1 << depth) - 1
        t = maxval // 3 if depth > 1 else 1
        px = with_value(sample_grid(21, 13, 1, maxval, 60 + depth), (t,))
        trns = struct.pack(">H", t)
        for interlace in (False, True):
            name = f"gray{depth}_trns{'_adam7' if interlace else ''}"
            add_png(name, pngwrite.write_png(px, 21, 13, 0, depth, trns=trns, interlace=interlace),
                    spec=pngwrite.spec_rgba(px, 21, 13, 0, depth, trns=trns))
    for depth in (8, 16):
        maxval = (1 << depth) - 1
        t = (maxval // 5, maxval // 2, maxval // 7)
        px = with_value(sample_grid(21, 13, 3, maxval, 70 + depth), t)
        trns = struct.pack(">3H", *t)
        add_png(f"rgb{depth}_trns", pngwrite.write_png(px, 21, 13, 2, depth, trns=trns),
                spec=pngwrite.spec_rgba(px, 21, 13, 2, depth, trns=trns))
    for depth in (2, 4, 8):
        rng = np.random.RandomState(80 + depth)
        entries = min(1 << depth, 50)
        palette = [tuple(int(v) for v in rng.randint(0, 256, 3)) for _ in range(entries)]
        trns = bytes(int(v) for v in rng.randint(0, 256, max(1, entries - 1)))
        px = sample_grid(21, 13, 1, entries - 1, 90 + depth)
        add_png(f"palette{depth}_trns", pngwrite.write_png(px, 21, 13, 3, depth, palette=palette, trns=trns,
                                                            interlace=depth == 4),
                spec=pngwrite.spec_rgba(px, 21, 13, 3, depth, palette, trns))
    rng = np.random.RandomState(99)
    palette = [tuple(int(v) for v in rng.randint(0, 256, 3)) for _ in range(40)]
    px = sample_grid(16, 16, 1, 63, 100)
    # No specification here (libpng shows black); Pillow's choice is the reference.
    add_png("palette8_index_past_plte", pngwrite.write_png(px, 16, 16, 3, 8, palette=palette),
            note="indices 40..63 are past the 40-entry PLTE")

    # Ancillary chunks before and after IDAT are skipped; eXIf orientation is applied.
    px = sample_grid(23, 17, 3, 255, 110)
    extra = pngwrite.chunk(b"gAMA", struct.pack(">I", 45455)) + pngwrite.chunk(b"tEXt", b"Comment\x00fixture")
    add_png("ancillary_chunks", pngwrite.write_png(px, 23, 17, 2, 8, extra_before=extra,
                                                   extra_after=pngwrite.chunk(b"tIME", bytes(7))),
            spec=pngwrite.spec_rgba(px, 23, 17, 2, 8))

    # Pillow's own encoder (zlib level 6, its filter choice), for every mode it writes.
    src = photo(41, 27, 5)
    base = Image.fromarray(src)
    variants = {
        "pillow_rgb": base,
        "pillow_rgba": Image.fromarray(np.dstack([src, (np.arange(41 * 27) % 256).reshape(27, 41).astype(np.uint8)])),
        "pillow_l": base.convert("L"),
        "pillow_la": base.convert("LA"),
        "pillow_1": base.convert("1"),
        "pillow_p": base.convert("P", palette=Image.Palette.ADAPTIVE, colors=64),
        "pillow_i16": Image.fromarray((np.array(base.convert("L")).astype(np.uint16) * 257 + 3)),
    }
    for name, im in variants.items():
        buf = io.BytesIO()
        if name == "pillow_p":
            im.save(buf, "PNG", transparency=5)
        else:
            im.save(buf, "PNG")
        add_png(name, buf.getvalue())
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    base.save(buf, "PNG", exif=exif.tobytes())
    add_png("pillow_rgb_exif6", buf.getvalue(), note="eXIf orientation 6: decoded rotated 90 degrees clockwise")


def make_corrupt_pngs():
    px = sample_grid(29, 19, 3, 255, 200)
    good = pngwrite.write_png(px, 29, 19, 2, 8)
    idat = good.index(b"IDAT") - 4
    idat_len = struct.unpack(">I", good[idat:idat + 4])[0]
    end_of_idat = idat + 12 + idat_len

    def rechunk(kind, payload):
        return good[:idat] + pngwrite.chunk(kind, payload) + good[end_of_idat:]

    raw = pngwrite.image_data(px, 29, 19, 2, 8, False, lambda y: y % 5)
    stream = zlib.compress(raw, 9)
    bad_filter = bytearray(raw)
    bad_filter[(29 * 3 + 1) * 4] = 7  # filter byte of scanline 4
    cases = {
        "bad_signature": b"\x89PNG\r\n\x1a\x0b" + good[8:],
        "truncated_in_idat": good[:idat + 8 + idat_len // 2],
        "truncated_before_iend": good[:end_of_idat],
        "ihdr_crc": good[:29] + bytes([good[29] ^ 0x01]) + good[30:],
        "idat_crc": good[:idat + 20] + bytes([good[idat + 20] ^ 0x40]) + good[idat + 21:],
        "bad_filter_type": rechunk(b"IDAT", zlib.compress(bytes(bad_filter), 9)),
        "corrupt_deflate": rechunk(b"IDAT", stream[:10] + bytes([0xFF] * 40) + stream[50:]),
        "adler_mismatch": rechunk(b"IDAT", stream[:-1] + bytes([stream[-1] ^ 0x55])),
        "too_little_data": rechunk(b"IDAT", zlib.compress(raw[:len(raw) // 2], 9)),
        "too_much_data": rechunk(b"IDAT", zlib.compress(raw + bytes(300), 9)),
        "chunk_length_huge": good[:idat] + struct.pack(">I", 0x7FFFFFF0) + good[idat + 4:],
        "missing_plte": pngwrite.write_png([[(i % 4,) for i in range(8)]] * 4, 8, 4, 3, 2),
        "bomb_20000x20000": pngwrite.write_png(None, 20000, 20000, 0, 1,
                                               filtered_override=bytes(2501 * 16)),
        "empty": b"",
        "bit_depth_4_truecolour": good[:8] + pngwrite.chunk(b"IHDR", struct.pack(">IIBBBBB", 29, 19, 4, 2, 0, 0, 0))
        + good[33:],
        "unknown_critical_chunk": good[:idat] + pngwrite.chunk(b"ZZZZ", b"1234") + good[idat:],
    }
    for name, data in cases.items():
        path = write_input("corrupt", f"{name}.png", data)
        MANIFEST["corrupt"].append({"name": f"png_{name}", "file": path, "pillow": pillow_outcome(path)})


# ---------------------------------------------------------------- JPEG

@guarded("jpeg")
def add_jpeg(name, data=None, *, image=None, note=None, **save):
    if data is None:
        buf = io.BytesIO()
        image.save(buf, "JPEG", **save)
        data = buf.getvalue()
    path = write_input("jpeg", name + ".jpg", data)
    im = pillow_open(path)
    entry = {"name": name, "file": path, "width": im.width, "height": im.height, "pillow_mode": im.mode,
             "expected_rgb": save_array(name + ".rgb", np.array(im.convert("RGB")))}
    if save:
        entry["pillow_save"] = {k: (v if isinstance(v, (int, str, bool)) else "bytes") for k, v in save.items()}
    if note:
        entry["note"] = note
    MANIFEST["jpeg"].append(entry)
    return data


def components(rgb, layout, ids=(1, 2, 3), transform=True):
    """Planes for the encoder: YCbCr (JFIF equations) or the RGB channels themselves."""
    f = rgb.astype(np.float64)
    if transform:
        y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
        cb = -0.168736 * f[..., 0] - 0.331264 * f[..., 1] + 0.5 * f[..., 2] + 128
        cr = 0.5 * f[..., 0] - 0.418688 * f[..., 1] - 0.081312 * f[..., 2] + 128
        planes = [y, cb, cr]
    else:
        planes = [f[..., 0], f[..., 1], f[..., 2]]
    planes = [np.clip(np.rint(p), 0, 255).astype(np.uint8) for p in planes]
    return [jpegwrite.Component(ids[i], h, v, 0 if i == 0 else 1, planes[i]) for i, (h, v) in enumerate(layout)]


def make_jpegs():
    src = photo(61, 45, 7)
    im = Image.fromarray(src)
    gray = im.convert("L")
    for progressive in (False, True):
        kind = "progressive" if progressive else "baseline"
        for sub, label in ((0, "444"), (1, "422"), (2, "420")):
            add_jpeg(f"{kind}_{label}", image=im, quality=90, subsampling=sub, progressive=progressive)
        add_jpeg(f"{kind}_gray", image=gray, quality=90, progressive=progressive)
    add_jpeg("baseline_420_optimized", image=im, quality=85, subsampling=2, optimize=True)
    add_jpeg("baseline_444_q100", image=im, quality=100, subsampling=0)
    add_jpeg("baseline_420_q5", image=im, quality=5, subsampling=2)
    add_jpeg("progressive_420_q100", image=im, quality=100, subsampling=2, progressive=True)
    big = Image.fromarray(photo(256, 160, 8))
    add_jpeg("progressive_420_256x160", image=big, quality=80, subsampling=2, progressive=True)
    add_jpeg("baseline_422_256x160", image=big, quality=80, subsampling=1)
    for w, h in ((1, 1), (2, 2), (3, 5), (17, 9), (16, 16)):
        small = Image.fromarray(photo(w, h, w + h))
        add_jpeg(f"baseline_420_{w}x{h}", image=small, quality=90, subsampling=2)
        add_jpeg(f"baseline_422_{w}x{h}", image=small, quality=90, subsampling=1)
    k = (np.arange(61 * 45) % 200).reshape(45, 61).astype(np.uint8)
    cmyk = Image.frombytes("CMYK", (61, 45), np.ascontiguousarray(np.dstack([src, k])).tobytes())
    add_jpeg("baseline_cmyk", image=cmyk, quality=90, note="Pillow writes Adobe APP14, inverted CMYK")

    orient_src = Image.fromarray(photo(40, 24, 9))
    for o in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        add_jpeg(f"exif_orientation_{o}", image=orient_src, quality=90, subsampling=2, exif=exif.tobytes())

    # Structures only our encoder writes.
    path = lambda n: os.path.join(OUT, "jpeg", n + ".jpg")  # noqa: E731
    cases = [
        ("restart_420_every3", dict(layout=[(2, 2), (1, 1), (1, 1)], restart=3)),
        ("restart_444_every1", dict(layout=[(1, 1), (1, 1), (1, 1)], restart=1)),
        ("sampling_440", dict(layout=[(1, 2), (1, 1), (1, 1)])),
        ("sampling_411", dict(layout=[(4, 1), (1, 1), (1, 1)])),
        ("sampling_mixed_22_11_21", dict(layout=[(2, 2), (1, 1), (2, 1)])),
        ("sampling_chroma_larger", dict(layout=[(1, 1), (2, 1), (1, 2)])),
        ("sampling_42_11_11", dict(layout=[(4, 2), (1, 1), (1, 1)])),
        ("noninterleaved_420", dict(layout=[(2, 2), (1, 1), (1, 1)], scans=[[0], [1], [2]])),
        ("sof1_quant16", dict(layout=[(2, 1), (1, 1), (1, 1)], sof=0xC1, quant_precision=1)),
        ("rgb_component_ids", dict(layout=[(1, 1)] * 3, ids=(82, 71, 66), transform=False, jfif=False)),
        ("rgb_adobe_transform0", dict(layout=[(1, 1)] * 3, transform=False, jfif=False, adobe=0)),
        ("progressive_restart_420", dict(layout=[(2, 2), (1, 1), (1, 1)], restart=5, progressive=True, scans=[
            ([0, 1, 2], 0, 0, 0, 1), ([0], 1, 5, 0, 0), ([1], 1, 63, 0, 0), ([2], 1, 63, 0, 0), ([0], 6, 63, 0, 0),
            ([0, 1, 2], 0, 0, 1, 0)])),
        ("progressive_restart_noninterleaved_dc", dict(layout=[(1, 1), (1, 1), (1, 1)], restart=2,
                                                       progressive=True, scans=[
            ([0], 0, 0, 0, 0), ([1], 0, 0, 0, 0), ([2], 0, 0, 0, 0), ([0], 1, 63, 0, 0), ([1], 1, 63, 0, 0),
            ([2], 1, 63, 0, 0)])),
    ]
    for name, opts in cases:
        layout = opts.pop("layout")
        ids = opts.pop("ids", (1, 2, 3))
        transform = opts.pop("transform", True)
        comps = components(src, layout, ids, transform)
        add_jpeg(name, jpegwrite.encode(path(name), 61, 45, comps, quality=85, **opts),
                 note="written by tools/images/jpegwrite.py")
    k = (np.arange(61 * 45) % 200).reshape(45, 61).astype(np.uint8)
    comps = components(src, [(1, 1), (1, 1), (1, 1)], transform=False) + [jpegwrite.Component(4, 1, 1, 0, k)]
    add_jpeg("cmyk_no_adobe", jpegwrite.encode(path("cmyk_no_adobe"), 61, 45, comps, quality=85, jfif=False),
             note="written by tools/images/jpegwrite.py; no APP14, so libjpeg takes it as plain CMYK")
    # Fill bytes before markers and bytes after EOI, both to be skipped.
    base = add_jpeg("baseline_420_plain", image=im, quality=90, subsampling=2)
    if base is not None:
        dqt = next(s for s in segments(base) if s[0] == 0xDB)[1]
        add_jpeg("fill_bytes_and_trailing_data", base[:dqt] + b"\xFF\xFF\xFF" + base[dqt:] + b"trailing bytes",
                 note="0xFF fill bytes before DQT (T.81 B.1.1.2) and data after EOI")
    # YCCK (Adobe transform 2): four components, the fourth (K) kept as is.
    k = (np.arange(61 * 45) % 180).reshape(45, 61).astype(np.uint8)
    comps = components(src, [(2, 2), (1, 1), (1, 1)]) + [jpegwrite.Component(4, 2, 2, 0, k)]
    add_jpeg("ycck_adobe_transform2", jpegwrite.encode(path("ycck_adobe_transform2"), 61, 45, comps, quality=85,
                                                       jfif=False, adobe=2),
             note="written by tools/images/jpegwrite.py")
    comps = [jpegwrite.Component(1, 1, 1, 0, np.array(gray))]
    add_jpeg("gray_restart_every7", jpegwrite.encode(path("gray_restart_every7"), 61, 45, comps, quality=85,
                                                     restart=7), note="written by tools/images/jpegwrite.py")


def segments(data):
    """(marker, offset, length) of each marker segment up to the first SOS."""
    out, pos = [], 2
    while pos < len(data):
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        out.append((marker, pos, length))
        if marker == 0xDA:
            break
        pos += 2 + length
    return out


def make_corrupt_jpegs():
    src = Image.fromarray(photo(48, 32, 11))
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90, subsampling=2)
    good = buf.getvalue()
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90, subsampling=2, progressive=True)
    prog = buf.getvalue()
    segs = segments(good)
    sof = next(s for s in segs if s[0] == 0xC0)
    sos = next(s for s in segs if s[0] == 0xDA)
    dht = next(s for s in segs if s[0] == 0xC4)
    scan_start = sos[1] + 2 + sos[2]

    def patch(data, at, new):
        return data[:at] + new + data[at + len(new):]

    cases = {
        "truncated_in_scan": good[:scan_start + (len(good) - scan_start) // 2],
        "truncated_after_sos_header": good[:scan_start],
        "truncated_progressive": prog[:len(prog) * 2 // 3],
        "missing_eoi": good[:-2],
        "no_sof": good[:sof[1]] + good[sof[1] + 2 + sof[2]:],
        "huffman_counts_overflow": patch(good, dht[1] + 5, bytes([3])),
        "premature_eoi_in_scan": patch(good, scan_start + 40, b"\xFF\xD9"),
        "bomb_60000x60000": patch(good, sof[1] + 5, struct.pack(">HH", 60000, 60000)),
        "zero_width": patch(good, sof[1] + 7, struct.pack(">H", 0)),
        "lossless_sof3": patch(good, sof[1] + 1, b"\xC3"),
        "arithmetic_sof9": patch(good, sof[1] + 1, b"\xC9"),
        "precision_12": patch(good, sof[1] + 4, bytes([12])),
        "undefined_quant_table": patch(good, sof[1] + 12, bytes([3])),
        "sampling_factor_zero": patch(good, sof[1] + 11, bytes([0x00])),
        "segment_length_past_end": patch(good, segs[1][1] + 2, struct.pack(">H", 0xFFF0)),
        "soi_only": b"\xFF\xD8",
    }
    restart_file = os.path.join(OUT, "jpeg", "restart_420_every3.jpg")
    if os.path.exists(restart_file):
        data = open(restart_file, "rb").read()
        first_rst = data.index(b"\xFF\xD0", data.index(b"\xFF\xDA"))
        cases["wrong_restart_marker"] = patch(data, first_rst, b"\xFF\xD5")
    for name, data in cases.items():
        path = write_input("corrupt", f"{name}.jpg", data)
        MANIFEST["corrupt"].append({"name": f"jpeg_{name}", "file": path, "pillow": pillow_outcome(path)})


# ---------------------------------------------------------------- resize and Janus preprocessing

FILTERS = {"bicubic": Image.Resampling.BICUBIC, "bilinear": Image.Resampling.BILINEAR,
           "lanczos": Image.Resampling.LANCZOS, "box": Image.Resampling.BOX, "hamming": Image.Resampling.HAMMING}


def make_resizes():
    src = photo(61, 45, 12)
    source = save_array("resize_source_61x45.rgb", src)
    im = Image.fromarray(src)
    sizes = {"bicubic": [(30, 20), (97, 71), (61, 20), (17, 90), (1, 1), (200, 45), (7, 3), (122, 90)]}
    for f in ("bilinear", "lanczos", "box", "hamming"):
        sizes[f] = [(30, 20), (97, 71), (17, 90)]
    for f, targets in sizes.items():
        for w, h in targets:
            name = f"resize_{f}_{w}x{h}"
            out = np.array(im.resize((w, h), FILTERS[f]))
            MANIFEST["resize"].append({"name": name, "source": source, "source_width": 61, "source_height": 45,
                                       "filter": f, "width": w, "height": h,
                                       "expected_rgb": save_array(name + ".rgb", out)})


def expand2square(img, background):
    # deepseek-ai/Janus janus/models/image_processing_vlm.py expand2square.
    width, height = img.size
    if width == height:
        return img
    side = max(width, height)
    result = Image.new(img.mode, (side, side), background)
    result.paste(img, (0, (width - height) // 2) if width > height else ((height - width) // 2, 0))
    return result


def janus_size(width, height, long_side, min_side, rounding):
    max_size = max(width, height)
    if rounding == "truncate":  # VLMImageProcessor.resize
        return (max(int(width / max_size * long_side), min_side), max(int(height / max_size * long_side), min_side))
    delta = long_side / max_size  # transformers JanusImageProcessor.resize
    return (max(round(width * delta), min_side), max(round(height * delta), min_side))


def make_janus():
    background = (127, 127, 127)  # int(0.5 * 255) for Janus-Pro's image_mean (0.5, 0.5, 0.5)
    cases = [("wide", 250, 141, "truncate"), ("wide", 250, 141, "round_half_even"), ("tall", 90, 300, "truncate"),
             ("downscale", 520, 360, "truncate"), ("tiny", 9, 400, "truncate")]
    sources = {}
    for label, w, h, rounding in cases:
        key = (label, w, h)
        if key not in sources:
            src = photo(w, h, w * 3 + h, noise=0.0)  # noise-free keeps the gzip small; edges still ring
            sources[key] = (src, save_array(f"janus_source_{label}_{w}x{h}.rgb", src))
        src, source_path = sources[key]
        rw, rh = janus_size(w, h, 384, 14, rounding)
        # torchvision.transforms.functional.resize on a PIL image calls Image.resize((w, h), BICUBIC).
        out = expand2square(Image.fromarray(src).resize((rw, rh), Image.Resampling.BICUBIC), background)
        name = f"janus_{label}_{w}x{h}_{rounding}"
        MANIFEST["janus"].append({"name": name, "source": source_path, "source_width": w, "source_height": h,
                                  "long_side": 384, "min_side": 14, "rounding": rounding,
                                  "background": list(background), "resized_width": rw, "resized_height": rh,
                                  "expected_rgb": save_array(name + ".rgb", np.array(out))})
    crosscheck_transformers(sources, background)


def crosscheck_transformers(sources, background):
    """Where transformers is installed (the GPU machine), compare its Janus image processors with the pipeline
    above. Recorded, never fatal: it documents which processor the SDK's preprocessing reproduces."""
    report = {}
    try:
        import transformers  # noqa: F401
        from transformers.models.janus import image_processing_janus as janus_module
        report["transformers"] = transformers.__version__
    except Exception as e:  # noqa: BLE001
        MANIFEST["janus_crosscheck"] = {"skipped": f"{type(e).__name__}: {e}"}
        return
    candidates = {}
    for attr in ("JanusImageProcessor", "JanusImageProcessorPil", "JanusImageProcessorFast"):
        cls = getattr(janus_module, attr, None)
        if cls is None:
            try:
                cls = getattr(__import__("transformers", fromlist=[attr]), attr)
            except Exception:  # noqa: BLE001
                cls = None
        if cls is not None:
            candidates[attr] = cls
    for attr, cls in candidates.items():
        try:
            proc = cls(image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])
            worst = 0.0
            for (label, w, h), (src, _) in sources.items():
                got = proc(images=Image.fromarray(src), return_tensors="np")["pixel_values"][0]
                rw, rh = janus_size(w, h, 384, 14, "round_half_even")
                ref = np.array(expand2square(Image.fromarray(src).resize((rw, rh), Image.Resampling.BICUBIC),
                                             background)).astype(np.float64)
                ref = (ref / 255.0 - 0.5) / 0.5
                worst = max(worst, float(np.abs(np.transpose(got, (1, 2, 0)) - ref).max()))
            report[attr] = {"max_abs_diff_normalised": worst, "one_level": 2.0 / 255.0}
        except Exception as e:  # noqa: BLE001
            report[attr] = f"{type(e).__name__}: {e}"
    MANIFEST["janus_crosscheck"] = report


# ---------------------------------------------------------------- main

def main():
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "Fixtures", "images"))
    OUT = os.path.abspath(parser.parse_args().out)
    for folder in ("png", "jpeg", "corrupt", "expected"):
        os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    MANIFEST.update({
        "environment": {"python": platform.python_version(), "pillow": PIL.__version__, "numpy": np.__version__,
                        "libjpeg_turbo": features.version("libjpeg_turbo"), "jpeg": features.version("jpg"),
                        "zlib": features.version("zlib"), "machine": platform.machine()},
        "png": [], "jpeg": [], "corrupt": [], "resize": [], "janus": [], "left_out": []})
    make_pngs()
    make_corrupt_pngs()
    make_jpegs()
    make_corrupt_jpegs()
    make_resizes()
    make_janus()
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1)
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(OUT) for n in names)
    print(f"{len(MANIFEST['png'])} PNG, {len(MANIFEST['jpeg'])} JPEG, {len(MANIFEST['corrupt'])} corrupt, "
          f"{len(MANIFEST['resize'])} resize, {len(MANIFEST['janus'])} Janus; {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
