"""`dangbo import FILE --dry-run` prints the report; without --dry-run it writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from dangbo.imports.tests.files import members, row, write_xlsx
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db


def test_dry_run_prints_counts_and_writes_nothing(tree, tmp_path, capsys):
    path = write_xlsx(tmp_path / "ds.xlsx", members(4))
    call_command("import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "KIỂM TRA (chưa ghi)" in out and "Sẽ tạo mới: 4" in out
    assert Member.objects.count() == 0


def test_apply_writes_and_a_refused_file_exits_1(tree, tmp_path, capsys):
    call_command("import", str(write_xlsx(tmp_path / "ok.xlsx", members(2))))
    assert Member.objects.count() == 2
    bad = write_xlsx(tmp_path / "bad.xlsx", [row(cid="001080000099", sex="?")])
    with pytest.raises(SystemExit) as exc:
        call_command("import", str(bad))
    assert exc.value.code == 1
    assert "dòng 2, cột «Giới tính»" in capsys.readouterr().out
    assert Member.objects.count() == 2
