"""From uploaded bytes to a known format: gzip, FIT or XML (GPX, TCX), read safely.

XML safety: activity XML is first parsed by defusedxml with DTDs, entity
declarations and external references all forbidden, so a "billion laughs" bomb or
an external-entity file is refused at its ``<!DOCTYPE`` before anything is
expanded or fetched. Only bytes that passed that parse are handed to gpxpy (which
parses again, with the standard library's ElementTree): without a DTD no entity can
be declared, so its parser has nothing to expand or resolve. TCX is read from the
defusedxml tree itself (``tcx.py``), so it is parsed once.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from typing import Literal, cast
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from .errors import CorruptFile, FileTooLarge
from .model import MAX_FILE_BYTES

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1024 * 1024
_XML_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

Kind = Literal["fit", "gpx", "tcx"]


@dataclass(frozen=True)
class Detected:
    kind: Kind
    data: bytes  # decompressed
    root: Element | None = None  # the safely parsed XML tree (GPX, TCX)


def _too_large() -> FileTooLarge:
    return FileTooLarge(
        f"This file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, "
        "the most an activity file may be (uncompressed)."
    )


def gunzip_capped(data: bytes, cap: int = MAX_FILE_BYTES) -> bytes:
    """Decompress a gzip file (all members) in chunks, stopping as soon as it passes ``cap``.

    A gzip bomb (a few kB inflating to GBs) therefore costs at most ``cap`` bytes of memory.
    """
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                if out.tell() > cap:
                    raise _too_large()
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise CorruptFile("This compressed (.gz) file is truncated or corrupt.") from exc
    return out.getvalue()


def is_fit(data: bytes) -> bool:
    return len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT"


def _looks_like_xml(data: bytes) -> bool:
    head = data[:4]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return data.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<"


def parse_xml_safely(data: bytes) -> Element:
    """Parse XML refusing DTDs, entities and external references (see the module doc)."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise CorruptFile(
            "This file declares a DTD or XML entities, which activity files never need: "
            "refused for safety."
        ) from exc
    except ParseError as exc:
        raise CorruptFile(
            f"This file is not well-formed XML (truncated or damaged?): {exc}."
        ) from exc
    return cast(Element, root)


def xml_text(data: bytes) -> str:
    """Decode XML bytes as their declaration says (UTF-8 by default, a BOM allowed)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    declared = _XML_DECLARED_ENCODING.search(data.removeprefix(codecs.BOM_UTF8).lstrip()[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise CorruptFile(f"This file's text is not valid {encoding}.") from exc


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def detect(data: bytes, filename: str = "") -> Detected:
    """Decompress if gzip, then tell FIT, GPX and TCX apart by their content."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    if data.startswith(GZIP_MAGIC):
        data = gunzip_capped(data)
    if is_fit(data):
        return Detected("fit", data)
    if _looks_like_xml(data):
        root = parse_xml_safely(data)
        name = local_name(root.tag)
        if name == "gpx":
            return Detected("gpx", data, root)
        if name == "TrainingCenterDatabase":
            return Detected("tcx", data, root)
    elif filename.lower().removesuffix(".gz").endswith(".fit") and data[8:12] != b".FIT":
        raise CorruptFile("This FIT file is truncated or corrupt: it has no FIT header.")
    raise CorruptFile("This is not a GPX, FIT or TCX file.")
