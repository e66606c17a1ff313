"""Input images: image / image[] parts, their record and counts."""

import hashlib

import numpy as np

import fake_api

from fake_api_tests.common import (
    png_bytes, encoded, picture, mask_for, decode_b64_image, rgba_of, expected_echo,
    FakeApiCase)


class ImagesTest(FakeApiCase):
    IMAGE_KEYS = {"field", "filename", "content_type", "bytes", "format", "width", "height",
                  "sha256"}

    def test_images_recorded_in_order(self):
        a = png_bytes(picture(40, 30))
        b = encoded(picture(20, 10), "JPEG", quality=90)
        c = encoded(picture(24, 24), "WEBP", lossless=True)
        d = png_bytes(picture(8, 6, seed=4))
        status, ans = self.edit("gpt-image-1", images=[("image[]", x) for x in (a, b, c, d)])
        self.assertEqual(status, 200, ans)
        rec = self.api.requests[-1]
        imgs = rec["images"]
        self.assertEqual([set(i) for i in imgs], [self.IMAGE_KEYS] * 4)
        self.assertEqual([i["field"] for i in imgs], ["image[]"] * 4)
        self.assertEqual([(i["width"], i["height"]) for i in imgs],
                         [(40, 30), (20, 10), (24, 24), (8, 6)])
        self.assertEqual([i["content_type"] for i in imgs],
                         ["image/png", "image/jpeg", "image/webp", "image/png"])
        self.assertEqual([i["format"] for i in imgs], ["png", "jpeg", "webp", "png"])
        self.assertEqual([i["sha256"] for i in imgs],
                         [hashlib.sha256(x).hexdigest() for x in (a, b, c, d)])
        self.assertEqual([i["bytes"] for i in imgs], [len(x) for x in (a, b, c, d)])
        self.assertEqual(rec["image_count"], 4)
        # the old shape is kept
        self.assertEqual([f["width"] for f in rec["files"]["image[]"]], [40, 20, 24, 8])
        # one `image`
        self.edit("gpt-image-1", picture(12, 10))
        rec = self.api.requests[-1]
        self.assertEqual([(i["field"], i["width"], i["height"]) for i in rec["images"]],
                         [("image", 12, 10)])
        self.assertIsInstance(rec["files"]["image"], dict)
        # a mask is not an input image
        self.edit("gpt-image-1", picture(12, 10), mask_for(12, 10, (0, 0, 2, 2)))
        self.assertEqual(len(self.api.requests[-1]["images"]), 1)

    def test_mixing_image_and_image_array_refused(self):
        png = png_bytes(picture(32, 32))
        for model in ("gpt-image-1", "gpt-image-2", "dall-e-2", "local-model", None):
            for order in ((("image", png), ("image[]", png)),
                          (("image[]", png), ("image[]", png), ("image", png))):
                status, ans = self.edit(model, images=list(order))
                err = self.assertRejected(ans, status, "mixed_image_fields", 400, "image")
                self.assertIn("'image[]'", err["message"])
                rec = self.api.requests[-1]
                self.assertEqual(rec["rejected"]["code"], "mixed_image_fields")
                self.assertEqual([i["field"] for i in rec["images"]], [n for n, _ in order])

    def test_image_counts(self):
        png = png_bytes(picture(32, 32))
        for count in (1, 2, 16):
            for field in ("image[]", "image"):
                status, ans = self.edit("gpt-image-1.5", images=[(field, png)] * count)
                self.assertEqual(status, 200, (count, field, ans))
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 17)
        err = self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        self.assertEqual(err["message"], "Invalid 'image': array too long. Expected an array "
                         "with maximum length 16, but got an array with length 17 instead.")
        sq = png_bytes(picture(64, 64))
        for field in ("image[]", "image"):
            status, ans = self.edit("dall-e-2", images=[(field, sq)] * 2)
            err = self.assertRejected(ans, status, "array_above_max_length", 400, "image")
            self.assertIn("maximum length 1, but got an array with length 2", err["message"])
        status, ans = self.edit("dall-e-2", images=[("image[]", sq)])
        self.assertEqual(status, 200, ans)

    def test_echo_edits_the_first_image(self):
        first = picture(48, 40, seed=6)
        mask = mask_for(48, 40, (4, 4, 20, 12))
        others = [png_bytes(picture(16, 16, seed=7)), encoded(picture(64, 64), "JPEG")]
        status, ans = self.edit("gpt-image-1", images=[("image[]", png_bytes(first))]
                                + [("image[]", o) for o in others], mask=mask,
                                scenario="echo")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(first, mask)))
        self.assertEqual(ans["usage"], fake_api.usage_for(1, 3))
        # the mask must match the first image, not the others
        status, ans = self.edit("gpt-image-1", images=[("image[]", others[0]),
                                                       ("image[]", png_bytes(first))],
                                mask=mask)
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")
