"""In a real browser (#22): an officer imports two enterprises from a CSV (dry run, then the
apply), changes one's sector from a date, closes the other with its reason, and reads the
history on the enterprise's page; the register counts follow the dates."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from dangbo.orgs.models import Enterprise, EnterpriseChange

pytestmark = pytest.mark.browser

CSV = (
    "Tên doanh nghiệp;Mã số thuế;Khu vực;Mã địa bàn;Số lao động;Hoạt động từ ngày\n"
    "Công ty TNHH Gỗ An Bình;0109999999;Doanh nghiệp tư nhân;T01-X01;85;15/03/2021\n"
    "Hợp tác xã Rau sạch An Bình;;Hợp tác xã;T01-X01;12;01/01/2020\n"
)


def test_import_change_and_close_enterprises(page, live_server, login, tree, officer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    csv = tmp_path / "doanh_nghiep.csv"
    csv.write_text(CSV, encoding="utf-8")
    base = live_server.url
    login(page, "canbo_tinh")

    page.goto(f"{base}/to-chuc/doanh-nghiep/")
    page.click("text=Nhập từ tệp")
    page.set_input_files("#id_file", str(csv))
    page.click("#chay-thu")
    page.wait_for_selector("#ket-qua-chay-thu")
    assert "2 dòng sẽ được ghi" in page.inner_text("#ket-qua-chay-thu")
    assert not Enterprise.objects.exists()
    page.click("#ghi-that")
    page.wait_for_url(re.compile(r"/to-chuc/doanh-nghiep/$"))
    assert "Đã nhập 2 doanh nghiệp." in page.inner_text("main")

    wood = Enterprise.objects.get(tax_code="0109999999")
    page.click("text=Công ty TNHH Gỗ An Bình")
    page.click("#sua-doanh-nghiep")
    page.fill("#id_on", "01/01/2024")
    page.select_option("#id_sector", "foreign_invested_enterprise")
    page.fill("#id_reason", "Nhà đầu tư nước ngoài mua 60% vốn")
    page.click("button:has-text('Ghi')")
    page.wait_for_url(re.compile(rf"/to-chuc/doanh-nghiep/{wood.pk}/$"))
    history = page.inner_text("#lich-su-doanh-nghiep")
    assert (
        "Khu vực, loại hình: Doanh nghiệp tư nhân (ngoài nhà nước) → Doanh nghiệp có vốn đầu tư nước ngoài" in history
    )

    coop = Enterprise.objects.get(name="Hợp tác xã Rau sạch An Bình")
    page.goto(f"{base}/to-chuc/doanh-nghiep/{coop.pk}/")
    page.click("#ngung-hoat-dong")
    page.fill("#id_on", "01/07/2025")
    page.fill("#id_reason", "Giải thể theo nghị quyết của đại hội thành viên")
    page.click("button:has-text('Ghi')")
    page.wait_for_selector("#da-ngung")
    assert "Ngừng hoạt động từ ngày 01/07/2025." in page.inner_text("#da-ngung")
    assert EnterpriseChange.objects.filter(enterprise=coop, kind="close").count() == 1

    page.goto(f"{base}/to-chuc/doanh-nghiep/?ngay=30/06/2025")
    assert "2</strong> doanh nghiệp" in page.inner_html("#dem-doanh-nghiep")
    page.goto(f"{base}/to-chuc/doanh-nghiep/?ngay={timezone.localdate():%d/%m/%Y}")
    assert "1</strong> doanh nghiệp" in page.inner_html("#dem-doanh-nghiep")
    assert page.errors == []
