"""Chart helpers for tests: a renderer that records what it was asked to draw, and a PNG reader."""

from __future__ import annotations

import struct

from core.charts.model import ProgressChart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class RecordingCharts:
    """A ChartRenderer that draws nothing: it keeps each chart and answers with a fixed PNG-looking blob,
    or raises `fail` when set."""

    def __init__(self) -> None:
        self.drawn: list[ProgressChart] = []
        self.fail: Exception | None = None

    async def render(self, chart: ProgressChart) -> bytes:
        if self.fail is not None:
            raise self.fail
        self.drawn.append(chart)
        return PNG_SIGNATURE + b"chart %d" % len(self.drawn)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header, after checking that the bytes are one: the signature, an IHDR
    chunk first, an IEND chunk last."""
    assert data[:8] == PNG_SIGNATURE, data[:8]
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    return struct.unpack(">II", data[16:24])
