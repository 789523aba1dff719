"""Streaming readers for member files (XLSX and CSV) in the documented column layout.

The layout (downloadable template: `services.build_template()`), one row per member:

| Header (Vietnamese)  | Field              | Required | Notes                                               |
|----------------------|--------------------|----------|-----------------------------------------------------|
| Họ và tên            | full_name          | yes      |                                                     |
| Ngày sinh            | birth              | yes      | dd/mm/yyyy, d/m/yy, yyyy-mm-dd, Excel date, or year |
| Giới tính            | sex                | yes      | Nam/Nữ, 1/0, M/F (or a column "Nữ" marked x)        |
| Dân tộc              | ethnicity          |          | name or code of the 54 groups (default Kinh)        |
| Tôn giáo             | religion           |          | name or code (default: none)                        |
| Quê quán             | hometown           |          |                                                     |
| Số CCCD              | citizen_id         |          | 12 digits, column formatted as Text                 |
| Số thẻ đảng viên     | party_card_number  |          |                                                     |
| Mã chi bộ            | org_code           | one of   | the organization code in the system                 |
| Tên chi bộ           | org_name           | the two  | exact name (accents/case ignored) on the admission date |
| Ngày vào Đảng        | admitted_on        | yes      | the admission decision date (starts party seniority) |
| Ngày lễ kết nạp      | ceremony_on        |          | starts the 12-month probation                       |
| Ngày chính thức      | full_on            |          | empty = still probationary                          |
| Trình độ học vấn     | general_education  |          | 12/12, THPT, THCS...                                |
| Lý luận chính trị    | theory_level       |          | Sơ cấp, Trung cấp, Cao cấp, Cử nhân                 |
| Nghề nghiệp          | occupation         |          |                                                     |
| Sổ tay điện tử       | handbook           |          | e-handbook account (R-043): có/không, or the date opened |

Headers are decoded with the file's legacy encoding (TCVN3 "Giíi tÝnh", VNI "Soá CCCD"), folded
(accents, case, spaces and punctuation) and matched with aliases ("Ngày kết nạp" = "Ngày vào Đảng");
an officer's mapping (imports/mappings.py) maps the others. Every header cell is described in
`Table.headers` (mapped to a field, or ignored), so no column is dropped silently. A new field of a
layout (e.g. the organization layout's «Khu vực») is one more `Field` (pipeline.py: the steps every
kind of import shares).
Readers never load the whole file: XLSX through the streaming reader in xlsx.py, CSV line by line.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dangbo.core.errors import not_found
from dangbo.core.text import fold
from dangbo.imports import legacy
from dangbo.imports.rowcache import cached_rows
from dangbo.imports.xlsx import READER_VERSION, XlsxError, iter_rows


@dataclass(frozen=True)
class Field:
    """One column of an import layout, as a kind declares it (imports/pipeline.py): the field it
    fills, its Vietnamese header (the template's), the other headers found in real files (matched
    folded: accents, case, spaces and punctuation ignored, and decoded from TCVN3/VNI), whether the
    file must have the column, and the template guide's note on how to fill it."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""
    prefix: bool = False  # opt-in: a header that starts with the header or an alias (whole words) also matches


