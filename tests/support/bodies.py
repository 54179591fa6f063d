"""Large request bodies made on the fly: a test never holds them in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

BOUNDARY = "pingyiBoundary7MA4YWxkTrZu0gW"
CHUNK = 256 * 1024


def _filler(size: int, head: bytes = b"") -> Iterator[bytes]:
    yield head
    left = size - len(head)
    block = b"\x00" * CHUNK
    while left > 0:
        yield block[: min(CHUNK, left)]
        left -= CHUNK


def multipart(
    fields: dict[str, str], files: Iterable[tuple[str, str, int, bytes | Iterable[bytes]]]
) -> tuple[Iterator[bytes], int]:
    """(chunks, total length) of a multipart/form-data body: the fields, then each file
    (field name, file name, size, content) as `size` bytes generated lazily. `content` is
    the file's first bytes (NUL bytes follow), or chunks that add up to `size`."""
    parts: list[tuple[bytes, int, bytes | Iterable[bytes]]] = []
    for name, value in fields.items():
        parts.append(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n",
                0,
                b"",
            )
        )
    for field, filename, size, head in files:
        header = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        parts.append((header, size, head))
    ending = f"--{BOUNDARY}--\r\n".encode()
    total = sum(len(h) + size + (2 if size else 0) for h, size, _ in parts) + len(ending)

    def chunks() -> Iterator[bytes]:
        for header, size, head in parts:
            yield header
            if size:
                yield from _filler(size, head) if isinstance(head, bytes) else head
                yield b"\r\n"
        yield ending

    return chunks(), total


class LazyStream(io.RawIOBase):
    """wsgi.input over generated chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        self.served += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - not used by Django
        raise NotImplementedError


def environ(path: str, chunks: Iterator[bytes], length: int, **extra: str) -> dict:
    return {
        "wsgi.input": LazyStream(chunks),
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        **extra,
    }
