"""The JSON ImagesResponse of a successful edit: created, data, usage
and, for the GPT image models, the pictures' metadata."""

import secrets

from .images import CONTENT_TYPES, EXTENSIONS

CREATED = 1700000000
# Usage for one input image and n = 1; usage_for() scales it.
USAGE = {"total_tokens": 100, "input_tokens": 60, "output_tokens": 40,
         "input_tokens_details": {"text_tokens": 10, "image_tokens": 50}}


def usage_for(n=1, image_count=1):
    """USAGE for n results from image_count input images (n=1, one image:
    exactly USAGE)."""
    n, image_count = max(int(n), 0), max(int(image_count), 1)
    image_tokens = 50 * image_count
    inp, out = 10 + image_tokens, 40 * n
    return {"total_tokens": inp + out, "input_tokens": inp, "output_tokens": out,
            "input_tokens_details": {"text_tokens": 10, "image_tokens": image_tokens}}


class _JsonAnswers:
    """The handler's 200 answers (a mixin of handler._Handler, which has
    _send, fake and, from streams._StreamAnswers, _stream)."""

    def _ok(self, req, data, size, fmt="png", opaque=True, n=None):
        """A 200 ImagesResponse: created and data; for the GPT image models
        also background, output_format, quality, size and usage (dall-e-2:
        nothing more; other or no model: usage, as before)."""
        out = {"created": CREATED, "data": data}
        if n is None:
            n = len(data)
        if req.family == "dall-e-2":
            return out
        usage = usage_for(n, len(req.images))
        if req.family != "gpt":
            out["usage"] = usage
            return out
        out.update(self._meta(req, size, fmt, opaque))
        out["usage"] = usage
        return out

    @staticmethod
    def _meta(req, size, fmt="png", opaque=True):
        """background, output_format, quality and size of a GPT image
        model's answer (and of every streamed event)."""
        bg = req.get("background")
        if bg not in ("transparent", "opaque"):
            bg = "opaque" if opaque or fmt == "jpeg" else "transparent"
        quality = req.get("quality")
        return {"background": bg, "output_format": fmt,
                "quality": quality if quality in ("low", "medium", "high")
                else "medium",
                "size": "%dx%d" % tuple(size)}

    def _finish(self, req, data, size, fmt="png", opaque=True, n=None):
        """Answer a scenario's results: streamed when the request asked for
        it and every entry is a b64_json one, else the JSON ImagesResponse."""
        if req.stream and data and all("b64_json" in e for e in data):
            return self._stream(req, data, size, fmt, opaque,
                                len(data) if n is None else n)
        return self._send(200, self._ok(req, data, size, fmt, opaque, n=n))

    def _url_entries(self, blobs, fmt):
        data = []
        for blob in blobs:
            token = secrets.token_hex(8)
            self.fake._files[token] = (CONTENT_TYPES[fmt], blob)
            data.append({"url": "%s/files/%s.%s"
                         % (self.fake.origin, token, EXTENSIONS[fmt])})
        return data
