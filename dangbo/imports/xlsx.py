"""A streaming reader of the first worksheet of an XLSX file: rows of cell values, nothing else.

openpyxl's read-only mode costs ~0.25 ms a row (an object per cell, ElementTree iterparse) and, for
a file without a `<dimension>` element (files written in streaming mode, by openpyxl's write-only
mode among others), reads the whole sheet once more just to size it. This reader feeds the
decompressed sheet to expat in 256 KB pieces and keeps only the current row, so memory does not
grow with the file (shared strings are held, as every XLSX reader must).

Values are what openpyxl gives with `values_only=True, data_only=True`: str for text (shared,
inline or formula result), int/float for numbers, datetime for numbers in a date format (the
1900 or 1904 date system), bool, the error text ("#N/A") for errors; a missing cell is None.

The file is untrusted (imports run inside the server), so everything it can make the reader hold
is bounded before it is read, and anything malformed is an `XlsxError` with a Vietnamese message
naming the problem, never another exception:
- each zip member is opened only if its unpacked size (the central directory's, which zipfile
  enforces while inflating) is under a limit for that part and, above RATIO_FLOOR, at most
  MAX_RATIO times its packed size (zip bombs);
- a cell reference must be a valid A1 reference up to column XFD and row 1.048.576; a value beyond
  column MAX_COLUMNS (the product reads narrow layouts) is refused, so a row tuple stays small;
- a cell's text and each shared string are at most 32.767 characters (Excel's own limit), counted
  while they stream in; at most MAX_SHARED_STRINGS shared strings;
- a DTD (entity declarations: "billion laughs", external entities) is refused: no XLSX has one.
"""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
PIECE = 256 * 1024
# What this reader yields changes only with this file: cached rows (imports.rowcache) are keyed by it.
READER_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{0,7})")

EXCEL_MAX_COLUMNS = 16_384  # column XFD
EXCEL_MAX_ROWS = 1_048_576
MAX_COLUMNS = 200  # product limit: the widest import layout has about twenty columns
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
MAX_SHARED_STRINGS = 2_000_000
MB = 1024 * 1024
MAX_SHEET_BYTES = 1024 * MB  # the worksheet is streamed: a bound on time (about 1,8 M member rows)
MAX_SHARED_BYTES = 128 * MB  # shared strings are held in memory
MAX_PART_BYTES = 32 * MB  # workbook, relationships, styles
MAX_RATIO = 100  # unpacked / packed; real sheets are 5-20
RATIO_FLOOR = 4 * MB  # small parts may compress as well as they like


class XlsxError(ValueError):
    """Not an XLSX file this reader accepts; the message (Vietnamese) says why."""


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _mb(size: int) -> str:
    return f"{size / MB:,.0f}".replace(",", ".")


