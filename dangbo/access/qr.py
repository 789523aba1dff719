"""QR codes rendered on the server as inline SVG (no external service, no inline style)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = img.to_string(encoding="unicode")
    # Only path data and numeric attributes come out of qrcode: safe to inline.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="Mã QR cấu hình ứng dụng xác thực" ', 1))  # noqa: S308
