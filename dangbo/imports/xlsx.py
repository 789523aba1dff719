"""A streaming reader of the first worksheet of an XLSX file: rows of cell values, nothing else.

openpyxl's read-only mode costs ~0.25 ms a row (an object per cell, ElementTree iterparse) and, for
a file without a `<dimension>` element (files written in streaming mode, by openpyxl's write-only
mode among others), reads the whole sheet once more just to size it. This reader feeds the
decompressed sheet to expat in 256 KB pieces and keeps only the current row, so memory does not
grow with the file (shared strings are held, as every XLSX reader must).

Values are what openpyxl gives with `values_only=True, data_only=True`: str for text (shared,
inline or formula result), int/float for numbers, datetime for numbers in a date format (the
1900 or 1904 date system), bool, the error text ("#N/A") for errors; a missing cell is None.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
PIECE = 256 * 1024
_REF = re.compile(r"([A-Z]+)(\d*)")


class XlsxError(ValueError):
    """Not an XLSX file this reader understands."""


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _parse(data_or_stream, start=None, end=None, text=None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    if isinstance(data_or_stream, bytes):
        parser.Parse(data_or_stream, True)
        return
    while True:
        piece = data_or_stream.read(PIECE)
        if not piece:
            break
        parser.Parse(piece, False)
    parser.Parse(b"", True)


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, bool]:
    """(path of the first worksheet, whether the workbook uses the 1904 date system)."""
    sheets: list[str] = []
    date1904 = [False]

    def start(name, attrs):
        local = _local(name)
        if local == "sheet":
            sheets.append(attrs.get(f"{REL} id", ""))
        elif local == "workbookPr":
            date1904[0] = attrs.get("date1904", "0") in ("1", "true")

    _parse(zf.read("xl/workbook.xml"), start=start)
    targets: dict[str, str] = {}

    def rel(name, attrs):
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    with contextlib.suppress(KeyError):
        _parse(zf.read("xl/_rels/workbook.xml.rels"), start=rel)
    for rid in sheets:
        target = targets.get(rid)
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if path in zf.NameToInfo:
                return path, date1904[0]
    if "xl/worksheets/sheet1.xml" in zf.NameToInfo:
        return "xl/worksheets/sheet1.xml", date1904[0]
    raise XlsxError("no worksheet")


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    out: list[str] = []
    parts: list[str] = []
    state = {"t": False, "skip": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local == "t" and not state["skip"]:
            state["t"] = True
        elif local in ("rPh", "phoneticPr"):  # phonetic runs are not part of the text
            state["skip"] += 1

    def end(name):
        local = _local(name)
        if local == "si":
            out.append("".join(parts))
        elif local == "t":
            state["t"] = False
        elif local in ("rPh", "phoneticPr"):
            state["skip"] -= 1

    def text(data):
        if state["t"]:
            parts.append(data)

    name = next((n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in zf.NameToInfo), None)
    if name:
        with zf.open(name) as fh:
            _parse(fh, start, end, text)
    return out


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format is a date or time."""
    if "xl/styles.xml" not in zf.NameToInfo:
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    where = {"cellXfs": False}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            where["cellXfs"] = True
        elif local == "xf" and where["cellXfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name):
        if _local(name) == "cellXfs":
            where["cellXfs"] = False

    _parse(zf.read("xl/styles.xml"), start, end)
    dates = set()
    for idx, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if code and is_date_format(code):
            dates.add(idx)
    return dates


def _column(ref: str | None, current: int) -> int:
    if not ref:
        return current + 1
    m = _REF.match(ref)
    if not m:
        return current + 1
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def iter_rows(path) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for every row of the first worksheet that has a cell."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise XlsxError(str(exc)) from exc
    try:
        try:
            sheet, date1904 = _first_sheet(zf)
            strings = _shared_strings(zf)
            dates = _date_styles(zf)
        except (KeyError, expat.ExpatError) as exc:
            raise XlsxError(str(exc)) from exc
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        yield from _rows(zf, sheet, strings, dates, epoch)
    finally:
        zf.close()


def _rows(zf, sheet, strings, dates, epoch) -> Iterator[tuple[int, tuple]]:
    ready: list[tuple[int, tuple]] = []
    row: dict[int, object] = {}
    st = {"row": 0, "col": -1, "type": "n", "style": 0, "in_v": False, "in_is": False, "in_t": False}
    buf: list[str] = []
    names = {f"{MAIN} {n}": n for n in ("row", "c", "v", "is", "t", "f")}

    def start(name, attrs):
        local = names.get(name)
        if local is None:
            return
        if local == "c":
            st["col"] = _column(attrs.get("r"), st["col"])
            st["type"] = attrs.get("t", "n")
            s = attrs.get("s")
            st["style"] = int(s) if s else 0
            buf.clear()
        elif local == "v":
            st["in_v"] = True
        elif local == "is":
            st["in_is"] = True
        elif local == "t" and st["in_is"]:
            st["in_t"] = True
        elif local == "row":
            r = attrs.get("r")
            st["row"] = int(r) if r else st["row"] + 1
            st["col"] = -1
            row.clear()

    def end(name):
        local = names.get(name)
        if local is None:
            return
        if local == "c":
            if buf:
                row[st["col"]] = _value("".join(buf), st["type"], st["style"])
            st["in_v"] = st["in_is"] = st["in_t"] = False
        elif local == "v":
            st["in_v"] = False
        elif local == "t":
            st["in_t"] = False
        elif local == "is":
            st["in_is"] = False
        elif local == "row" and row:
            width = max(row) + 1
            ready.append((st["row"], tuple(row.get(i) for i in range(width))))

    def text(data):
        if st["in_v"] or st["in_t"]:
            buf.append(data)

    def _value(raw: str, kind: str, style: int):
        if kind == "s":
            return strings[int(raw)]
        if kind in ("str", "inlineStr"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return raw
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip().rstrip("Z"))
            except ValueError:
                return raw
        raw = raw.strip()
        try:
            number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        except ValueError:
            return raw
        if style in dates:
            try:
                return from_excel(number, epoch)
            except (ValueError, OverflowError):
                return number
        return number

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with zf.open(sheet) as fh:
        while True:
            piece = fh.read(PIECE)
            try:
                parser.Parse(piece, not piece)
            except expat.ExpatError as exc:
                raise XlsxError(str(exc)) from exc
            if ready:
                yield from ready
                ready.clear()
            if not piece:
                break
