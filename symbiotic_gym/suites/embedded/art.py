"""Pictures for the embedded sites, drawn here as small SVGs (no image files, nothing downloaded).

Each picture is deterministic in its label, so a product's image is the same on every page, run and
machine, and different products look different to a vision agent. Pictures are inline ``<svg
role="img">`` elements named by ``aria-label`` (an ``image`` in the accessibility tree, like an ``<img
alt>``): no extra requests, and no separate SVG document to decode per picture, which a ``data:`` URI
``<img>`` costs (slower to render: docs/design-notes.md).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from symbiotic_gym.suites.embedded.webapp import esc

PALETTE = ("#e76f51", "#2a9d8f", "#e9c46a", "#264653", "#f4a261", "#8ab17d", "#6d597a", "#457b9d", "#b56576")


def _pick(label: str, salt: str, n: int) -> int:
    return int(hashlib.sha256(f"{salt}:{label}".encode()).hexdigest()[:8], 16) % n


@lru_cache(maxsize=4096)
def svg(label: str, width: int = 96, height: int = 96) -> str:
    """An SVG picture of ``label``: a coloured tile, a shape chosen by the label, and its initials."""
    bg = PALETTE[_pick(label, "bg", len(PALETTE))]
    fg = PALETTE[_pick(label, "fg", len(PALETTE))]
    if fg == bg:
        fg = "#ffffff"
    shape = _pick(label, "shape", 3)
    cx, cy, r = width // 2, height // 2, min(width, height) // 3
    if shape == 0:
        figure = f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fg}"/>'
    elif shape == 1:
        figure = f'<rect x="{cx - r}" y="{cy - r}" width="{2 * r}" height="{2 * r}" rx="6" fill="{fg}"/>'
    else:
        figure = f'<polygon points="{cx},{cy - r} {cx + r},{cy + r} {cx - r},{cy + r}" fill="{fg}"/>'
    initials = "".join(w[0] for w in label.split()[:2]).upper()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="{bg}"/>{figure}'
        f'<text x="50%" y="92%" font-family="sans-serif" font-size="{height // 6}" fill="#fff" '
        f'text-anchor="middle" aria-hidden="true">{esc(initials)}</text></svg>'
    )


def img(label: str, alt: str, *, width: int = 96, height: int = 96, cls: str = "thumb") -> str:
    """A picture of ``label`` named ``alt`` (what the accessibility tree shows, as for ``<img alt>``)."""
    return svg(label, width, height).replace("<svg ", f'<svg class="{cls}" role="img" aria-label="{esc(alt)}" ', 1)
