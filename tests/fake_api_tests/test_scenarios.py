"""The older scenarios (b64, url, errors, ...) and served files."""

import base64
import urllib.request

import numpy as np

import fake_api
import pngutil
from fake_api import PALETTE

from fake_api_tests.common import (
    picture, mask_for, decode_b64_image, rgba_of, FakeApiCase)


class ScenarioTest(FakeApiCase):

    def test_b64_dalle2_solid_palette0(self):
        status, ans = self.edit("dall-e-2", picture(256, 256), mask_for(256, 256, (0, 0, 9, 9)),
                                extra=[("n", "1"), ("size", "256x256"),
                                       ("response_format", "b64_json")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(set(ans), {"created", "data"})
        self.assertEqual(ans["created"], 1700000000)
        raw = base64.b64decode(ans["data"][0]["b64_json"])
        self.assertEqual(raw, fake_api.solid_png(256, 256, 0))
        w, h, kind, px = pngutil.decode(raw)
        self.assertEqual((w, h, kind), (256, 256, "rgba"))
        self.assertEqual(set(px[i:i + 4] for i in range(0, len(px), 4)),
                         {bytes(PALETTE[0] + (255,))})
        self.assertEqual(ans["data"][0]["revised_prompt"], "revised: make it pink")

    def test_b64_output_format(self):
        src = picture(64, 48)
        for fmt, pil in (("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")):
            status, ans = self.edit("gpt-image-1", src, extra=[
                ("output_format", fmt), ("n", "2"), ("size", "1024x1024")])
            self.assertEqual(status, 200, ans)
            for i, entry in enumerate(ans["data"]):
                im = decode_b64_image(entry)
                self.assertEqual((im.format, im.size), (pil, (1024, 1024)))
                px = rgba_of(im)
                self.assertLessEqual(int(np.abs(px[..., :3] - PALETTE[i]).max()), 2, fmt)
            self.assertEqual(ans["output_format"], fmt)
            self.assertEqual(ans["size"], "1024x1024")
            self.assertEqual(ans["background"], "opaque")
            self.assertEqual(ans["quality"], "medium")
            self.assertEqual(ans["usage"]["output_tokens"], 80)
        status, ans = self.edit("gpt-image-1", src, extra=[("quality", "low")])
        self.assertEqual(ans["quality"], "low")
        self.assertEqual(ans["size"], "64x48")        # no size: the input's

    def test_gpt_scenarios(self):
        src = picture(64, 64)
        for scenario in ("b64", "toomany", "mixed", "gray16", "palette", "wrongsize",
                         "flaky:1:503", "slow:0.05"):
            status, ans = self.edit("gpt-image-1", src, scenario=scenario)
            if scenario.startswith("flaky"):
                self.assertEqual(status, 503)
                status, ans = self.edit("gpt-image-1", src, scenario=scenario)
            self.assertEqual(status, 200, scenario)
            self.assertIn("usage", ans)
            self.assertIn("b64_json", ans["data"][0])
        status, ans = self.edit("gpt-image-1", src, scenario="wrongsize")
        self.assertEqual(ans["size"], "32x32")
        # `url` still answers urls (the tests use it with dall-e-2)
        status, ans = self.edit("gpt-image-1", src, scenario="url")
        with urllib.request.urlopen(ans["data"][0]["url"], timeout=10) as r:
            self.assertEqual(r.read(), fake_api.solid_png(64, 64, 0))
        status, ans = self.edit(None, src, scenario="unknown-thing")
        self.assertEqual((status, ans["error"]["code"]), (400, "unknown_scenario"))

    def test_no_model_keeps_old_shape(self):
        status, ans = self.edit(None, picture(30, 20))
        self.assertEqual(status, 200)
        self.assertEqual(set(ans), {"created", "data", "usage"})
        self.assertEqual(ans["usage"], fake_api.USAGE)
        self.assertIsNone(self.api.requests[-1]["model_family"])

    def test_serve_file_and_redirect(self):
        url = self.api.serve_file(b"RIFFxxxxWEBPdata", "image/webp")
        self.assertTrue(url.endswith(".webp"))
        with urllib.request.urlopen(url, timeout=10) as r:
            self.assertEqual((r.headers["Content-Type"], r.read()),
                             ("image/webp", b"RIFFxxxxWEBPdata"))
