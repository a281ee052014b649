"""The demo's appeals of 2021: one deduction overturned, one upheld (rules.md §6).

Two real lines of the demo's history (kstt.demo.submissions, seeded), appealed by a reporter of the
unit once the line was final and decided by the provincial office's officer (``hoa``), all before the
demo's clock, through the same services as the pages (audited, notified):

- Sở Tư pháp (``tuan``'s department) sent its Q1 report the morning after the deadline (−0.25) and
  pleads a break of its own network: **upheld**, no incident of the reporting system was recorded.
- huyện Lạc Sơn's Q3 report was returned for a missing form (−0.25); the district shows the form was
  sent and lost by the upload: **overturned**, the line stays in the ledger, marked, and no longer counts.

Loading again changes nothing: a line that already has an appeal is left alone. A line that has no
deduction in the history (the seed changed) is skipped and said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kstt.accounts.models import User
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period
from kstt.compliance import services
from kstt.compliance.choices import AppealDecision
from kstt.compliance.models import Appeal
from kstt.demo import content
from kstt.units.models import Unit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class DemoAppeal:
    unit: str
    period: str
    reason: str
    filed_at: datetime
    decision: str
    decision_reason: str
    decided_at: datetime
    attachment: tuple[str, list[str]] | None = None  # a one-page PDF: its name and lines


APPEALS = (
    DemoAppeal(
        unit="P17-STP",
        period="2021Q1",
        reason=(
            "Tối 18/3/2021 đường truyền Internet của Sở bị gián đoạn nên Sở không gửi được báo cáo đúng hạn; "
            "sáng 19/3 Sở đã gửi ngay khi khôi phục được kết nối. Đề nghị không trừ điểm."
        ),
        filed_at=datetime(2021, 4, 22, 9, 15, tzinfo=HCM),
        decision=AppealDecision.UPHELD,
        decision_reason=(
            "Hệ thống báo cáo hoạt động bình thường trong 24 giờ trước hạn, không có sự cố nào được ghi nhận; "
            "sự cố đường truyền nội bộ của đơn vị không là căn cứ gia hạn. Giữ nguyên điểm trừ."
        ),
        decided_at=datetime(2021, 5, 5, 15, 0, tzinfo=HCM),
    ),
    DemoAppeal(
        unit="D157",
        period="2021Q3",
        reason=(
            "Biểu số 06 đã được đính kèm khi gửi báo cáo ngày 16/9/2021 nhưng không được lưu do lỗi tải tệp của "
            "hệ thống; huyện gửi kèm ảnh chụp màn hình và biên bản xác nhận của bộ phận kỹ thuật."
        ),
        filed_at=datetime(2021, 10, 25, 10, 0, tzinfo=HCM),
        decision=AppealDecision.OVERTURNED,
        decision_reason=(
            "Đã đối chiếu nhật ký hệ thống: tệp biểu số 06 của huyện bị lỗi khi lưu ngày 16/9/2021. Chấp nhận "
            "kiến nghị; dòng điểm trừ được giữ lại để đối chiếu nhưng không tính điểm."
        ),
        decided_at=datetime(2021, 11, 3, 16, 0, tzinfo=HCM),
        attachment=(
            "bien-ban-xac-nhan-loi-tai-tep.pdf",
            [
                "BIEN BAN XAC NHAN LOI TAI TEP",
                "UBND huyen Lac Son - bao cao KSTT quy III/2021",
                "Tep bieu so 06 da duoc tai len luc 15:50 ngay 16/09/2021 nhung khong duoc luu.",
            ],
        ),
    ),
)


#: The appeals of the 2026 demo (Phú Thọ, two-level shape), decided by the provincial officer:
#: Sở Tư pháp's late Q1 report, pleading a move of offices: **upheld**; phường Tân Hòa's late Q2 report,
#: whose reporter's account was not re-issued after the reform (the province's own fault): **overturned**.
APPEALS_2026 = (
    DemoAppeal(
        unit="P25-STP",
        period="2026Q1",
        reason=(
            "Quý I/2026 Sở đang chuyển trụ sở làm việc sau khi sắp xếp bộ máy, hạ tầng mạng chưa ổn định nên "
            "báo cáo gửi chậm so với thời hạn. Đề nghị không trừ điểm."
        ),
        filed_at=datetime(2026, 4, 22, 9, 30, tzinfo=HCM),
        decision=AppealDecision.UPHELD,
        decision_reason=(
            "Hệ thống báo cáo hoạt động bình thường trong 24 giờ trước hạn, không ghi nhận sự cố nào; việc chuyển "
            "trụ sở của đơn vị không là căn cứ gia hạn. Giữ nguyên điểm trừ."
        ),
        decided_at=datetime(2026, 5, 6, 15, 0, tzinfo=HCM),
    ),
    DemoAppeal(
        unit="W04792",
        period="2026Q2",
        reason=(
            "Tài khoản báo cáo của phường chưa được Văn phòng UBND tỉnh cấp lại sau khi sắp xếp đơn vị hành chính "
            "cấp xã, nên phường chỉ gửi được báo cáo sau hạn. Phường gửi kèm văn bản đề nghị cấp tài khoản."
        ),
        filed_at=datetime(2026, 7, 22, 10, 0, tzinfo=HCM),
        decision=AppealDecision.OVERTURNED,
        decision_reason=(
            "Đã đối chiếu: đề nghị cấp tài khoản của phường gửi trước hạn nhưng chưa được xử lý. Chấp nhận kiến "
            "nghị; dòng điểm trừ được giữ lại để đối chiếu nhưng không tính điểm."
        ),
        decided_at=datetime(2026, 8, 5, 16, 0, tzinfo=HCM),
        attachment=(
            "de-nghi-cap-tai-khoan.pdf",
            [
                "DE NGHI CAP TAI KHOAN BAO CAO",
                "UBND phuong Tan Hoa - he thong bao cao KSTT",
                "De nghi Van phong UBND tinh cap tai khoan bao cao cho cong chuc phu trach KSTT cua phuong.",
            ],
        ),
    ),
)


@dataclass
class AppealsLoad:
    filed: int = 0
    decided: int = 0
    unchanged: int = 0
    skipped: int = 0


def load_appeals(*, now: datetime, officer: str = "hoa", appeals: Sequence[DemoAppeal] = APPEALS) -> AppealsLoad:
    """File and decide the demo's appeals (of 2021 unless told) that happened by ``now``; safe to run again."""
    result = AppealsLoad()
    report_type = catalogue.report_type("kstt")
    deciding = User.objects.filter(username=officer).first()
    if report_type is None or deciding is None:
        return result
    for demo in appeals:
        if demo.filed_at > now:
            continue
        unit = Unit.objects.filter(code=demo.unit).first()
        reporter = User.objects.filter(unit=unit, is_reporter=True, is_active=True).order_by("pk").first()
        if unit is None or reporter is None:
            result.skipped += 1
            continue
        existing = Appeal.objects.filter(unit=unit, report_type=report_type, period=demo.period).first()
        if existing is None:
            files = []
            if demo.attachment is not None:
                name, lines = demo.attachment
                files.append(services.AttachmentFile(name=name, content=content.narrative_pdf(lines)))
            try:
                existing = services.file_appeal(
                    unit=unit,
                    report_type=report_type,
                    period=Period.parse(demo.period),
                    reason=demo.reason,
                    attachments=files,
                    at=demo.filed_at,
                    actor=reporter,
                )
            except services.AppealError:  # the history has no deduction on that line (another seed)
                result.skipped += 1
                continue
            result.filed += 1
        if existing.is_pending and demo.decided_at <= now:
            services.decide_appeal(
                appeal=existing, decision=demo.decision, reason=demo.decision_reason, at=demo.decided_at, actor=deciding
            )
            result.decided += 1
        elif not existing.is_pending:
            result.unchanged += 1
    return result
