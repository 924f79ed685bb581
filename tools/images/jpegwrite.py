"""A small JPEG encoder for test fixtures whose structure Pillow's encoder cannot produce: any sampling factors,
restart intervals, one scan per component, 16-bit quantisation tables, SOF1, RGB or YCCK colour (by component
ids or the Adobe APP14 transform flag), and a progressive script with restart intervals. The pixels it encodes
do not matter; Pillow (libjpeg-turbo) decodes every file and that decoding is the reference. Huffman tables are
"flat" (every symbol coded in 4-5 bits for DC and 8-9 bits for AC), valid for any coefficient, including the
EOB runs of progressive scans. Follows ITU-T T.81: Annex A (DCT, quantisation), F (sequential Huffman coding),
G (progressive), B (marker syntax)."""

import math
import struct

import numpy as np

ZIGZAG = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
    54, 47, 55, 62, 63]

# T.81 Annex K, tables K.1 and K.2 (natural order).
LUMA_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
          29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
          121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
CHROMA_Q = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99,
            99, 99, 99, 99, 99] + [99] * 32

# Flat Huffman tables: DC symbols 0..15 (15 of length 4, one of length 5), AC symbols 0..255 (254 of length 8,
# two of length 9); no code is all ones (T.81 C.2).
DC_BITS = [0] * 16
DC_BITS[3], DC_BITS[4] = 15, 1
DC_VALUES = list(range(16))
AC_BITS = [0] * 16
AC_BITS[7], AC_BITS[8] = 254, 2
AC_VALUES = list(range(256))


