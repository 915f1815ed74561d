"""From uploaded bytes to a known format: gzip, FIT or XML (GPX, TCX), read safely.

XML safety: activity XML is first read through by expat with DTDs, entity declarations
and external references all refused (the handlers defusedxml sets, and only those), so a
"billion laughs" bomb or an external-entity file is refused at its ``<!DOCTYPE`` before
anything is expanded or fetched. Only bytes that passed that read are parsed into a tree:
by gpxpy (GPX) or by the standard library's C ElementTree (TCX, read in ``tcx.py``). Without
a DTD no entity can be declared, so their parsers have nothing to expand or resolve.
defusedxml's own ``fromstring`` did both at once, but built its tree with the pure-Python
parser: a third of a GPX file's import and most of a TCX's (bench/README.md, "Parse
throughput"), where the read through builds nothing.

Encodings: expat reads only UTF-8, UTF-16 and single-byte encodings, and refuses the
multi-byte ones XML allows as well (Shift_JIS, EUC-JP, GB18030, Big5...). So the text is
decoded first as XML's own rules say (appendix F of the XML 1.0 recommendation: a byte-order
mark, else the first bytes for UTF-16/UTF-32, else the encoding the prolog declares, else
UTF-8), and the parsers are given it re-encoded as UTF-8 with the declaration saying so.
Decoding changes no markup, so the DTD and entity refusals above see what the file holds.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, fromstring
from xml.parsers import expat

from .errors import CorruptFile, FileTooLarge
from .model import MAX_FILE_BYTES

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1024 * 1024
_XML_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"""^<\?xml[^>]*?\?>""")
# Appendix F: byte-order marks, longest first, then the first bytes of "<?" unmarked.
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_UNMARKED = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)

Kind = Literal["fit", "gpx", "tcx"]


@dataclass(frozen=True)
class Detected:
    kind: Kind
    data: bytes  # decompressed
    root: Element | None = None  # the parsed XML tree (TCX)
    xml: bytes | None = None  # the XML text re-encoded as UTF-8 (GPX, TCX)


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
    if _wide_encoding(data) is not None:
        return True
    return data.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<"


def _wide_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding told by a byte-order mark or by UTF-16/32's first bytes, and the
    mark's length; ``None`` for UTF-8 without a mark and the encodings compatible with
    ASCII (those say theirs in the prolog)."""
    for bom, name in _BOMS:
        if data.startswith(bom) and name != "utf-8":
            return name, len(bom)
    for head, name in _UNMARKED:
        if data.startswith(head):
            return name, 0
    return None


class _Forbidden(Exception):
    pass


def _forbid(*_: object) -> int:
    raise _Forbidden


def safe_root_name(data: bytes) -> str:
    """Read the whole XML through, refusing DTDs, entities and external references (see
    the module doc); the root element's local name. No tree is built."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    names: list[str] = []

    def start(name: str, _: object) -> None:
        names.append(name)
        # Only the root is wanted: the rest is read through without a call into Python.
        parser.StartElementHandler = None

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Forbidden as exc:
        raise CorruptFile(
            "This file declares a DTD or XML entities, which activity files never need: "
            "refused for safety."
        ) from exc
    except expat.ExpatError as exc:
        raise CorruptFile(
            f"This file is not well-formed XML (truncated or damaged?): {exc}."
        ) from exc
    return local_name(names[0])


def xml_text(data: bytes) -> str:
    """Decode XML bytes as XML says (see the module doc): a byte-order mark or UTF-16/32's
    first bytes, else the declared encoding, else UTF-8."""
    wide = _wide_encoding(data)
    if wide is not None:
        name, skip = wide
        try:
            return data[skip:].decode(name)
        except UnicodeDecodeError as exc:
            raise CorruptFile(f"This file's text is not valid {name.upper()}.") from exc
    declared = _XML_DECLARED_ENCODING.search(data.removeprefix(codecs.BOM_UTF8).lstrip()[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise CorruptFile(f"This file's text is not valid {encoding}.") from exc


def as_utf8(data: bytes) -> bytes:
    """The XML re-encoded as UTF-8, its declaration saying so."""
    text = xml_text(data).lstrip("\ufeff")
    declaration = _DECLARATION.match(text)
    if declaration is not None:
        text = '<?xml version="1.0" encoding="UTF-8"?>' + text[declaration.end() :]
    return text.encode("utf-8")


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
        xml = as_utf8(data)
        name = safe_root_name(xml)
        if name == "gpx":
            return Detected("gpx", data, xml=xml)
        if name == "TrainingCenterDatabase":
            # Read through above with every DTD refused: nothing left to expand or fetch.
            return Detected("tcx", data, fromstring(xml), xml)  # noqa: S314
    elif filename.lower().removesuffix(".gz").endswith(".fit") and data[8:12] != b".FIT":
        raise CorruptFile("This FIT file is truncated or corrupt: it has no FIT header.")
    raise CorruptFile("This is not a GPX, FIT or TCX file.")
