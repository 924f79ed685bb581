"""A small PNG writer for test fixtures: any colour type and bit depth, PLTE, tRNS, Adam7, a chosen filter per
scanline, IDAT split into several chunks, extra ancillary chunks. Pillow cannot write most of these variants
(2/4-bit grey, 16-bit colour, interlacing, chosen filters), and Pillow is only the *reader* whose output the
tests compare against, so the writer is ours. It also computes what the PNG specification says the pixels are
(8-bit RGBA), so the generator can tell where Pillow's reading departs from the specification."""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """samples: flat list of ints (all channels of a row). Returns the scanline bytes."""
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out = bytearray()
    acc, bits = 0, 0
    for s in samples:
        acc = (acc << depth) | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][kind]
        out[i] = (row[i] - pred) & 0xFF
    return bytes([kind]) + bytes(out)


def scanlines(pixels, width, height, color_type, depth, filter_for_row):
    """pixels[y][x] is a tuple of samples. Yields filtered scanline bytes of one (sub)image."""
    channels = CHANNELS[color_type]
    bpp = max(1, channels * depth // 8)
    prev = None
    out = bytearray()
    for y in range(height):
        flat = [s for x in range(width) for s in pixels[y][x]]
        row = pack_row(flat, depth)
        if prev is None:
            prev = bytes(len(row))
        out += filter_row(filter_for_row(y), row, prev, bpp)
        prev = row
    return bytes(out)


def image_data(pixels, width, height, color_type, depth, interlace, filter_for_row):
    if not interlace:
        return scanlines(pixels, width, height, color_type, depth, filter_for_row)
    out = bytearray()
    for x0, y0, dx, dy in ADAM7:
        xs = list(range(x0, width, dx))
        ys = list(range(y0, height, dy))
        if not xs or not ys:
            continue
        sub = [[pixels[y][x] for x in xs] for y in ys]
        out += scanlines(sub, len(xs), len(ys), color_type, depth, filter_for_row)
    return bytes(out)


def write_png(pixels, width, height, color_type, depth, *, palette=None, trns=None, interlace=False,
              filter_for_row=lambda y: y % 5, idat_split=None, extra_before=b"", extra_after=b"",
              zlib_level=9, filtered_override=None):
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0)
    out = SIGNATURE + chunk(b"IHDR", header) + extra_before
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(p) for p in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    raw = filtered_override if filtered_override is not None else \
        image_data(pixels, width, height, color_type, depth, interlace, filter_for_row)
    stream = zlib.compress(raw, zlib_level)
    if idat_split:
        parts = [stream[i:i + idat_split] for i in range(0, len(stream), idat_split)]
        parts.insert(1, b"")  # an empty IDAT chunk is legal and must be skipped
    else:
        parts = [stream]
    for p in parts:
        out += chunk(b"IDAT", p)
    return out + extra_after + chunk(b"IEND", b"")


def spec_rgba(pixels, width, height, color_type, depth, palette=None, trns=None):
    """8-bit RGBA per the PNG specification: high byte of 16-bit samples, exact scaling of 1/2/4-bit grey,
    tRNS compared at full sample precision, palette indices past PLTE black (libpng, Pillow 12)."""
    out = bytearray()
    trns_gray = struct.unpack(">H", trns)[0] if (trns is not None and color_type == 0) else None
    trns_rgb = struct.unpack(">3H", trns) if (trns is not None and color_type == 2) else None
    for y in range(height):
        for x in range(width):
            s = pixels[y][x]
            if color_type == 0:
                v = s[0] >> 8 if depth == 16 else s[0] * (255 // ((1 << depth) - 1))
                out += bytes([v, v, v, 0 if s[0] == trns_gray else 255])
            elif color_type == 2:
                rgb = [c >> 8 for c in s] if depth == 16 else list(s)
                out += bytes(rgb + [0 if tuple(s) == trns_rgb else 255])
            elif color_type == 3:
                i = s[0]
                rgb = list(palette[i]) if i < len(palette) else [0, 0, 0]
                a = trns[i] if (trns is not None and i < len(trns)) else 255
                out += bytes(rgb + [a])
            elif color_type == 4:
                g, a = (s[0] >> 8, s[1] >> 8) if depth == 16 else s
                out += bytes([g, g, g, a])
            else:
                out += bytes([c >> 8 for c in s] if depth == 16 else list(s))
    return bytes(out)
