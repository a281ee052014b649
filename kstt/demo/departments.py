"""Which procedure fields (lĩnh vực) each department of the demo province settles.

The shared list (``../shared/data/procedure_fields.csv``) names eight department-level fields and
does not say which department handles which, so the demo keeps its own mapping here, as data: every
department of Hòa Bình 2021 (``hoa_binh_2021.csv``) with the fields it settles in practice (after
the national database of administrative procedures: Sở Tư pháp settles criminal records, notarial
practice, nationality, civil status; Sở Y tế medical practice, pharmacy, food safety; Sở Giao thông
vận tải roads and inland waterways…). The demo makes dossiers only for these pairs.

``DEPARTMENT_FIELD_NAMES`` names the department-level fields the shared list lacks; the demo loads
them beside it (``kstt load-demo``), so form 06 shows every row with its name.
"""

from __future__ import annotations

#: Department-level fields beyond the shared list (code → name), loaded by the demo.
DEPARTMENT_FIELD_NAMES: dict[str, str] = {
    # Sở Tư pháp
    "CC": "Công chứng",
    "QT": "Quốc tịch",
    "HT": "Hộ tịch",
    "LS": "Luật sư",
    "TGPL": "Trợ giúp pháp lý",
    "DGTS": "Đấu giá tài sản",
    # Sở Nội vụ
    "CCVC": "Công chức, viên chức",
    "TDKT": "Thi đua - khen thưởng",
    "TG": "Tín ngưỡng, tôn giáo",
    "VTLT": "Văn thư - lưu trữ",
    # Văn phòng UBND tỉnh (the province has no department of foreign affairs)
    "NGV": "Ngoại vụ",
    # Sở Lao động - Thương binh và Xã hội
    "NCC": "Người có công",
    "BTXH": "Bảo trợ xã hội",
    "GDNN": "Giáo dục nghề nghiệp",
    "ATLD": "An toàn, vệ sinh lao động",
    # Sở Tài chính
    "QLCS": "Quản lý công sản",
    "GIA": "Quản lý giá",
    # Sở Thông tin và Truyền thông
    "BC": "Bưu chính",
    "BCHI": "Báo chí",
    "XB": "Xuất bản, in và phát hành",
    # Sở Giao thông vận tải
    "DTND": "Đường thủy nội địa",
    # Ban Dân tộc
    "CTDT": "Công tác dân tộc",
    # Sở Khoa học và Công nghệ
    "KHCN": "Hoạt động khoa học và công nghệ",
    "TDC": "Tiêu chuẩn, đo lường, chất lượng",
    "ATBX": "An toàn bức xạ và hạt nhân",
    "SHTT": "Sở hữu trí tuệ",
    # Sở Nông nghiệp và Phát triển nông thôn
    "TT": "Trồng trọt",
    "TY": "Thú y",
    "LN": "Lâm nghiệp",
    "TL": "Thủy lợi",
    # Sở Xây dựng
    "NO": "Nhà ở",
    "KDBDS": "Kinh doanh bất động sản",
    "QHKT": "Quy hoạch - kiến trúc",
    # Sở Y tế (and Sở Công Thương for food safety)
    "DUOC": "Dược phẩm",
    "ATTP": "An toàn thực phẩm",
    "YDP": "Y tế dự phòng",
    # Sở Công Thương
    "LTHH": "Lưu thông hàng hóa trong nước",
    "DIEN": "Điện",
    "HC": "Hóa chất",
    "XTTM": "Xúc tiến thương mại",
    # Sở Văn hóa, Thể thao và Du lịch
    "VHCS": "Văn hóa cơ sở",
    "LH": "Lữ hành",
    "TDTT": "Thể dục, thể thao",
    "DSVH": "Di sản văn hóa",
    # Sở Kế hoạch và Đầu tư
    "HTX": "Thành lập và hoạt động của hợp tác xã",
    # Thanh tra tỉnh
    "KN": "Giải quyết khiếu nại",
    "TCAO": "Giải quyết tố cáo",
    "TCD": "Tiếp công dân",
    # Sở Giáo dục và Đào tạo
    "GD": "Giáo dục và đào tạo",
    "VBCC": "Văn bằng, chứng chỉ",
    "TS": "Thi, tuyển sinh",
    # Sở Tài nguyên và Môi trường
    "MT": "Môi trường",
    "TNN": "Tài nguyên nước",
    "KS": "Khoáng sản",
    "DDBD": "Đo đạc và bản đồ",
}

