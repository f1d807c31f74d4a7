#!/usr/bin/env python3
"""Writes the tiny malformed safetensors files next to this script (for reader and CLI tests).

Each file breaks one rule of the format; tests/io/safetensors_test.cpp checks that every one is rejected
with the problem named. Run it again after changing the list: python3 make_malformed.py
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def with_header(header, data=b""):
    text = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


FILES = {
    "empty.safetensors": b"",
    "short.safetensors": b"abcde",
    "absurd-header-length.safetensors": struct.pack("<Q", 0xFFFFFFFFFFFFFFFF) + b"{}",
    "not-json.safetensors": with_header(b"{not json"),
    "unknown-dtype.safetensors": with_header({"w": entry("Q4", [2], 0, 2)}, b"\0\0"),
    # F32 [2, 3] needs 24 bytes but the offsets hold 20.
    "size-mismatch.safetensors": with_header({"w": entry("F32", [2, 3], 0, 20)}, bytes(24)),
    "overlap.safetensors": with_header({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 4, 12)}, bytes(12)),
    # A valid header for 24 bytes of data, cut after 10.
    "truncated.safetensors": with_header({"w": entry("F32", [2, 3], 0, 24)}, bytes(10)),
}

for name, content in FILES.items():
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(content)
