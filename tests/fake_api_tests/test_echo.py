"""The echo scenario: its pixels, sizes, formats and arguments."""

import base64
import http.client
import io
import json
import os
import sys
import time
import urllib.request

import numpy as np
from PIL import Image

import fake_api

from fake_api_tests.common import (
    SHIFT, png_bytes, encoded, picture, mask_for, multipart, decode_b64_image,
    rgba_of, expected_echo, FakeApiCase)


class EchoTest(FakeApiCase):

    def test_shift_and_pattern_exactly_in_mask_area(self):
        alpha = np.full((96, 128), 255, np.uint8)
        alpha[:, :10] = 0                  # some transparency outside the edit area
        alpha[:5, :] = 100
        src = picture(128, 96, alpha=alpha)
        src[0:20, 0:20, :3] = 252          # values that clamp at 255 after +8
        src[20:30, 0:20, 1] = 3            # values that clamp at 0 after -6
        box = (40, 24, 50, 30)
        mask = mask_for(128, 96, box)
        status, ans = self.edit("gpt-image-1", src, mask, "echo")
        self.assertEqual(status, 200, ans)
        self.assertEqual(len(ans["data"]), 1)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        want = expected_echo(src, mask)
        self.assertTrue(np.array_equal(got, want))
        # Directly: outside the box the shifted input (alpha kept), inside
        # the checkerboard only.
        x, y, bw, bh = box
        inside = np.zeros((96, 128), bool)
        inside[y:y + bh, x:x + bw] = True
        shifted = src.astype(np.int16)
        shifted[..., :3] = np.clip(shifted[..., :3] + SHIFT, 0, 255)
        self.assertTrue(np.array_equal(got[~inside], shifted[~inside]))
        colours = {tuple(c) for c in got[inside].reshape(-1, 4)}
        self.assertEqual(colours, {(255, 0, 255, 255), (0, 255, 255, 255)})
        self.assertEqual(tuple(got[y, x]), (255 if ((y // 4 + x // 4) % 2 == 0) else 0,
                                            0 if ((y // 4 + x // 4) % 2 == 0) else 255,
                                            255, 255))
        self.assertEqual(tuple(got[0, 0]), (255, 246, 255, 100))  # 252+8, 252-6, 252+5
        self.assertEqual(tuple(got[25, 15][:3]), (int(src[25, 15, 0]) + 8, 0,
                                                  int(src[25, 15, 2]) + 5))
        # the ImagesResponse fields of a GPT model
        self.assertEqual(ans["created"], fake_api.CREATED)
        self.assertEqual(ans["size"], "128x96")
        self.assertEqual(ans["output_format"], "png")
        self.assertEqual(ans["background"], "transparent")
        self.assertIn(ans["quality"], ("low", "medium", "high"))
        self.assertEqual(ans["usage"], fake_api.USAGE)
        self.assertNotIn("url", ans["data"][0])

    def test_no_mask_no_pattern_unless_pattern_2(self):
        src = picture(40, 30, seed=3)
        status, ans = self.edit("gpt-image-1.5", src, None, "echo")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src)))
        self.assertEqual(ans["background"], "opaque")
        status, ans = self.edit("gpt-image-1.5", src, None, "echo:pattern=2")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, pattern=2)))
        # pattern=0 with a mask: just the shift
        status, ans = self.edit("gpt-image-1.5", src, mask_for(40, 30, (0, 0, 10, 10)),
                                "echo:pattern=0")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src)))

    def test_n_results_have_distinct_patterns(self):
        src = picture(64, 64, seed=5)
        mask = mask_for(64, 64, (8, 8, 32, 32))
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("n", "3")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(len(ans["data"]), 3)
        pics = [rgba_of(decode_b64_image(e)) for e in ans["data"]]
        for i, got in enumerate(pics):
            self.assertTrue(np.array_equal(got, expected_echo(src, mask, index=i)), i)
        self.assertFalse(np.array_equal(pics[0], pics[1]))
        self.assertFalse(np.array_equal(pics[1], pics[2]))
        self.assertEqual(ans["usage"]["output_tokens"], 3 * fake_api.USAGE["output_tokens"])
        self.assertEqual(ans["usage"]["total_tokens"],
                         ans["usage"]["input_tokens"] + ans["usage"]["output_tokens"])

    def test_size_resizes(self):
        src = picture(768, 512, seed=7, noise=4)
        mask = mask_for(768, 512, (100, 100, 200, 120))
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("size", "1536x1024")])
        self.assertEqual(status, 200, ans)
        im = decode_b64_image(ans["data"][0])
        self.assertEqual(im.size, (1536, 1024))
        self.assertEqual(ans["size"], "1536x1024")
        got = rgba_of(im)
        self.assertTrue(np.array_equal(got, expected_echo(src, mask, size=(1536, 1024))))
        # the pattern covers the mask area scaled to the output
        self.assertEqual(tuple(got[200, 200]), (255, 0, 255, 255))
        self.assertEqual(tuple(got[200, 204]), (0, 255, 255, 255))
        # gpt-image-2 with a custom size; a compatible server's model with any size
        status, ans = self.edit("gpt-image-2", src, mask, "echo", [("size", "1536x864")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).size, (1536, 864))
        self.assertEqual(ans["size"], "1536x864")
        status, ans = self.edit("local-model", src, mask, "echo", [("size", "100x80")])
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, mask, size=(100, 80))))
        # auto: the input's size
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("size", "auto")])
        self.assertEqual(ans["size"], "768x512")

    def test_scale_argument(self):
        src = picture(100, 60)
        status, ans = self.edit("local-model", src, None, "echo:scale=0.5")
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).size, (50, 30))

    def test_offset_and_custom_shift(self):
        src = picture(50, 40, seed=2, noise=3)
        status, ans = self.edit("gpt-image-1", src, None,
                                "echo: shift = 1, 2 ,3 ; offset=3,-2;pattern=0")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        ys = np.clip(np.arange(40) + 2, 0, 39)
        xs = np.clip(np.arange(50) - 3, 0, 49)
        want = src[ys][:, xs].astype(np.int16)
        want[..., :3] = np.clip(want[..., :3] + np.array([1, 2, 3]), 0, 255)
        self.assertTrue(np.array_equal(got, want))
        # one number shifts all three channels
        status, ans = self.edit("gpt-image-1", src, None, "echo:shift=-4")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, shift=np.array([-4] * 3))))

    def test_jpeg_output(self):
        src = picture(256, 192, seed=1)
        src[..., 3] = 255
        src[:40, :40, 3] = 0                # flattened over white
        mask = mask_for(256, 192, (64, 64, 64, 64))
        status, ans = self.edit("gpt-image-1", src, mask, "echo",
                                [("output_format", "jpeg"), ("output_compression", "90")])
        self.assertEqual(status, 200, ans)
        raw = base64.b64decode(ans["data"][0]["b64_json"])
        self.assertEqual(fake_api.image_format(raw), "jpeg")
        im = Image.open(io.BytesIO(raw))
        self.assertEqual((im.format, im.mode, im.size), ("JPEG", "RGB", (256, 192)))
        got = np.asarray(im).astype(np.int16)
        want = expected_echo(src, mask).astype(np.int32)
        a = want[..., 3:4]
        flat = (want[..., :3] * a + 255 * (255 - a) + 127) // 255
        outside = np.ones((192, 256), bool)
        outside[60:132, 60:132] = False
        self.assertLess(np.abs(got - flat)[outside].mean(), 3.0)
        self.assertLess(np.abs(got - flat)[72:120, 72:120].mean(), 25.0)  # checkerboard
        self.assertTrue((got[5:35, 5:35] > 245).all())                    # white
        self.assertEqual(ans["output_format"], "jpeg")
        self.assertEqual(ans["background"], "opaque")
        # fmt= in the scenario overrides, also for a model without output_format
        status, ans = self.edit("dall-e-2", picture(64, 64), mask_for(64, 64, (0, 0, 8, 8)),
                                "echo:fmt=jpeg")
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).format, "JPEG")

    def test_webp_output(self):
        alpha = np.full((120, 160), 255, np.uint8)
        alpha[:, :20] = 0
        src = picture(160, 120, seed=4, alpha=alpha)
        mask = mask_for(160, 120, (60, 40, 40, 40))
        # lossless (no output_compression): exact, alpha kept
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("output_format", "webp")])
        self.assertEqual(status, 200, ans)
        im = decode_b64_image(ans["data"][0])
        self.assertEqual(im.format, "WEBP")
        got, want = rgba_of(im), expected_echo(src, mask)
        self.assertTrue(np.array_equal(got, want))
        vis = want[..., 3] > 0
        self.assertEqual(ans["output_format"], "webp")
        # lossy
        status, ans = self.edit("gpt-image-1", src, mask, "echo",
                                [("output_format", "webp"), ("output_compression", "85")])
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        smooth = vis.copy()
        smooth[30:90, 50:110] = False
        self.assertLess(np.abs(got - want)[smooth][:, :3].mean(), 4.0)
        self.assertTrue(np.array_equal(got[..., 3] == 0, want[..., 3] == 0))

    def test_jpeg_and_webp_inputs(self):
        src = picture(96, 64, seed=9)
        for fmt, kw in (("JPEG", {"quality": 95}), ("WEBP", {"lossless": True})):
            data = encoded(src, fmt, **kw)
            status, ans = self.edit("gpt-image-1", images=[("image", data)],
                                    scenario="echo")
            self.assertEqual(status, 200, (fmt, ans))
            got = rgba_of(decode_b64_image(ans["data"][0]))
            decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
            self.assertTrue(np.array_equal(got, expected_echo(decoded)), fmt)
            rec = self.api.requests[-1]
            self.assertEqual(rec["files"]["image"]["format"], fmt.lower())
            self.assertEqual((rec["files"]["image"]["width"],
                              rec["files"]["image"]["height"]), (96, 64))
            self.assertIsNone(rec["files"]["image"]["png"])

    def test_dalle2_url(self):
        src = picture(256, 256, seed=11)
        mask = mask_for(256, 256, (16, 16, 64, 64))
        status, ans = self.edit("dall-e-2", src, mask, "echo",
                                [("n", "2"), ("size", "256x256"), ("response_format", "url")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(set(ans), {"created", "data"})
        for i, entry in enumerate(ans["data"]):
            self.assertTrue(entry["url"].startswith(self.api.origin + "/files/"))
            with urllib.request.urlopen(entry["url"], timeout=10) as r:
                self.assertEqual(r.headers["Content-Type"], "image/png")
                got = rgba_of(Image.open(io.BytesIO(r.read())))
            self.assertTrue(np.array_equal(got, expected_echo(src, mask, index=i)))
        # dall-e-2 without response_format: b64_json
        status, ans = self.edit("dall-e-2", src, mask, "echo")
        self.assertIn("b64_json", ans["data"][0])

    def test_delay(self):
        src = picture(32, 32)
        t0 = time.monotonic()
        status, ans = self.edit("gpt-image-1", src, None, "echo:delay=0.6")
        self.assertEqual(status, 200, ans)
        self.assertGreaterEqual(time.monotonic() - t0, 0.6)

    def test_bad_arguments(self):
        src = picture(32, 32)
        for arg in ("shift=1,2", "pattern=5", "bogus=1", "delay=x", "fmt=gif", "offset"):
            status, ans = self.edit("gpt-image-1", src, None, "echo:" + arg)
            self.assertEqual(status, 400, arg)
            self.assertEqual(ans["error"]["code"], "unknown_scenario", arg)
        self.assertEqual(fake_api.parse_echo_args(
            " shift=8,-6,5;pattern=1;delay=2.5;offset=0,0;fmt=jpeg;scale=1.0 ;"),
            dict(fake_api.ECHO_DEFAULTS, delay=2.5, fmt="jpeg"))

    def test_speed(self):
        timings = {}
        for (w, h), model in (((1024, 1024), "gpt-image-1"), ((3840, 2160), "gpt-image-2")):
            src = picture(w, h, seed=1, noise=6)
            mask = mask_for(w, h, (w // 4, h // 4, w // 3, h // 3))
            body, ctype = multipart(
                [("prompt", "x"), ("model", model), ("user", "scenario:echo")],
                [("image", "i.png", "image/png", png_bytes(src)),
                 ("mask", "m.png", "image/png", png_bytes(mask))])
            conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=60)
            t0 = time.monotonic()
            conn.request("POST", "/v1/images/edits", body, {"Content-Type": ctype})
            resp = conn.getresponse()
            ans = json.loads(resp.read())
            t1 = time.monotonic()
            conn.close()
            got = rgba_of(decode_b64_image(ans["data"][0]))
            t2 = time.monotonic()
            self.assertEqual(resp.status, 200)
            self.assertTrue(np.array_equal(got, expected_echo(src, mask)))
            timings["%dx%d" % (w, h)] = (t1 - t0, t2 - t0)
        if os.environ.get("FAKE_API_TIMINGS"):
            for k, (rt, dec) in timings.items():
                print("\n# echo %s: round trip %.3f s, with decoding the answer %.3f s"
                      % (k, rt, dec), file=sys.stderr)
        self.assertLess(timings["3840x2160"][0], 2.0, timings)
