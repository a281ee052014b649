"""What a demo report contains: the narrative sections in plain Vietnamese and a one-page PDF.

Pure: figures in, texts and bytes out; the same inputs always give the same bytes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence

#: A few plausible sentences per outline section (kstt-outline v1); ``{…}`` are the unit's figures.
SECTION_TEXTS: Mapping[str, Sequence[str]] = {
    "direction": (
        "Ban hành kế hoạch kiểm soát thủ tục hành chính năm 2021 và văn bản đôn đốc thực hiện trong kỳ; "
        "lãnh đạo đơn vị trực tiếp chỉ đạo việc giải quyết hồ sơ quá hạn.",
        "Thường xuyên quán triệt cán bộ, công chức thực hiện nghiêm quy trình tiếp nhận, giải quyết "
        "thủ tục hành chính; kiểm tra định kỳ tại Bộ phận Một cửa.",
    ),
    "regulation_control": (
        "Trong kỳ không có dự thảo văn bản quy phạm pháp luật có quy định thủ tục hành chính thuộc thẩm quyền.",
        "Tham gia ý kiến đối với các dự thảo văn bản có quy định thủ tục hành chính khi được đề nghị.",
    ),
    "publication": (
        "Niêm yết công khai đầy đủ, kịp thời các thủ tục hành chính đã được Chủ tịch UBND tỉnh công bố "
        "tại Bộ phận Một cửa và trên Cổng thông tin điện tử.",
        "100% thủ tục hành chính thuộc thẩm quyền được công khai tại nơi tiếp nhận và trên Cổng Dịch vụ công của tỉnh.",
    ),
    "review": (
        "Thực hiện rà soát, đánh giá thủ tục hành chính theo kế hoạch của UBND tỉnh; chưa phát hiện "
        "thủ tục cần đề xuất đơn giản hóa.",
        "Đã rà soát các thủ tục hành chính có tỷ lệ hồ sơ quá hạn cao và đề xuất rút ngắn thời gian giải quyết.",
    ),
    "feedback": (
        "Trong kỳ không tiếp nhận phản ánh, kiến nghị nào về quy định hành chính.",
        "Tiếp nhận {feedback} phản ánh, kiến nghị; đã xử lý xong, trả lời công khai cho người dân.",
    ),
    "settlement": (
        "Tổng số hồ sơ tiếp nhận {received_total} (trực tuyến {received_online}, từ kỳ trước "
        "{carried_over}); đã giải quyết {settled_total} hồ sơ, trong đó quá hạn {settled_late}; "
        "đang giải quyết {pending_total} hồ sơ.",
    ),
    "one_stop": (
        "Bộ phận Một cửa hoạt động ổn định, bố trí công chức có chuyên môn phù hợp; thực hiện xin lỗi "
        "bằng văn bản đối với các hồ sơ quá hạn.",
        "Duy trì việc tiếp nhận và trả kết quả liên thông; niêm yết số điện thoại đường dây nóng tại Bộ phận Một cửa.",
    ),
    "e_procedures": (
        "Số hồ sơ tiếp nhận trực tuyến là {received_online} trên tổng số {received_total} hồ sơ; "
        "tiếp tục hướng dẫn người dân nộp hồ sơ qua Cổng Dịch vụ công.",
        "Đẩy mạnh dịch vụ công trực tuyến mức độ 3, 4 và thanh toán trực tuyến; số hóa hồ sơ, kết quả giải quyết.",
    ),
    "communication": (
        "Tuyên truyền về cải cách thủ tục hành chính qua hệ thống loa truyền thanh và các buổi họp dân.",
        "",
    ),
    "shortcomings": (
        "Còn {settled_late} hồ sơ giải quyết quá hạn, chủ yếu do hồ sơ phải xác minh, lấy ý kiến nhiều "
        "cơ quan; tỷ lệ hồ sơ trực tuyến chưa cao.",
        "Một số công chức kiêm nhiệm nhiều việc; hạ tầng mạng tại Bộ phận Một cửa đôi lúc chưa ổn định.",
    ),
    "next_tasks": (
        "Tiếp tục thực hiện nghiêm cơ chế một cửa, một cửa liên thông; giảm hồ sơ quá hạn; tăng tỷ lệ "
        "hồ sơ trực tuyến.",
        "Hoàn thành kế hoạch rà soát thủ tục hành chính; tăng cường kiểm tra việc giải quyết hồ sơ.",
    ),
    "proposals": (
        "Đề nghị cấp trên tiếp tục tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho công chức.",
        "",
    ),
}

#: What a version returned for ``outline`` wrote instead of the sections (one lump of text).
LUMP = "Đơn vị báo cáo kết quả thực hiện trong kỳ như sau: các nhiệm vụ cơ bản hoàn thành theo kế hoạch."


def narrative(
    sections: Sequence[str], figures: Mapping[str, int], rng: random.Random, *, flaw: str = ""
) -> dict[str, str]:
    """The text of each section (by key). ``flaw`` = ``outline``: one lump instead of the outline's
    sections; ``incomplete``: the last required sections left empty."""
    values = {**figures, "feedback": rng.randint(1, 4)}
    texts = {}
    for key in sections:
        choices = SECTION_TEXTS.get(key) or ("Thực hiện đầy đủ theo kế hoạch.",)
        texts[key] = rng.choice(choices).format(**values)
    if flaw == "outline":
        return {sections[0]: LUMP} if sections else {}
    if flaw == "incomplete":
        for key in sections[-3:]:
            texts[key] = ""
    return texts


def ascii_text(text: str) -> str:
    """Vietnamese without its marks (the PDF uses a standard font, which has no Vietnamese letters)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _pdf_string(text: str) -> str:
    return "(" + ascii_text(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def narrative_pdf(lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF with these lines (title first), unsigned; the same lines give the same bytes."""
    body = ["BT", "/F1 14 Tf", "56 780 Td", f"{_pdf_string(lines[0])} Tj" if lines else "", "/F1 10 Tf"]
    for line in lines[1:]:
        for part in [line[i : i + 95] for i in range(0, max(len(line), 1), 95)]:
            body += ["0 -16 Td", f"{_pdf_string(part)} Tj"]
    body.append("ET")
    stream = "\n".join(body).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
