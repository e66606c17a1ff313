"""The real API's rules (check_rules) as the stand-in enforces them."""

import io

import numpy as np
from PIL import Image

from fake_api_tests.common import png_bytes, encoded, picture, mask_for, FakeApiCase


class RulesTest(FakeApiCase):

    def test_gpt_image_2_family_options(self):
        ok = [("gpt-image-2", "quality", "high"), ("gpt-image-2.5-flare", "quality", "xhigh"),
              ("gpt-image-2.5-sunburst", "quality", "max"),
              ("gpt-image-2.6-sunburst", "quality", "max"),
              ("gpt-image-2.6-flare", "complexity", "low"),
              ("gpt-image-2.6-sunburst-2026-11-18", "complexity", "high")]
        for model, key, value in ok:
            status, ans = self.edit(model, picture(64, 64), extra=[(key, value)])
            self.assertEqual(status, 200, (model, key, value, ans))
        status, ans = self.edit("gpt-image-2", picture(64, 64), extra=[("quality", "xhigh")])
        self.assertRejected(ans, status, "invalid_value", 400, "quality")
        status, ans = self.edit("gpt-image-2.5-sunburst", picture(64, 64),
                                extra=[("complexity", "low")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "complexity")
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                extra=[("complexity", "extreme")])
        self.assertRejected(ans, status, "invalid_value", 400, "complexity")
        # Free sizes for the whole family.
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                extra=[("size", "2048x1152")])
        self.assertEqual(status, 200, ans)

    def test_markup_rules(self):
        marks = png_bytes(picture(64, 64))
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertEqual(status, 200, ans)
        self.assertEqual(self.api.requests[-1]["files"]["markup"]["width"], 64)
        # With a mask, on 2.5, of another size: 400.
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64), mask=picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertRejected(ans, status, "invalid_request", 400, "markup")
        status, ans = self.edit("gpt-image-2.5-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "markup")
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", png_bytes(picture(32, 32)))])
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "markup")

    def test_response_format_unknown_for_gpt(self):
        for model in ("gpt-image-1", "gpt-image-1.5", "gpt-image-2", "chatgpt-image-latest",
                      "gpt-image-9-preview"):
            status, ans = self.edit(model, picture(64, 64), extra=[("response_format", "b64_json")])
            err = self.assertRejected(ans, status, "unknown_parameter", 400, "response_format")
            self.assertEqual(err["message"], "Unknown parameter: 'response_format'.")
        rec = self.api.requests[-1]
        self.assertEqual(rec["rejected"], {"status": 400, "code": "unknown_parameter",
                                           "param": "response_format"})
        self.assertEqual(rec["model_family"], "gpt")

    def test_input_fidelity(self):
        for model in ("gpt-image-2", "gpt-image-2-2026-04-21", "gpt-image-1-mini"):
            status, ans = self.edit(model, picture(64, 64), extra=[("input_fidelity", "high")])
            self.assertRejected(ans, status, "invalid_input_fidelity_model", 400,
                                "input_fidelity")
        for model in ("gpt-image-1", "gpt-image-1.5"):
            status, ans = self.edit(model, picture(64, 64), extra=[("input_fidelity", "low")])
            self.assertEqual(status, 200, (model, ans))

    def test_sizes(self):
        good = [("gpt-image-1", s) for s in ("1024x1024", "1536x1024", "1024x1536", "auto")]
        good += [("gpt-image-2", s) for s in ("1536x864", "3840x2160", "2160x3840",
                                              "1024x640", "768x2304", "auto")]
        good += [("gpt-image-2-2026-04-21", "2048x1152"), ("dall-e-2", "256x256"),
                 ("dall-e-2", "512x512"), ("dall-e-2", "1024x1024"),
                 ("my-server-model", "123x45")]
        bad = [("gpt-image-1", "256x256"), ("gpt-image-1.5", "1536x864"),
               ("chatgpt-image-latest", "2048x1152"), ("gpt-image-1-mini", "512x512"),
               ("gpt-image-2", "1000x1000"),      # not multiples of 16
               ("gpt-image-2", "3840x1024"),      # aspect beyond 3:1
               ("gpt-image-2", "4096x2304"),      # longest side over 3840
               ("gpt-image-2", "768x768"),        # under 655360 pixels
               ("gpt-image-2", "3840x2176"),      # over 8294400 pixels
               ("gpt-image-2", "big"), ("dall-e-2", "1536x1024"), ("dall-e-2", "auto")]
        side = lambda m: 256 if m == "dall-e-2" else 64      # noqa: E731
        for model, size in good:
            status, ans = self.edit(model, picture(side(model), side(model)),
                                    extra=[("size", size)])
            self.assertEqual(status, 200, (model, size, ans))
        for model, size in bad:
            status, ans = self.edit(model, picture(side(model), side(model)),
                                    extra=[("size", size)])
            self.assertRejected(ans, status, "invalid_size", 400, "size")

    def test_image_count(self):
        png = png_bytes(picture(32, 32))
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 16)
        self.assertEqual(status, 200, ans)
        rec = self.api.requests[-1]
        self.assertIsInstance(rec["files"]["image[]"], list)
        self.assertEqual(len(rec["files"]["image[]"]), 16)
        self.assertEqual(rec["image_count"], 16)
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 17)
        self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        status, ans = self.edit("dall-e-2", images=[("image[]", png)] * 2)
        self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        status, ans = self.post([("prompt", "x"), ("model", "gpt-image-1")], [])
        self.assertRejected(ans, status, "missing_required_parameter", 400, "image")

    def test_multiple_image_parts_recorded_as_list(self):
        a, b = png_bytes(picture(40, 30)), encoded(picture(20, 10), "JPEG", quality=90)
        c = encoded(picture(24, 24), "WEBP", lossless=True)
        status, ans = self.edit("gpt-image-1.5", images=[("image[]", a), ("image[]", b),
                                                         ("image[]", c)],
                                scenario="echo")
        self.assertEqual(status, 200, ans)
        self.assertEqual(ans["size"], "40x30")              # the first image
        self.assertEqual(ans["usage"]["input_tokens_details"]["image_tokens"], 150)
        files = self.api.requests[-1]["files"]["image[]"]
        self.assertEqual([f["format"] for f in files], ["png", "jpeg", "webp"])
        self.assertEqual([(f["width"], f["height"]) for f in files],
                         [(40, 30), (20, 10), (24, 24)])
        self.assertEqual(files[0]["png"]["width"], 40)
        self.assertEqual(files[1]["opaque_pixels"], 200)
        self.assertEqual([f["bytes"] for f in files], [len(a), len(b), len(c)])

    def test_mask(self):
        src = picture(64, 64)
        status, ans = self.edit("gpt-image-1", src, mask_for(64, 48, (0, 0, 8, 8)))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")
        status, ans = self.edit("dall-e-2", picture(256, 256), mask_for(512, 512, (0, 0, 8, 8)))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")
        jpeg_mask = encoded(mask_for(64, 64, (0, 0, 8, 8)), "JPEG")
        status, ans = self.edit("gpt-image-1", src, jpeg_mask)
        self.assertRejected(ans, status, "invalid_image_format", 400, "mask")
        # a JPEG image with a PNG mask of its size is fine for GPT models
        status, ans = self.edit("gpt-image-1", images=[("image", encoded(src, "JPEG"))],
                                mask=mask_for(64, 64, (0, 0, 8, 8)))
        self.assertEqual(status, 200, ans)

    def test_output_options(self):
        src = picture(64, 64)
        status, ans = self.edit("gpt-image-1", src, extra=[("output_compression", "50")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "png"),
                                                           ("output_compression", "100")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "jpeg"),
                                                           ("output_compression", "101")])
        self.assertRejected(ans, status, "integer_above_max_value", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "webp"),
                                                           ("output_compression", "-1")])
        self.assertRejected(ans, status, "integer_below_min_value", 400, "output_compression")
        for fmt in ("jpeg", "webp"):
            for comp in ("0", "100"):
                status, ans = self.edit("gpt-image-1", src, extra=[
                    ("output_format", fmt), ("output_compression", comp)])
                self.assertEqual(status, 200, (fmt, comp, ans))
        status, ans = self.edit("gpt-image-1", src, extra=[("background", "transparent"),
                                                           ("output_format", "jpeg")])
        self.assertRejected(ans, status, "invalid_value", 400, "background")
        for bg, fmt in (("transparent", "png"), ("transparent", "webp"), ("opaque", "jpeg")):
            status, ans = self.edit("gpt-image-1", src, extra=[("background", bg),
                                                               ("output_format", fmt)])
            self.assertEqual(status, 200, ans)
            self.assertEqual((ans["background"], ans["output_format"]), (bg, fmt))
        for key, value in (("quality", "standard"), ("background", "white"),
                           ("output_format", "gif"), ("input_fidelity", "max")):
            status, ans = self.edit("gpt-image-1", src, extra=[(key, value)])
            self.assertRejected(ans, status, "invalid_value", 400, key)

    def test_dalle2_rules(self):
        sq = picture(256, 256)
        status, ans = self.edit("dall-e-2", picture(256, 128))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "image")
        status, ans = self.edit("dall-e-2", images=[("image", encoded(sq, "JPEG"))])
        self.assertRejected(ans, status, "invalid_image_format", 400, "image")
        rgb = io.BytesIO()
        Image.fromarray(sq[..., :3], "RGB").save(rgb, "PNG")
        status, ans = self.edit("dall-e-2", images=[("image", rgb.getvalue())])
        err = self.assertRejected(ans, status, "invalid_image_format", 400, "image")
        self.assertIn("got RGB", err["message"])
        noise = np.random.default_rng(0).integers(0, 256, (1100, 1100, 4), dtype=np.uint8)
        noise[..., 3] = 255
        big = png_bytes(noise)
        self.assertGreater(len(big), 4 * 1024 * 1024)
        status, ans = self.edit("dall-e-2", images=[("image", big)])
        self.assertRejected(ans, status, "image_too_large", 400, "image")
        for key, value in (("output_format", "png"), ("background", "opaque"),
                           ("input_fidelity", "high"), ("output_compression", "50")):
            status, ans = self.edit("dall-e-2", sq, extra=[(key, value)])
            self.assertRejected(ans, status, "unsupported_parameter", 400, key)
        status, ans = self.edit("dall-e-2", sq, prompt="x" * 1001)
        self.assertRejected(ans, status, "string_above_max_length", 400, "prompt")
        status, ans = self.edit("dall-e-2", sq, prompt="x" * 1000)
        self.assertEqual(status, 200, ans)
        status, ans = self.edit("dall-e-2", sq, extra=[("n", "11")])
        self.assertRejected(ans, status, "integer_above_max_value", 400, "n")
        status, ans = self.edit("dall-e-2", sq, extra=[("response_format", "png")])
        self.assertRejected(ans, status, "invalid_value", 400, "response_format")

    def test_retired_and_notfound(self):
        self.api.retired_models = {"dall-e-2", "gpt-image-0"}
        want = {"error": {"message": "The model `dall-e-2` does not exist or you do not "
                                     "have access to it.",
                          "type": "invalid_request_error", "param": None,
                          "code": "model_not_found"}}
        status, ans = self.edit("dall-e-2", picture(256, 256), extra=[("size", "256x256")])
        self.assertEqual((status, ans), (404, want))
        status, ans = self.edit("gpt-image-0", picture(64, 64))
        self.assertEqual(status, 404)
        self.assertEqual(ans["error"]["code"], "model_not_found")
        self.assertIn("`gpt-image-0`", ans["error"]["message"])
        self.assertEqual(self.api.requests[-1]["rejected"]["status"], 404)
        self.api.retired_models = set()
        status, ans = self.edit("dall-e-2", picture(256, 256))
        self.assertEqual(status, 200)
        for model in ("gpt-image-1", "dall-e-2", "anything"):
            status, ans = self.edit(model, picture(256, 256),
                                    extra=[("response_format", "url")] if model != "gpt-image-1"
                                    else [], scenario="notfound")
            self.assertEqual(status, 404, ans)
            self.assertEqual(ans["error"]["message"], "The model `%s` does not exist or you "
                             "do not have access to it." % model)
            self.assertIsNone(ans["error"]["param"])

    def test_other_models_unchecked(self):
        # A compatible server's model: anything goes.
        status, ans = self.edit("my-local-sd", picture(100, 50), mask_for(10, 10, (0, 0, 1, 1)),
                                extra=[("size", "77x33"), ("response_format", "b64_json"),
                                       ("input_fidelity", "high"), ("output_compression", "7")],
                                images=[("image", b"not an image")] * 20)
        self.assertEqual(status, 200, ans)
        self.assertEqual(self.api.requests[-1]["model_family"], "other")
        self.assertIsNone(self.api.requests[-1]["rejected"])

    def test_requests_the_existing_tests_send(self):
        # integration: gray_gpt_options, whole_gpt_no_mask, partial_success,
        # dall-e-2 256/512/1024 with masks, hole_no_selection (no size)
        m = lambda w, h: mask_for(w, h, (10, 10, 30, 30))      # noqa: E731
        cases = [
            ("gpt-image-1", picture(1024, 1536), m(1024, 1536), "b64",
             [("n", "1"), ("size", "1024x1536"), ("quality", "high"),
              ("input_fidelity", "high")]),
            ("gpt-image-1.5", picture(240, 160), None, "b64", [("n", "1")]),
            ("gpt-image-1", picture(1024, 1024), m(1024, 1024), "mixed",
             [("n", "3"), ("size", "1024x1024")]),
            ("dall-e-2", picture(256, 256), m(256, 256), "b64",
             [("n", "1"), ("size", "256x256"), ("response_format", "b64_json")]),
            ("dall-e-2", picture(512, 512), m(512, 512), "url",
             [("n", "3"), ("size", "512x512"), ("response_format", "url")]),
            ("dall-e-2", picture(1024, 1024), m(1024, 1024), "b64", [("n", "1")]),
            ("dall-e-2", picture(256, 256), m(256, 256), "slow:0.1",
             [("n", "1"), ("size", "256x256")]),
        ]
        for model, src, mask, scenario, extra in cases:
            status, ans = self.edit(model, src, mask, scenario, extra)
            self.assertEqual(status, 200, (model, scenario, ans))
        for scenario, code in (("error400", 400), ("error401", 401), ("error429", 429),
                               ("safety", 400), ("html502", 502)):
            status, _ = self.edit("gpt-image-1", picture(64, 64), scenario=scenario)
            self.assertEqual(status, code, scenario)
            status, _ = self.edit("dall-e-2", picture(256, 256), scenario=scenario)
            self.assertEqual(status, code, scenario)