#: Department code → the fields it settles (shared codes: DN, DT, XD, GT, YT, LDVL, TP, DDT).
DEPARTMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "P17-SNV": ("CCVC", "TDKT", "TG", "VTLT"),
    "P17-STP": ("TP", "CC", "QT", "HT", "LS", "TGPL", "DGTS"),
    "P17-BQLKCN": ("DT", "XD", "LDVL"),
    "P17-VPUBND": ("NGV",),
    "P17-SLDTBXH": ("LDVL", "NCC", "BTXH", "GDNN", "ATLD"),
    "P17-STC": ("QLCS", "GIA"),
    "P17-STTTT": ("BC", "BCHI", "XB"),
    "P17-SGTVT": ("GT", "DTND"),
    "P17-BDT": ("CTDT",),
    "P17-SKHCN": ("KHCN", "TDC", "ATBX", "SHTT"),
    "P17-SNNPTNT": ("TT", "TY", "LN", "TL"),
    "P17-SXD": ("XD", "NO", "KDBDS", "QHKT"),
    "P17-SYT": ("YT", "DUOC", "ATTP", "YDP"),
    "P17-SCT": ("LTHH", "DIEN", "HC", "ATTP", "XTTM"),
    "P17-SVHTTDL": ("VHCS", "LH", "TDTT", "DSVH"),
    "P17-SKHDT": ("DN", "DT", "HTX"),
    "P17-TTT": ("KN", "TCAO", "TCD"),
    "P17-SGDDT": ("GD", "VBCC", "TS"),
    "P17-STNMT": ("DDT", "MT", "TNN", "KS", "DDBD"),
}


def department_fields_csv() -> bytes:
    """The extra department-level fields in the format of ``kstt load-procedure-fields``."""
    lines = ["level,code,name", *(f'department,{code},"{name}"' for code, name in DEPARTMENT_FIELD_NAMES.items())]
    return ("\n".join(lines) + "\n").encode()


#: The departments of Phú Thọ after the 2025 reform (``phu_tho_2025.csv`` lists the province and its communes
#: only): the merged departments of 2025 (Nội vụ took labour and war invalids, Tài chính planning and
#: investment, Xây dựng transport, Nông nghiệp và Môi trường natural resources, Khoa học và Công nghệ posts,
#: Dân tộc và Tôn giáo ethnic affairs and religion), as a ``kstt load-units`` file the demo loads from 1 July 2025.
PHU_THO_DEPARTMENTS: dict[str, str] = {
    "P25-SNV": "Sở Nội vụ",
    "P25-STP": "Sở Tư pháp",
    "P25-STC": "Sở Tài chính",
    "P25-SCT": "Sở Công Thương",
    "P25-SXD": "Sở Xây dựng",
    "P25-SNNMT": "Sở Nông nghiệp và Môi trường",
    "P25-SKHCN": "Sở Khoa học và Công nghệ",
    "P25-SGDDT": "Sở Giáo dục và Đào tạo",
    "P25-SYT": "Sở Y tế",
    "P25-SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
    "P25-SDTTG": "Sở Dân tộc và Tôn giáo",
    "P25-TTT": "Thanh tra tỉnh",
    "P25-VPUBND": "Văn phòng UBND tỉnh",
    "P25-BQLKCN": "Ban Quản lý các khu công nghiệp tỉnh",
}

#: Department code → the fields it settles, Phú Thọ after the 2025 reform (the fields of the merged departments).
PHU_THO_DEPARTMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "P25-SNV": ("CCVC", "TDKT", "VTLT", "LDVL", "NCC", "GDNN", "ATLD"),
    "P25-STP": ("TP", "CC", "QT", "HT", "LS", "TGPL", "DGTS"),
    "P25-STC": ("QLCS", "GIA", "DN", "DT", "HTX"),
    "P25-SCT": ("LTHH", "DIEN", "HC", "ATTP", "XTTM"),
    "P25-SXD": ("XD", "NO", "KDBDS", "QHKT", "GT", "DTND"),
    "P25-SNNMT": ("TT", "TY", "LN", "TL", "DDT", "MT", "TNN", "KS", "DDBD"),
    "P25-SKHCN": ("KHCN", "TDC", "ATBX", "SHTT", "BC"),
    "P25-SGDDT": ("GD", "VBCC", "TS"),
    "P25-SYT": ("YT", "DUOC", "ATTP", "YDP", "BTXH"),
    "P25-SVHTTDL": ("VHCS", "LH", "TDTT", "DSVH", "BCHI", "XB"),
    "P25-SDTTG": ("CTDT", "TG"),
    "P25-TTT": ("KN", "TCAO", "TCD"),
    "P25-VPUBND": ("NGV",),
    "P25-BQLKCN": ("DT", "XD", "LDVL"),
}


def phu_tho_departments_csv() -> bytes:
    """Phú Thọ's departments as a ``kstt load-units`` file (under the province, P25)."""
    lines = ["code,name,level,kind,parent_code"]
    lines += [f'{code},"{name}",department,"sở, ban, ngành",P25' for code, name in PHU_THO_DEPARTMENTS.items()]
    return ("\n".join(lines) + "\n").encode()
