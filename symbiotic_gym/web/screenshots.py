"""Screenshots as compressed images: the one encoder for saved steps and for images sent to models."""

from __future__ import annotations

import base64
import io
from typing import Any

SAVE_QUALITY = 70  # saved per step (--save-screenshots): ~40-90 kB for a 1280x720 page


def encode_jpeg(pixels: Any, *, quality: int = SAVE_QUALITY) -> bytes:
    """JPEG bytes of an RGB ``uint8`` array (height, width, 3), as the env's ``screenshot`` key holds."""
    import numpy as np
    import PIL.Image

    image = PIL.Image.fromarray(np.asarray(pixels, dtype=np.uint8)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def jpeg_data_url(pixels: Any, *, quality: int = 80) -> str:
    """A ``data:image/jpeg;base64,...`` URL of the screenshot (an ``image_url`` part of a model message)."""
    return "data:image/jpeg;base64," + base64.b64encode(encode_jpeg(pixels, quality=quality)).decode("ascii")