def check_member(info: zipfile.ZipInfo, limit: int) -> None:
    """Refuse a zip member whose unpacked size is over `limit` or whose compression ratio is a
    zip bomb's, before a byte of it is inflated."""
    if info.file_size > limit:
        raise XlsxError(
            f"Phần «{info.filename}» của tệp giải nén ra {_mb(info.file_size)} MB, vượt giới hạn "
            f"{_mb(limit)} MB. Hãy chia tệp thành nhiều tệp nhỏ hơn."
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = f"{info.file_size // max(info.compress_size, 1):,}".replace(",", ".")
        raise XlsxError(
            f"Tệp nén bất thường: phần «{info.filename}» giải nén ra gấp {ratio} lần kích thước nén "
            f"(giới hạn {MAX_RATIO} lần). Hệ thống từ chối tệp này."
        )


def check_archive(zf: zipfile.ZipFile, *, total: int) -> None:
    """Every member of an archive that a library will inflate whole (DOCX through python-docx):
    each one checked as above, and their unpacked sizes together at most `total`."""
    size = 0
    for info in zf.infolist():
        check_member(info, total)
        size += info.file_size
    if size > total:
        raise XlsxError(f"Tệp giải nén ra {_mb(size)} MB, vượt giới hạn {_mb(total)} MB.")


def _parser(member: str) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def no_dtd(*_args) -> None:
        raise XlsxError(
            f"Phần «{member}» của tệp có khai báo DTD/thực thể (entity), điều tệp Excel không bao "
            "giờ có. Hệ thống từ chối tệp này."
        )

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    return parser


def _broken(member: str, exc: Exception) -> XlsxError:
    if isinstance(exc, expat.ExpatError):
        return XlsxError(
            f"Tệp Excel bị hỏng: phần «{member}» không phải XML hợp lệ (dòng {exc.lineno}, "
            f"cột {exc.offset} của phần đó)."
        )
    return XlsxError(f"Tệp Excel bị hỏng: không giải nén được phần «{member}».")


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _parse(zf: zipfile.ZipFile, member: str, limit: int, start=None, end=None, text=None) -> None:
    """Stream one member through expat with the given handlers (after check_member)."""
    check_member(zf.getinfo(member), limit)
    parser = _parser(member)
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    for _ in _feed(zf, member, parser):
        pass


def _feed(zf: zipfile.ZipFile, member: str, parser) -> Iterator[None]:
    """Feed `member` to `parser` a piece at a time, yielding after each piece (the caller takes
    what the handlers collected); a broken zip or XML is a Vietnamese XlsxError."""
    try:
        with zf.open(member) as fh:
            while True:
                piece = fh.read(PIECE)
                parser.Parse(piece, not piece)
                yield
                if not piece:
                    break
    except (expat.ExpatError, *_ZIP_ERRORS) as exc:
        raise _broken(member, exc) from exc


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

    if "xl/workbook.xml" not in zf.NameToInfo:
        raise XlsxError("Tệp không có phần «xl/workbook.xml»: đây không phải tệp Excel (.xlsx).")
    _parse(zf, "xl/workbook.xml", MAX_PART_BYTES, start=start)
    targets: dict[str, str] = {}

    def rel(name, attrs):
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    if "xl/_rels/workbook.xml.rels" in zf.NameToInfo:
        _parse(zf, "xl/_rels/workbook.xml.rels", MAX_PART_BYTES, start=rel)
    for rid in sheets:
        target = targets.get(rid)
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if path in zf.NameToInfo:
                return path, date1904[0]
    if "xl/worksheets/sheet1.xml" in zf.NameToInfo:
        return "xl/worksheets/sheet1.xml", date1904[0]
    raise XlsxError("Tệp Excel không có trang tính nào.")


def _too_long(where: str) -> XlsxError:
    return XlsxError(
        f"{where} dài hơn {MAX_CELL_CHARS:,} ký tự, giới hạn của một ô Excel. Hệ thống từ chối tệp này.".replace(
            ",", "."
        )
    )


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    out: list[str] = []
    parts: list[str] = []
    state = {"t": False, "skip": 0, "chars": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            parts.clear()
            state["chars"] = 0
        elif local == "t" and not state["skip"]:
            state["t"] = True
        elif local in ("rPh", "phoneticPr"):  # phonetic runs are not part of the text
            state["skip"] += 1

    def end(name):
        local = _local(name)
        if local == "si":
            if len(out) >= MAX_SHARED_STRINGS:
                raise XlsxError(
                    f"Tệp có hơn {MAX_SHARED_STRINGS:,} chuỗi dùng chung (shared strings), vượt giới "
                    "hạn của hệ thống. Hãy chia tệp thành nhiều tệp nhỏ hơn.".replace(",", ".")
                )
            out.append("".join(parts))
        elif local == "t":
            state["t"] = False
        elif local in ("rPh", "phoneticPr"):
            state["skip"] -= 1

    def text(data):
        if state["t"]:
            state["chars"] += len(data)
            if state["chars"] > MAX_CELL_CHARS:
                raise _too_long(f"Chuỗi dùng chung số {len(out)} (shared string)")
            parts.append(data)

    name = next((n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in zf.NameToInfo), None)
    if name:
        _parse(zf, name, MAX_SHARED_BYTES, start, end, text)
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

    _parse(zf, "xl/styles.xml", MAX_PART_BYTES, start, end)
    dates = set()
    for idx, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if code and is_date_format(code):
            dates.add(idx)
    return dates


def column_letter(index: int) -> str:
    """0 -> "A", 16383 -> "XFD"."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column(ref: str | None, current: int) -> int:
    """The 0-based column of a cell reference ("B3" -> 1); without a reference, the next column."""
    if ref is None:
        col = current + 1
    else:
        m = _REF.fullmatch(ref)
        if not m:
            raise XlsxError(
                f"Tham chiếu ô «{ref[:20]}» không hợp lệ: Excel chỉ có các cột từ A đến XFD "
                f"({EXCEL_MAX_COLUMNS:,} cột) và các dòng từ 1 đến {EXCEL_MAX_ROWS:,}.".replace(",", ".")
            )
        col = -1
        for ch in m.group(1).upper():
            col = (col + 1) * 26 + ord(ch) - 65
    if col >= EXCEL_MAX_COLUMNS:
        raise XlsxError(f"Tham chiếu ô «{(ref or '')[:20]}» vượt quá cột cuối cùng của Excel (XFD).")
    return col


def _row_number(ref: str | None, current: int) -> int:
    if ref is None:
        number = current + 1
    elif _digits(ref) and len(ref) <= 7:
        number = int(ref)
    else:
        raise XlsxError(f"Số dòng «{ref[:20]}» trong trang tính không hợp lệ.")
    if not 1 <= number <= EXCEL_MAX_ROWS:
        raise XlsxError(
            f"Số dòng {number:,} nằm ngoài giới hạn của Excel (1 đến {EXCEL_MAX_ROWS:,}).".replace(",", ".")
        )
    return number


_WINDOWS_DAY_ZERO = datetime(1899, 12, 30)  # noqa: DTZ001 (Excel serials are naive, as openpyxl reads them)


def _excel_date(number: int | float, epoch) -> datetime | int | float:
    """The date of an Excel serial number in a date-formatted cell (the number itself if it is
    none). A whole serial after 28/02/1900 in the Windows calendar, the common case, is counted
    here; the rest (times, 1904 calendar, Excel's 1900 leap day) goes to openpyxl's from_excel,
    whose results these equal (tested)."""
    if type(number) is int and 60 < number < 2_958_466 and epoch == CALENDAR_WINDOWS_1900:
        return _WINDOWS_DAY_ZERO + timedelta(days=number)
    try:
        return from_excel(number, epoch)
    except (ValueError, OverflowError):
        return number


def iter_rows(path) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for every row of the first worksheet that has a cell. `path` is a
    file name or a binary file object."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise XlsxError(
            "Tệp không phải là tệp Excel .xlsx (tệp .xls cũ hãy mở bằng Excel rồi lưu lại thành .xlsx)."
        ) from exc
    try:
        sheet, date1904 = _first_sheet(zf)
        strings = _shared_strings(zf)
        dates = _date_styles(zf)
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        yield from _rows(zf, sheet, strings, dates, epoch)
    finally:
        zf.close()


def _rows(zf, sheet, strings, dates, epoch) -> Iterator[tuple[int, tuple]]:
    # The handlers run a few times per cell (a 60.000-row import: ~1,6 million calls), so the
    # state lives in closure variables, not a dict, and a column's letters are checked once.
    check_member(zf.getinfo(sheet), MAX_SHEET_BYTES)
    ready: list[tuple[int, tuple]] = []
    row: dict[int, object] = {}
    row_no, col, kind, style, in_v, in_is, in_t, chars = 0, -1, "n", 0, False, False, False, 0
    buf: list[str] = []
    ROW, C, V, IS, T = 1, 2, 3, 4, 5
    names = {f"{MAIN} row": ROW, f"{MAIN} c": C, f"{MAIN} v": V, f"{MAIN} is": IS, f"{MAIN} t": T}
    columns: dict[str, int] = {}  # column letters already checked -> 0-based index
    numeric = "0123456789"

    def here() -> str:
        return f"{column_letter(col)}{row_no}"

    def start(name, attrs):
        nonlocal row_no, col, kind, style, in_v, in_is, in_t, chars
        local = names.get(name)
        if local == C:
            ref = attrs.get("r")
            letters = ref.rstrip(numeric) if ref is not None else None
            if letters is not None and letters in columns and len(ref) - len(letters) <= 7:
                col = columns[letters]
            else:
                col = _column(ref, col)
                if ref is not None:
                    columns[letters] = col
            kind = attrs.get("t", "n")
            s = attrs.get("s")
            style = int(s) if s and _digits(s) else 0
            chars = 0
            buf.clear()
        elif local == V:
            in_v = True
        elif local == ROW:
            row_no = _row_number(attrs.get("r"), row_no)
            col = -1
            row.clear()
        elif local == IS:
            in_is = True
        elif local == T and in_is:
            in_t = True

    def end(name):
        nonlocal in_v, in_is, in_t
        local = names.get(name)
        if local == C:
            if buf:
                raw = "".join(buf)
                if col < MAX_COLUMNS:
                    row[col] = _value(raw, kind, style)
                elif raw.strip():
                    raise XlsxError(
                        f"Ô {here()} có dữ liệu ở cột thứ {col + 1:,}: hệ thống chỉ đọc {MAX_COLUMNS} cột đầu "
                        f"(đến cột {column_letter(MAX_COLUMNS - 1)}). Hãy xoá các cột thừa ở bên phải.".replace(
                            ",", "."
                        )
                    )
            in_v = in_is = in_t = False
        elif local == V:
            in_v = False
        elif local == ROW:
            if row:
                width = max(row) + 1
                ready.append((row_no, tuple(row.get(i) for i in range(width))))
        elif local == T:
            in_t = False
        elif local == IS:
            in_is = False

    def text(data):
        nonlocal chars
        if in_v or in_t:
            chars += len(data)
            if chars > MAX_CELL_CHARS:
                raise _too_long(f"Nội dung ô {here()}")
            buf.append(data)

    def _value(raw: str, kind: str, style: int):
        if kind == "s":
            index = raw.strip()
            if not _digits(index) or len(index) > 9 or int(index) >= len(strings):
                raise XlsxError(
                    f"Ô {here()} trỏ tới chuỗi dùng chung số «{index[:20]}», không có trong tệp "
                    f"(tệp có {len(strings):,} chuỗi).".replace(",", ".")
                )
            return strings[int(index)]
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
            return _excel_date(number, epoch)
        return number

    parser = _parser(sheet)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    for _ in _feed(zf, sheet, parser):
        if ready:
            yield from ready
            ready.clear()