def scaled_quant(table, quality):
    # libjpeg jcparam.c jpeg_quality_scaling.
    scale = 5000 // quality if quality < 50 else 200 - quality * 2
    return [min(max((q * scale + 50) // 100, 1), 255) for q in table]


def codes(bits, values):
    table, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            table[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return table


DC_CODES = codes(DC_BITS, DC_VALUES)
AC_CODES = codes(AC_BITS, AC_VALUES)

_M = np.array([[(math.sqrt(0.5) if u == 0 else 1.0) / 2 * math.cos((2 * x + 1) * u * math.pi / 16)
                for x in range(8)] for u in range(8)])


class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing, T.81 F.1.2.3
                self.acc, self.n = 0, 0

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with 1-bits


def magnitude(v):
    """(size, bits) of a DC difference or AC coefficient, T.81 F.1.2.1.1."""
    if v == 0:
        return 0, 0
    size = int(abs(v)).bit_length()
    return size, (v if v > 0 else v + (1 << size) - 1)


def segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


class Component:
    def __init__(self, cid, h, v, tq, plane):
        self.cid, self.h, self.v, self.tq, self.plane = cid, h, v, tq, plane
        self.blocks = None  # [rows, cols, 64] quantised coefficients, zigzag order


def prepare(components, width, height, quant):
    hmax = max(c.h for c in components)
    vmax = max(c.v for c in components)
    mcux = -(-width // (8 * hmax))
    mcuy = -(-height // (8 * vmax))
    for c in components:
        # Pad the full-resolution plane to whole MCUs by edge replication, then box-downsample.
        plane = np.pad(c.plane.astype(np.float64), ((0, mcuy * 8 * vmax - height), (0, mcux * 8 * hmax - width)),
                       mode="edge")
        fy, fx = vmax // c.v, hmax // c.h
        plane = plane.reshape(plane.shape[0] // fy, fy, plane.shape[1] // fx, fx).mean(axis=(1, 3))
        rows, cols = plane.shape[0] // 8, plane.shape[1] // 8
        q = np.array(quant[c.tq], dtype=np.float64).reshape(8, 8)
        blocks = np.zeros((rows, cols, 64), dtype=np.int64)
        for by in range(rows):
            for bx in range(cols):
                f = plane[by * 8:by * 8 + 8, bx * 8:bx * 8 + 8] - 128.0
                coef = _M @ f @ _M.T
                natural = np.rint(coef / q).astype(np.int64).reshape(64)
                blocks[by, bx] = natural[ZIGZAG]
        c.blocks = blocks
        c.width_blocks = -(-(-(-width * c.h // hmax)) // 8)
        c.height_blocks = -(-(-(-height * c.v // vmax)) // 8)
    return hmax, vmax, mcux, mcuy


def mcu_blocks(scan, hmax, vmax, mcux, mcuy):
    """Lists, per MCU of the scan, the (component, block row, block column) in coding order."""
    if len(scan) == 1:
        c = scan[0]
        return [[(c, by, bx)] for by in range(c.height_blocks) for bx in range(c.width_blocks)]
    return [[(c, my * c.v + y, mx * c.h + x) for c in scan for y in range(c.v) for x in range(c.h)]
            for my in range(mcuy) for mx in range(mcux)]


def encode(path, width, height, components, *, quality=75, quant_precision=0, restart=0, jfif=True, adobe=None,
           sof=0xC0, scans=None, progressive=False):
    """components: list of Component with full-resolution planes (uint8 arrays height x width).
    scans: for sequential, a list of lists of component indices (default: one interleaved scan);
    for progressive, a list of (component indices, Ss, Se, Ah, Al)."""
    quant = {0: scaled_quant(LUMA_Q, quality), 1: scaled_quant(CHROMA_Q, quality)}
    hmax, vmax, mcux, mcuy = prepare(components, width, height, quant)
    out = bytearray(b"\xFF\xD8")
    if jfif:
        out += segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if adobe is not None:
        out += segment(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, adobe))
    for tq in sorted({c.tq for c in components}):
        table = [quant[tq][ZIGZAG[k]] for k in range(64)]
        fmt = ">64H" if quant_precision else ">64B"
        out += segment(0xDB, bytes([(quant_precision << 4) | tq]) + struct.pack(fmt, *table))
    frame = struct.pack(">BHHB", 8, height, width, len(components))
    for c in components:
        frame += struct.pack(">BBB", c.cid, (c.h << 4) | c.v, c.tq)
    out += segment(0xC2 if progressive else sof, frame)
    dht = bytearray()
    for tc_th, bits, values in ((0x00, DC_BITS, DC_VALUES), (0x10, AC_BITS, AC_VALUES)):
        dht += bytes([tc_th]) + bytes(bits) + bytes(values)
    out += segment(0xC4, bytes(dht))
    if restart:
        out += segment(0xDD, struct.pack(">H", restart))
    if not progressive:
        scans = [(s, 0, 63, 0, 0) for s in (scans or [list(range(len(components)))])]
    for indices, ss, se, ah, al in scans:
        scan = [components[i] for i in indices]
        header = bytes([len(scan)]) + b"".join(bytes([c.cid, 0x00]) for c in scan) + bytes([ss, se, (ah << 4) | al])
        out += segment(0xDA, header)
        out += encode_scan(scan, ss, se, ah, al, progressive, restart, hmax, vmax, mcux, mcuy)
    out += b"\xFF\xD9"
    with open(path, "wb") as f:
        f.write(out)
    return bytes(out)


def encode_scan(scan, ss, se, ah, al, progressive, restart, hmax, vmax, mcux, mcuy):
    w = BitWriter()
    mcus = mcu_blocks(scan, hmax, vmax, mcux, mcuy)
    pred = {id(c): 0 for c in scan}
    eobrun = [0]

    def flush_eobrun():
        if eobrun[0]:
            n = eobrun[0].bit_length() - 1
            w.put(*AC_CODES[n << 4])
            w.put(eobrun[0] - (1 << n), n)
            eobrun[0] = 0

    data = bytearray()
    for m, blocks in enumerate(mcus):
        if restart and m and m % restart == 0:
            flush_eobrun()
            w.flush()
            data += w.out + bytes([0xFF, 0xD0 + ((m // restart - 1) & 7)])
            w.out = bytearray()
            pred = {k: 0 for k in pred}
        for c, by, bx in blocks:
            coef = c.blocks[by, bx]
            if ss == 0 and ah == 0:  # DC (first scan, or the only scan of a sequential image)
                dc = int(coef[0]) >> al  # arithmetic shift, T.81 G.1.2.1
                size, bits = magnitude(dc - pred[id(c)])
                pred[id(c)] = dc
                w.put(*DC_CODES[size])
                w.put(bits, size)
                if progressive:
                    continue
                run = 0
                for k in range(1, 64):
                    v = int(coef[k])
                    if v == 0:
                        run += 1
                        continue
                    while run > 15:
                        w.put(*AC_CODES[0xF0])
                        run -= 16
                    size, bits = magnitude(v)
                    w.put(*AC_CODES[(run << 4) | size])
                    w.put(bits, size)
                    run = 0
                if run:
                    w.put(*AC_CODES[0x00])
            elif ss == 0:  # DC refinement: one bit
                w.put((int(coef[0]) >> al) & 1, 1)
            else:  # AC first scan of a band, T.81 G.1.2.2 (no AC refinement in this encoder)
                assert ah == 0
                band = [int(coef[k]) for k in range(ss, se + 1)]
                # Point transform of AC coefficients divides magnitudes (rounds toward zero).
                band = [(abs(v) >> al) * (1 if v > 0 else -1) for v in band]
                if not any(band):
                    eobrun[0] += 1
                    if eobrun[0] == 0x7FFF:
                        flush_eobrun()
                    continue
                flush_eobrun()
                run = 0
                last = max(i for i, v in enumerate(band) if v)
                for i, v in enumerate(band[:last + 1]):
                    if v == 0:
                        run += 1
                        continue
                    while run > 15:
                        w.put(*AC_CODES[0xF0])
                        run -= 16
                    size, bits = magnitude(v)
                    w.put(*AC_CODES[(run << 4) | size])
                    w.put(bits, size)
                    run = 0
                if last < len(band) - 1:
                    eobrun[0] += 1
                    if eobrun[0] == 0x7FFF:
                        flush_eobrun()
    flush_eobrun()
    w.flush()
    return bytes(data + w.out)
