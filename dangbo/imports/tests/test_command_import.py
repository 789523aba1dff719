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


def test_a_refused_import_does_not_claim_creations(tree, tmp_path, capsys):
    """Issue 13: a refused file printed "Đã tạo mới: 4" before "chưa ghi dòng nào"."""
    bad = write_xlsx(tmp_path / "bad.xlsx", [*members(4), row(cid="001080000099", sex="?")])
    with pytest.raises(SystemExit):
        call_command("import", str(bad))
    out = capsys.readouterr().out
    assert "Đã tạo mới" not in out
    assert "NHẬP DỮ LIỆU: KHÔNG GHI DÒNG NÀO" in out
    assert "Dòng hợp lệ (chưa ghi vì tệp có dòng bị từ chối): 4" in out
    assert "Tệp có 1 dòng không hợp lệ; chưa ghi dòng nào." in out
    call_command("import", str(write_xlsx(tmp_path / "ok.xlsx", members(2))))
    assert "Đã tạo mới: 2" in capsys.readouterr().out


def test_a_long_file_name_is_kept_whole_in_the_audit_payload(tree, tmp_path, system_user):
    from dangbo.audit.models import AuditEntry
    from dangbo.imports.orgs import org_import_apply
    from dangbo.imports.services import import_apply
    from dangbo.imports.tests.test_orgs_import import HEADERS, org
    from dangbo.imports.tests.test_views_import import LONG_NAME

    import_apply(write_xlsx(tmp_path / "ds.xlsx", members(2)), actor=system_user, filename=LONG_NAME)
    path = write_xlsx(
        tmp_path / "tc.xlsx", [org("T01-X01-C07", "Chi bộ thôn 7", parent_code="T01-X01")], headers=HEADERS
    )
    org_import_apply(path, actor=system_user, filename=LONG_NAME)
    for action in ("member.imported", "org.imported"):
        entry = AuditEntry.objects.get(action=action)
        assert (entry.object_type, entry.object_id) == ("imports.file", "")
        assert entry.after["file"]["name"] == LONG_NAME