@dataclass(frozen=True)
class Layout:
    """A documented column layout: the fields, their Vietnamese headers and accepted aliases."""

    kind: str
    columns: list[tuple[str, str, tuple[str, ...]]]
    required: tuple[str, ...]
    one_of: tuple[tuple[str, str, str], ...] = ()  # (field, field, label): at least one of the two
    extra_headers: tuple[tuple[str, str], ...] = ()
    notes: dict[str, str] = field(default_factory=dict)  # field -> the template guide's note
    prefixes: tuple[str, ...] = ()  # fields whose header and aliases also match as a prefix (Field.prefix)

    @classmethod
    def of(
        cls,
        kind: str,
        fields: list[Field],
        *,
        one_of: tuple[tuple[str, str, str], ...] = (),
        extra_headers: tuple[tuple[str, str], ...] = (),
    ) -> Layout:
        """The layout of a kind's declared fields (required ones in the order declared: the first
        is the column that finds the header row)."""
        return cls(
            kind,
            [(f.name, f.header, f.aliases) for f in fields],
            tuple(f.name for f in fields if f.required),
            one_of,
            extra_headers,
            {f.name: f.note for f in fields if f.note},
            tuple(f.name for f in fields if f.prefix),
        )

    def required_label(self, name: str) -> str:
        """«Có» for a required column, «Một trong hai» for one of a pair, else "" (the guide's)."""
        if name in self.required:
            return "Có"
        return "Một trong hai" if any(name in (a, b) for a, b, _ in self.one_of) else ""

    @property
    def header_of(self) -> dict[str, str]:
        return {name: header for name, header, _ in self.columns}

    @property
    def template_headers(self) -> list[str]:
        return [header for _, header, _ in self.columns]

    @cached_property
    def index(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, header, aliases in self.columns:
            for h in (header, *aliases):
                out[_key(h)] = name
        for h, name in self.extra_headers:
            out[_key(h)] = name
        return out

    @cached_property
    def prefix_index(self) -> list[tuple[str, str]]:
        """(folded header or alias, field) of the prefix fields, longest first."""
        wanted = set(self.prefixes)
        pairs = [
            (_key(h), name) for name, header, aliases in self.columns if name in wanted for h in (header, *aliases)
        ]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def match(self, key: str) -> str | None:
        """The field a folded header fills: its header or an alias exactly, else (fields declared
        with `prefix`) the longest header or alias it starts with, whole words ("noi dung nhiem vu"
        starts with "noi dung"); None: unknown."""
        name = self.index.get(key)
        if name is not None or not self.prefixes:
            return name
        for start, name in self.prefix_index:
            if key.startswith(start + " "):
                return name
        return None


FEMALE_MARKER = "female_marker"  # a column headed "Nữ" marked with x
MEMBER_FIELDS = [
    Field(
        "full_name",
        "Họ và tên",
        ("Họ tên", "Họ và tên khai sinh", "Họ và tên đảng viên", "Tên đảng viên"),
        required=True,
        note="Họ và tên đầy đủ, có dấu.",
    ),
    Field(
        "birth",
        "Ngày sinh",
        ("Ngày tháng năm sinh", "Năm sinh", "Sinh ngày", "Ngày, tháng, năm sinh"),
        required=True,
        note="ngày/tháng/năm (02/09/1980); nếu chỉ biết năm, ghi năm (1980).",
    ),
    Field("sex", "Giới tính", ("Nam/Nữ", "Nam Nữ", "Phái", "Giới"), required=True, note="Nam hoặc Nữ (chấp nhận 1/0)."),
    Field("ethnicity", "Dân tộc", note="Tên dân tộc theo danh mục 54 dân tộc; để trống = Kinh."),
    Field("religion", "Tôn giáo", note="Tên tôn giáo; để trống = không theo tôn giáo."),
    Field("hometown", "Quê quán", ("Nguyên quán", "Quê")),
    Field(
        "citizen_id",
        "Số CCCD",
        (
            "CCCD",
            "Số căn cước công dân",
            "Căn cước công dân",
            "Số căn cước",
            "Số định danh cá nhân",
            "Số định danh",
            "CMND/CCCD",
            "Số CMND/CCCD",
        ),
        note="Đủ 12 chữ số; định dạng cột là Văn bản để giữ số 0 ở đầu.",
    ),
    Field("party_card_number", "Số thẻ đảng viên", ("Số thẻ", "Số thẻ Đảng", "Thẻ đảng viên", "Số thẻ ĐV")),
    Field(
        "org_code",
        "Mã chi bộ",
        ("Mã tổ chức đảng", "Mã tổ chức", "Mã đơn vị"),
        note="Mã chi bộ trong hệ thống (ưu tiên); hoặc ghi Tên chi bộ.",
    ),
    Field(
        "org_name",
        "Tên chi bộ",
        ("Chi bộ", "Tổ chức đảng", "Tên tổ chức đảng", "Đơn vị", "Chi bộ sinh hoạt"),
        note="Tên chi bộ đúng như trong hệ thống vào ngày vào Đảng.",
    ),
    Field(
        "admitted_on",
        "Ngày vào Đảng",
        (
            "Ngày kết nạp",
            "Ngày kết nạp Đảng",
            "Ngày quyết định kết nạp",
            "Ngày vào đảng",
            "Ngày vào Đảng (quyết định kết nạp)",
        ),
        required=True,
        note="Ngày quyết định kết nạp (bắt đầu tính tuổi đảng).",
    ),
    Field(
        "ceremony_on",
        "Ngày lễ kết nạp",
        ("Lễ kết nạp", "Ngày tổ chức lễ kết nạp"),
        note="Ngày tổ chức lễ kết nạp (bắt đầu 12 tháng dự bị).",
    ),
    Field(
        "full_on",
        "Ngày chính thức",
        (
            "Ngày công nhận chính thức",
            "Ngày chuyển chính thức",
            "Ngày được công nhận chính thức",
            "Ngày vào Đảng chính thức",
        ),
        note="Ngày được công nhận đảng viên chính thức; để trống nếu còn dự bị.",
    ),
    Field(
        "general_education",
        "Trình độ học vấn",
        ("Học vấn", "Giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa"),
    ),
    Field("theory_level", "Lý luận chính trị", ("Trình độ lý luận chính trị", "LLCT", "Lý luận")),
    Field("occupation", "Nghề nghiệp", ("Nghề", "Công việc")),
    Field(
        "handbook",
        "Sổ tay điện tử",
        (
            "Tài khoản sổ tay",
            "Sổ tay đảng viên điện tử",
            "Tài khoản Sổ tay đảng viên",
            "Tài khoản Sổ tay đảng viên điện tử",
            "Sổ tay ĐV điện tử",
            "Sổ tay",
        ),
    ),
]
MEMBERS = Layout.of(
    "members",
    MEMBER_FIELDS,
    one_of=(("org_code", "org_name", "Mã chi bộ / Tên chi bộ"),),
    extra_headers=(("Nữ", FEMALE_MARKER),),
)
COLUMNS = MEMBERS.columns
TEMPLATE_HEADERS = MEMBERS.template_headers
HEADER_OF = MEMBERS.header_of
REQUIRED = MEMBERS.required


def decode_header(text, encoding: str | None = None) -> str:
    """A header cell as the officer reads it: decoded with the file's legacy encoding when it is
    valid in it (else detected on its own), NFC, single spaces."""
    raw = str(text)
    decoded = None
    if encoding and not raw.isascii() and not legacy.is_unicode(raw):
        decoded = legacy._valid(raw, legacy.decode_vni if encoding == "vni" else legacy.decode_tcvn3)
    return re.sub(r"\s+", " ", legacy.to_unicode(decoded if decoded is not None else raw)).strip()


def header_key(text, encoding: str | None = None) -> str:
    """The folded form headers are matched by: decoded (decode_header), accents and case folded,
    every run of spaces or punctuation one space ("Số CMND/CCCD" -> "so cmnd cccd")."""
    return re.sub(r"[^a-z0-9]+", " ", fold(decode_header(text, encoding))).strip()


_key = header_key


class FileFormatError(ValueError):
    """The file cannot be read in the expected layout (Vietnamese message). `headers`: the header
    row found, described as in Table.headers, when columns are missing (the officer may map them)."""

    def __init__(
        self,
        message: str,
        *,
        headers: list[dict[str, Any]] | None = None,
        missing: list[str] | None = None,
    ):
        super().__init__(message)
        self.headers = headers or []
        self.layout_key = layout_key(self.headers) if self.headers else ""
        self.missing = missing or []  # the headers of the required columns not found


@dataclass
class Row:
    number: int  # the row number the officer sees in Excel (1-based, header included)
    values: dict[str, Any]


@dataclass
class Table:
    """An open member file: its header mapping, and an iterator over the data rows.

    `headers`: every non-empty header cell of the header row, decoded, with the field it was
    mapped to (None: ignored) and how (alias of the layout, or the officer's mapping)."""

    columns: dict[str, int]
    header_row: int
    encoding: str | None  # "vni" / "tcvn3" when the file is in a legacy font encoding
    ignored_headers: list[str] = field(default_factory=list)
    _rows: Iterator[tuple[int, tuple]] | None = None
    _close: Any = None
    headers: list[dict[str, Any]] = field(default_factory=list)
    layout_key: str = ""

    def __iter__(self) -> Iterator[Row]:
        guess_enc = self.encoding
        try:
            for number, cells in self._rows:
                if not any(c not in (None, "") and str(c).strip() for c in cells):
                    continue
                values: dict[str, Any] = {}
                for name, idx in self.columns.items():
                    value = cells[idx] if idx < len(cells) else None
                    if isinstance(value, str):
                        value = (
                            legacy.to_unicode(value, guess_enc)
                            if guess_enc and not legacy.is_unicode(value)
                            else legacy.to_unicode(value)
                        )
                    values[name] = value
                yield Row(number, values)
        finally:
            self.close()

    def close(self) -> None:
        if self._close:
            self._close()
            self._close = None


IGNORE = ""  # the officer's mapping of a column to nothing: ignored on purpose
ColumnMap = dict[str, str] | Callable[[str], dict[str, str]] | None


def _match_header(
    cells: tuple, layout: Layout, encoding: str | None = None, column_map: dict[str, str] | None = None
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """(field -> column index, the description of every non-empty header cell)."""
    found: dict[str, int] = {}
    described: list[dict[str, Any]] = []
    column_map = column_map or {}
    fields = {name for name, _, _ in layout.columns} | {name for _, name in layout.extra_headers}
    for idx, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        # Decoded with the file's font, else as typed (a Unicode template filled in an old font:
        # "Quê quán" is valid TCVN3 too, and reads "Quờ quỏn" in it).
        readings = [(header_key(cell, encoding), encoding)] + ([(header_key(cell), None)] if encoding else [])
        key, enc = readings[0]
        name, how = None, "unknown"
        for k, e in readings:
            if k in column_map and (column_map[k] in fields or column_map[k] == IGNORE):
                key, enc, name, how = k, e, column_map[k] or None, "officer"
                break
            if (matched := layout.match(k)) is not None:
                key, enc, name, how = k, e, matched, "alias"
                break
        if name and name in found:
            name, how = None, "repeated"
        if name:
            found[name] = idx
        described.append({"index": idx, "header": decode_header(cell, enc), "key": key, "field": name, "how": how})
    return found, described


def layout_key(described: list[dict[str, Any]]) -> str:
    """The signature of a header layout: its folded headers, in order (a saved mapping applies to
    files with the same header row)."""
    import hashlib

    return hashlib.sha256("|".join(d["key"] for d in described).encode()).hexdigest()[:32]


def _locate_header(
    rows: list[tuple], layout: Layout = MEMBERS, encoding: str | None = None, column_map: ColumnMap = None
):
    """The header row among `rows` (the one with the most recognized columns). `column_map`: the
    officer's mapping, or a function of a layout key giving the mapping saved for that layout."""
    best: tuple[int, dict[str, int], list[dict[str, Any]]] = (-1, {}, [])
    for i, cells in enumerate(rows):
        chosen = column_map
        if callable(column_map):
            if sum(1 for c in cells if c is not None and str(c).strip()) < 2:
                continue
            _, plain = _match_header(cells, layout, encoding)
            chosen = column_map(layout_key(plain))
        found, described = _match_header(cells, layout, encoding, chosen)
        if len(found) > len(best[1]):
            best = (i, found, described)
    idx, found, described = best
    key = layout.required[0]
    if key not in found:
        raise FileFormatError(
            not_found(f"dòng tiêu đề có cột «{layout.header_of[key]}» trong 20 dòng đầu. Hãy dùng tệp mẫu."),
            headers=described,
            missing=_missing(layout, found),
        )
    if layout is MEMBERS:
        if FEMALE_MARKER in found and "sex" not in found:
            found["sex"] = found.pop(FEMALE_MARKER)
            found[FEMALE_MARKER] = found["sex"]
        else:
            marker = found.pop(FEMALE_MARKER, None)
            for d in described:
                if marker is not None and d["index"] == marker:
                    d["field"], d["how"] = None, "repeated"
    for d in described:
        if d["field"] == FEMALE_MARKER:
            d["field"] = "sex"
    missing = _missing(layout, found)
    if missing:
        raise FileFormatError(
            "Thiếu cột: " + ", ".join(f"«{m}»" for m in missing) + ".",
            headers=described,
            missing=missing,
        )
    return idx, found, described


def _missing(layout: Layout, found: dict[str, int]) -> list[str]:
    missing = [layout.header_of[n] for n in layout.required if n not in found]
    for a, b, label in layout.one_of:
        if a not in found and b not in found:
            missing.append(label)
    return missing


def _table(columns, header_row, encoding, described, rows, close) -> Table:
    ignored = [d["header"] for d in described if d["field"] is None]
    return Table(columns, header_row, encoding, ignored, rows, close, described, layout_key(described))


SAMPLE_ROWS = 500  # rows read ahead to locate the header and guess a legacy encoding


def _guess(rows: list[tuple]) -> str | None:
    guess = legacy.FileEncodingGuess()
    for cells in rows:
        for c in cells:
            if isinstance(c, str):
                guess.feed(c)
    return guess.encoding


def _header_and_encoding(rows: list[tuple], layout: Layout, column_map: ColumnMap):
    """The file's legacy encoding and its header row, decoded with it. A file is typed in one font:
    the guess over every sampled cell decodes the header; the guess over the data rows below the
    header (Unicode headers over TCVN3 data are common: a template filled in an old font) wins
    when it differs, and the header is read again with it."""
    first = _guess(rows)
    found = _locate_header(rows[:20], layout, first, column_map)
    data = _guess(rows[found[0] + 1 :])
    if data and data != first:
        try:
            return data, _locate_header(rows[:20], layout, data, column_map)
        except FileFormatError:
            pass
    return data or first, found


def xlsx_rows(path) -> Iterator[tuple[int, tuple]]:
    """The rows of the first worksheet through the guarded streaming reader (dangbo/imports/xlsx.py),
    every problem of the file a FileFormatError with a Vietnamese message. Every XLSX import reads
    through this: members, organizations, grading results, plan task tables."""
    it = cached_rows(path, lambda: iter_rows(path), version=READER_VERSION)
    try:
        yield from it
    except XlsxError as exc:
        raise FileFormatError(f"Không đọc được tệp Excel (.xlsx). {exc}") from exc
    finally:
        it.close()


def _open_numbered(it, layout: Layout, column_map: ColumnMap, *, empty: str) -> Table:
    """A table over numbered rows `(number, cells)` (a generator, closed with the table): the rows
    read ahead to find the header and guess the encoding are kept and replayed, the rest is never
    held in memory."""
    sample: list[tuple[int, tuple]] = []
    try:
        for numbered_cells in it:
            sample.append(numbered_cells)
            if len(sample) > SAMPLE_ROWS:
                break
    except FileFormatError:
        it.close()
        raise
    if not sample:
        it.close()
        raise FileFormatError(empty)
    try:
        encoding, (header_idx, columns, described) = _header_and_encoding(
            [cells for _, cells in sample], layout, column_map
        )
    except FileFormatError:
        it.close()
        raise
    header_number = sample[header_idx][0]
    rows = itertools.chain(sample[header_idx + 1 :], it)
    return _table(columns, header_number, encoding, described, rows, it.close)


def open_xlsx(path: str | Path, layout: Layout = MEMBERS, column_map: ColumnMap = None) -> Table:
    """The first worksheet, streamed (dangbo/imports/xlsx.py)."""
    return _open_numbered(
        xlsx_rows(path), layout, column_map, empty="Tệp Excel không có dữ liệu ở trang tính đầu tiên."
    )


def open_rows(
    rows: Iterable[tuple[int, tuple] | list | tuple],
    layout: Layout = MEMBERS,
    column_map: ColumnMap = None,
    *,
    numbered: bool = False,
    empty: str = "Tệp không có dữ liệu.",
) -> Table:
    """A table over rows already in memory (the rows of a DOCX table, a sheet read by the caller):
    the same header location, legacy decoding, aliases and mappings as a file. Each row is a
    sequence of cells, numbered from 1 in order, or `(number, cells)` with `numbered`."""

    def gen() -> Iterator[tuple[int, tuple]]:
        if numbered:
            for number, cells in rows:
                yield number, tuple(cells)
        else:
            for number, cells in enumerate(rows, start=1):
                yield number, tuple(cells)

    return _open_numbered(gen(), layout, column_map, empty=empty)


_CP1258_TONES = {0xCC, 0xEC, 0xD2, 0xDE, 0xF2}  # combining grave, acute, hook, tilde, dot below
_CP1258_VOWELS = set(b"aeiouyAEIOUY") | {0xE2, 0xEA, 0xF4, 0xE3, 0xF5, 0xFD, 0xC2, 0xCA, 0xD4, 0xC3, 0xD5, 0xDD}


def sniff_csv_encoding(sample: bytes) -> str:
    """utf-8 (with or without BOM), else cp1258 (Vietnamese Windows: base letter + combining
    tone byte), else cp1252 (whose Latin-1 letters may be TCVN3/VNI, converted later)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            pass
        else:
            return "utf-8"
    tones = [i for i, b in enumerate(sample) if b in _CP1258_TONES]
    after_vowel = sum(1 for i in tones if i and sample[i - 1] in _CP1258_VOWELS)
    if tones and after_vowel / len(tones) >= 0.8:
        return "cp1258"
    return "cp1252"


MAX_CSV_LINE = 1024 * 1024  # characters: a line is read whole before the csv module sees it


def _lines(handle) -> Iterator[str]:
    """The lines of a text file, each read with a bound (a file without line breaks would
    otherwise be read whole into memory)."""
    while True:
        line = handle.readline(MAX_CSV_LINE)
        if not line:
            return
        if len(line) >= MAX_CSV_LINE and not line.endswith(("\n", "\r")):
            raise FileFormatError(
                f"Tệp CSV có một dòng dài hơn {MAX_CSV_LINE:,} ký tự; hệ thống từ chối tệp này.".replace(",", ".")
            )
        yield line


def _csv_refusal(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"Tệp CSV có một ô dài hơn {csv.field_size_limit():,} ký tự; hệ thống từ chối tệp này.".replace(",", ".")
    return "Tệp CSV bị hỏng (dấu ngoặc kép hoặc ký tự đặc biệt không đúng chỗ); hệ thống không đọc được."


def open_csv(path: str | Path, layout: Layout = MEMBERS, column_map: ColumnMap = None) -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(256 * 1024)
    encoding = sniff_csv_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text_sample[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    errors = "replace" if encoding == "cp1252" else "strict"
    try:
        lines = list(itertools.islice(csv.reader(io.StringIO(text_sample), dialect), SAMPLE_ROWS))
    except csv.Error as exc:
        raise FileFormatError(_csv_refusal(exc)) from exc
    legacy_enc, (header_idx, columns, described) = _header_and_encoding([tuple(r) for r in lines], layout, column_map)
    handle = open(path, encoding=encoding, errors=errors, newline="")  # noqa: SIM115 - closed by Table

    def numbered():
        try:
            for number, cells in enumerate(csv.reader(_lines(handle), dialect), start=1):
                if number > header_idx + 1:
                    yield number, tuple(c if c != "" else None for c in cells)
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"Tệp CSV có ký tự không đọc được theo mã {encoding}.") from exc
        except csv.Error as exc:
            raise FileFormatError(_csv_refusal(exc)) from exc

    return _table(columns, header_idx + 1, legacy_enc, described, numbered(), handle.close)


def open_table(
    path: str | Path, *, filename: str | None = None, layout: Layout = MEMBERS, column_map: ColumnMap = None
) -> Table:
    """`column_map`: the officer's mapping, folded header (header_key) -> field ("" = ignore), or a
    function of the header layout's key that gives it (imports.mappings)."""
    name = (filename or str(path)).lower()
    if name.endswith((".xlsx", ".xlsm")):
        return open_xlsx(path, layout, column_map)
    if name.endswith((".csv", ".txt")):
        return open_csv(path, layout, column_map)
    raise FileFormatError("Chỉ nhận tệp .xlsx hoặc .csv.")
