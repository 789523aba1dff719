"""The rows of an XLSX file are parsed once for its dry run and replayed for its apply
(imports.rowcache): same rows, verified entries only, nothing kept from a read that stopped."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from openpyxl import Workbook

from dangbo.imports import parse, rowcache
from dangbo.imports.parse import xlsx_rows


@pytest.fixture
def book(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Số CCCD"])
    for n in range(5000):  # more than one frame
        ws.append([f"Nguyễn Văn {n}", date(1980, 1, 1 + n % 28), f"0{n:011d}"])
    path = tmp_path / "danh sach.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def parses(monkeypatch):
    """How many times the workbook itself was parsed."""
    calls = []
    real = parse.iter_rows

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(parse, "iter_rows", counting)
    return calls


def entries(settings) -> list:
    folder = settings.DANGBO_IMPORT_ROWS_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_second_read_of_the_same_file_replays_the_same_rows_without_parsing(book, parses, settings):
    first = list(xlsx_rows(book))
    second = list(xlsx_rows(str(book)))
    assert len(first) == 5001 and second == first
    number, (name, born, citizen_id) = first[1]
    assert (number, name, born.date(), citizen_id) == (2, "Nguyễn Văn 0", date(1980, 1, 1), "000000000000")
    assert len(parses) == 1
    assert len(entries(settings)) == 1


def test_a_copy_under_another_name_is_the_same_content(book, parses, tmp_path):
    list(xlsx_rows(book))
    copy = tmp_path / "ban sao.xlsx"
    copy.write_bytes(book.read_bytes())
    assert list(xlsx_rows(copy)) == list(xlsx_rows(book))
    assert len(parses) == 1


def test_a_changed_file_is_parsed_again(book, parses):
    list(xlsx_rows(book))
    wb = Workbook()
    wb.active.append(["Họ và tên"])
    wb.active.append(["Trần Thị Bình"])
    wb.save(book)
    assert list(xlsx_rows(book)) == [(1, ("Họ và tên",)), (2, ("Trần Thị Bình",))]
    assert len(parses) == 2


@pytest.mark.parametrize("damage", ["flip a byte", "drop the last frame", "cut the end"])
def test_an_entry_changed_on_disk_is_never_replayed(book, parses, settings, damage):
    rows = list(xlsx_rows(book))
    (name,) = entries(settings)
    entry = settings.DANGBO_IMPORT_ROWS_DIR / name
    data = bytearray(entry.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0xFF
    elif damage == "drop the last frame":
        frames = _frame_offsets(bytes(data))
        data = data[: frames[-2]] + data[frames[-1] :]  # the end frame kept, a data frame removed
    else:
        data = data[:-10]
    entry.write_bytes(bytes(data))
    assert list(xlsx_rows(book)) == rows
    assert len(parses) == 2  # read from the workbook again (and stored anew)


def _frame_offsets(data: bytes) -> list[int]:
    offsets, at = [], len(rowcache._FORMAT)
    while at < len(data):
        offsets.append(at)
        size, _ = rowcache._HEAD.unpack(data[at : at + rowcache._HEAD.size])
        at += rowcache._HEAD.size + size
    return offsets


def test_a_read_that_stopped_early_keeps_nothing(book, parses, settings):
    it = xlsx_rows(book)
    assert next(it)[0] == 1
    it.close()
    assert entries(settings) == []
    list(xlsx_rows(book))
    assert len(parses) == 2


def test_a_broken_file_is_refused_each_time_and_nothing_is_kept(tmp_path, settings):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    for _ in range(2):
        with pytest.raises(parse.FileFormatError, match="Không đọc được tệp Excel"):
            list(xlsx_rows(path))
    assert entries(settings) == []


def test_entries_past_their_time_are_removed_when_another_is_stored(book, tmp_path, settings):
    list(xlsx_rows(book))
    (old,) = entries(settings)
    past = time.time() - 3600 * (settings.DANGBO_IMPORT_ROWS_TTL + 1)
    os.utime(settings.DANGBO_IMPORT_ROWS_DIR / old, (past, past))
    other = tmp_path / "khac.xlsx"
    wb = Workbook()
    wb.active.append(["Họ và tên"])
    wb.save(other)
    list(xlsx_rows(other))
    assert old not in entries(settings) and len(entries(settings)) == 1


def test_without_a_writable_folder_the_file_is_read_as_before(book, parses, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.DANGBO_IMPORT_ROWS_DIR = blocker / "rows"
    assert len(list(xlsx_rows(book))) == 5001
    assert len(list(xlsx_rows(book))) == 5001
    assert len(parses) == 2
