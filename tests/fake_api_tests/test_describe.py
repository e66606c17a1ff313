"""describe_file, decode_rgba and encode_png against pngutil and PIL."""

import io
import unittest

import numpy as np
from PIL import Image

import fake_api
import pngutil

from fake_api_tests.common import picture


class DescribeTest(unittest.TestCase):

    def test_matches_pngutil(self):
        """For every PNG pngutil decodes, the PIL path counts the same."""
        rng = np.random.default_rng(42)
        cases = []
        for depth, ctype in ((8, 6), (16, 6), (8, 4), (16, 4), (8, 2), (16, 2), (8, 0),
                             (16, 0), (1, 0), (2, 0), (4, 0), (1, 3), (2, 3), (4, 3), (8, 3)):
            spp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
            w, h = 13, 7
            stride = (w * spp * depth + 7) // 8
            rows = []
            for y in range(h):
                row = rng.integers(0, 256, stride, dtype=np.uint8)
                if ctype == 3:
                    row = row & (0x55 if depth < 8 else 0x07)    # small indices
                if ctype in (4, 6) and depth == 8:
                    row[spp - 1::spp] = rng.choice([0, 255, 77], len(row[spp - 1::spp]))
                # every filter type (palette rows unfiltered: indices stay small)
                rows.append(bytes([0 if ctype == 3 else y % 5]) + bytes(row))
            extra = []
            if ctype == 3:
                extra = [(b"PLTE", bytes(range(24))), (b"tRNS", bytes([0, 255, 128]))]
            cases.append(pngutil.make_png(w, h, depth, ctype, b"".join(rows), extra))
        # colour-key transparency
        cases.append(pngutil.make_png(3, 1, 8, 0, b"\x00\x05\x06\x05",
                                      [(b"tRNS", b"\x00\x05")]))
        cases.append(pngutil.make_png(2, 1, 8, 2, b"\x00\x01\x02\x03\x04\x05\x06",
                                      [(b"tRNS", b"\x00\x01\x00\x02\x00\x03")]))
        cases.append(pngutil.encode_solid(5, 4, (1, 2, 3, 0)))
        for i, data in enumerate(cases):
            info = fake_api.describe_file({"data": data, "filename": "f.png",
                                           "content_type": "image/png"})
            w, h, _, px = pngutil.decode(data)
            alpha = px[3::4]
            self.assertEqual(info["transparent_pixels"], alpha.count(0), i)
            self.assertEqual(info["opaque_pixels"], alpha.count(255), i)
            self.assertEqual(info["png"], pngutil.header(data), i)
            self.assertEqual((info["format"], info["width"], info["height"]), ("png", w, h))
            rgba = fake_api.decode_rgba(data)
            self.assertEqual(rgba.tobytes(), px, i)

    def test_broken_files(self):
        good = pngutil.encode_solid(4, 4, (1, 2, 3))
        bad_crc = good[:-5] + bytes([good[-5] ^ 1]) + good[-4:]
        for data, fmt in ((good[:40], "png"), (bad_crc, "png"), (b"hello", None),
                          (b"\xff\xd8\xff\xe0garbage", "jpeg")):
            info = fake_api.describe_file({"data": data, "filename": None,
                                           "content_type": None})
            self.assertEqual(info["format"], fmt)
            self.assertIsNone(info["transparent_pixels"])
            self.assertIsNone(info["opaque_pixels"])
            self.assertEqual(info["bytes"], len(data))
        info = fake_api.describe_file({"data": good[:40], "filename": "x",
                                       "content_type": "image/png"})
        self.assertEqual(info["png"]["width"], 4)       # the header still reads
        huge = fake_api.huge_png()
        info = fake_api.describe_file({"data": huge, "filename": "x", "content_type": None})
        self.assertEqual(info["png"]["width"], 100000)
        self.assertIsNone(info["transparent_pixels"])

    def test_encode_png_roundtrip(self):
        for w, h in ((1, 1), (7, 3), (700, 900)):
            src = picture(w, h, noise=9, alpha=np.random.default_rng(1).integers(
                0, 256, (h, w), dtype=np.uint8))
            data = fake_api.encode_png(src)
            if w * h < 100:          # the standard-library decoder agrees too
                self.assertEqual(pngutil.decode(data)[3], src.tobytes())
            self.assertTrue(np.array_equal(np.asarray(Image.open(io.BytesIO(data))), src))
