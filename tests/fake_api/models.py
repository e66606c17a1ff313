"""Model names, their families and what each takes.

GET /v1/models answers FakeApi.models as the API's list ({"object": "list",
"data": [{"id", "object", "created", "owned_by", "shutdown_date"}]}; by
default LIVING_MODELS), or 404 when it is None (a server without /models).
The gpt-image-2 family's rules are enforced as the API does: free sizes
from 2 on, quality xhigh and max from 2.5 on, complexity and the markup
part (a PNG the size of the first image, never with a mask) from 2.6 on.
"""

import re

GPT_IMAGE_MODELS = ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                    "gpt-image-2", "gpt-image-2-2026-04-21",
                    "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                    "gpt-image-2.6-flare", "gpt-image-2.6-sunburst",
                    "chatgpt-image-latest")
# What OpenAI's GET /v1/models lists today (image models and a few others;
# FakeApi.models is this unless a test sets another list or None).
LIVING_MODELS = [
    {"id": "gpt-image-2.6-sunburst", "shutdown_date": None},
    {"id": "gpt-image-2.6-flare", "shutdown_date": None},
    {"id": "gpt-image-2.5-sunburst", "shutdown_date": None},
    {"id": "gpt-image-2.5-flare", "shutdown_date": None},
    {"id": "gpt-image-2", "shutdown_date": None},
    {"id": "gpt-image-2-2026-04-21", "shutdown_date": None},
    {"id": "gpt-5.5", "shutdown_date": None},
    {"id": "whisper-1"},
]
# Shut down by OpenAI (answered 404 model_not_found where retired).
SHUT_DOWN = ("dall-e-2", "gpt-image-1", "gpt-image-1.5", "gpt-image-1.5-2025-12-16",
             "gpt-image-1-mini", "chatgpt-image-latest")
QUALITIES = ("low", "medium", "high", "auto")
DEFAULT_MODEL = "gpt-image-2"            # the API's default for edits


def is_gpt_image_model(model):
    return bool(model) and (model in GPT_IMAGE_MODELS
                            or model.startswith("gpt-image-"))


def gpt_version(model):
    """(N, M) of a gpt-image-N[.M][-...] name, or None."""
    m = re.fullmatch(r"gpt-image-([0-9]+)(?:\.([0-9]+))?(?:-.*)?", model or "")
    return (int(m.group(1)), int(m.group(2) or 0)) if m else None


def is_gpt_image_2(model):
    """The gpt-image-2 family (2, 2.5, 2.6 and later): free sizes."""
    v = gpt_version(model)
    return v is not None and v >= (2, 0)


def qualities(model):
    """The quality values the model takes: xhigh and max from 2.5 on."""
    v = gpt_version(model)
    if v is not None and v >= (2, 5):
        return QUALITIES[:3] + ("xhigh", "max") + QUALITIES[3:]
    return QUALITIES


def takes_complexity(model):
    v = gpt_version(model)
    return v is not None and v >= (2, 6)


def takes_markup(model):
    return takes_complexity(model)


def model_family(model):
    """"gpt", "dall-e-2", "other" (a compatible server's model) or None
    (no model field, or an empty one)."""
    if not model:
        return None
    if is_gpt_image_model(model):
        return "gpt"
    if model == "dall-e-2":
        return "dall-e-2"
    return "other"
