"""Vietnamese word lists for the generated history: names, thôn, and the phrases petitions are made of.

Every letter of the alphabet (ă â đ ê ô ơ ư) and every tone (huyền, hỏi, ngã, sắc, nặng) occurs,
so search, folding and collation meet what a real office types.
"""

from __future__ import annotations

# Họ, weighted roughly as in the population (Nguyễn about a third).
FAMILY_NAMES = (
    ("Nguyễn", 31),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 2),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Lương", 1),
    ("Trịnh", 1),
    ("Đào", 1),
    ("Mai", 1),
    ("Tạ", 1),
    ("Cao", 1),
    ("Lâm", 1),
    ("Hà", 1),
    ("Triệu", 1),
    ("Chu", 1),
    ("Quách", 1),
    ("Ưng", 1),
    ("Âu", 1),
)
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Công", "Minh", "Quang", "Xuân", "Thanh", "Ngọc", "Đình", "Mạnh", "Tiến", "Quốc", "Bá")  # fmt: skip
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Thị Thu", "Thị Minh", "Thị Hồng", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng")  # fmt: skip
MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Cường", "Thắng", "Hải", "Long", "Nam", "Sơn", "Phúc", "Lợi", "Quý", "Toàn",
    "Khải", "Bảo", "Đạt", "Thành", "Hưng", "Trọng", "Nghĩa", "Khoa", "Kiên", "Lộc", "Tài", "Vĩnh", "Ổn",
    "Bình", "Chiến", "Định", "Giang", "Hiếu", "Huy", "Khánh", "Lâm", "Mạnh", "Nhân", "Phong", "Quân",
    "Thịnh", "Tú", "Ưng", "Việt", "Xuân", "Yên", "Đông", "Ẩn", "Sỹ", "Tưởng", "Thưởng", "Được",
)  # fmt: skip
FEMALE_GIVEN = (
    "Lan", "Hoa", "Hương", "Huệ", "Mai", "Thảo", "Hằng", "Nga", "Ngọc", "Yến", "Liên", "Trang", "Thủy",
    "Loan", "Hạnh", "Nhung", "Oanh", "Phượng", "Duyên", "Hiền", "Ánh", "Ỷ", "Hòa", "Dung", "Gấm", "Hà",
    "Lụa", "Mận", "Nguyệt", "Quyên", "Tâm", "Thắm", "Uyên", "Vân", "Xoan", "Đào", "Ơn", "Nở", "Lũy", "Sửu",
)  # fmt: skip

HAMLETS = (
    "Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Thượng", "Thôn Hạ", "Thôn Hương Câu", "Thôn Lãm Làng",
    "Thôn Phúc Linh", "Thôn Nội Hòa", "Thôn Đồng Tân", "Thôn Quyết Tiến", "Thôn Tân Lập", "Thôn Hòa Bình",
    "Thôn Ngọc Lũ", "Thôn Yên Xá", "Thôn Cầu Gỗ", "Thôn Bãi Sậy", "Thôn Nà Phặc", "Thôn Khuổi Ún",
    "Thôn Lũng Vài", "Thôn Đồng Chằm", "Thôn Vĩnh Ninh", "Thôn Ấp Mới", "Thôn Hưng Thịnh", "Thôn Kỳ Sơn",
    "Thôn Mỹ Điền", "Thôn Ứng Hòa", "Thôn Ô Cách", "Tổ dân phố Bến Đò", "Tổ dân phố Chợ Cũ",
)  # fmt: skip

LEADERS = (
    ("Trần Quốc Hưng", "Chủ tịch UBND xã"),
    ("Nguyễn Thị Thu Hà", "Phó Chủ tịch UBND xã"),
    ("Lê Văn Đức", "Phó Chủ tịch UBND xã"),
    ("Nguyễn Văn Luận", "Chủ tịch HĐND xã"),
    ("Đặng Minh Tuấn", "Trưởng Công an xã"),
    ("Vũ Thị Lan", "Chủ tịch Ủy ban MTTQ Việt Nam xã"),
    ("Phạm Hữu Nghĩa", "Chủ tịch UBND xã"),
    ("Hoàng Thị Yến", "Phó Chủ tịch UBND xã"),
    ("Bùi Đức Thắng", "Bí thư Đảng ủy xã"),
    ("Đỗ Văn Sỹ", "Phó Chủ tịch HĐND xã"),
)
SECRETARIES = ("Đỗ Thị Hà", "Lương Thị Ngọc Ánh", "Trịnh Văn Quý", "Ngô Thị Hồng Nhung")

PLACES = (
    "Hội trường Ủy ban nhân dân xã",
    "Nhà văn hóa {hamlet}",
    "Hội trường Đảng ủy – HĐND – UBND xã",
    "Trường Tiểu học xã (điểm chính)",
)
AUDIENCES = (
    "Đại diện Nhân dân các thôn, trưởng thôn, bí thư chi bộ và đại diện các đoàn thể",
    "Hội viên Hội Liên hiệp Phụ nữ và Hội Nông dân các thôn",
    "Đoàn viên thanh niên, hội viên Hội Cựu chiến binh và Nhân dân",
    "Các hộ kinh doanh, hộ sản xuất nông nghiệp trên địa bàn",
)

# Per field (in DEFAULT_FIELDS order): what goes wrong, and what people ask for.
PROBLEMS: tuple[tuple[str, ...], ...] = (
    (  # Đất đai
        "hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất nộp đã lâu nhưng chưa có kết quả",
        "ranh giới thửa đất giữa hai hộ chưa được đo đạc lại, phát sinh tranh chấp",
        "diện tích đất ở ghi trên sổ đỏ không khớp với thực tế sử dụng",
        "một số hộ lấn chiếm đất công ven kênh để dựng lều quán",
        "việc chuyển mục đích sử dụng đất vườn sang đất ở kéo dài, thủ tục rườm rà",
    ),
    (  # Quy hoạch – xây dựng
        "quy hoạch khu dân cư mới chưa được công bố công khai cho Nhân dân biết",
        "nhiều hộ xây nhà lấn hành lang đường mà chưa bị xử lý",
        "nhà văn hóa thôn xuống cấp, tường nứt, mái dột khi trời mưa",
        "công trình xây dựng trái phép ở đầu làng chưa được tháo dỡ",
    ),
    (  # GPMB – bồi thường – tái định cư
        "tiền bồi thường giải phóng mặt bằng dự án đường tỉnh chi trả chậm",
        "đơn giá bồi thường cây cối, hoa màu thấp hơn thị trường",
        "các hộ tái định cư chưa được bàn giao đất, phải ở nhờ nhà người thân",
        "phương án hỗ trợ chuyển đổi nghề cho hộ bị thu hồi đất nông nghiệp chưa rõ ràng",
    ),
    (  # Giao thông – thủy lợi
        "đường trục thôn xuống cấp, nhiều ổ gà, mùa mưa đọng nước",
        "kênh mương nội đồng bị bồi lắng, nước không về kịp ruộng",
        "cầu tạm bắc qua suối đã mục, học sinh đi lại nguy hiểm",
        "đường liên thôn chưa có đèn chiếu sáng, buổi tối tối om",
        "trạm bơm tưới tiêu hỏng máy từ vụ trước chưa được sửa",
    ),
    (  # Môi trường
        "rác thải tập kết ở bãi đầu thôn mấy tuần không được thu gom, bốc mùi",
        "trang trại chăn nuôi lợn xả nước thải ra mương gây ô nhiễm",
        "xưởng gỗ hoạt động ban đêm gây tiếng ồn, bụi bẩn cho các hộ xung quanh",
        "người dân đốt rơm rạ sau thu hoạch, khói bụi ảnh hưởng sức khỏe",
    ),
    (  # Chính sách xã hội – người có công – hộ nghèo
        "gia đình thuộc hộ cận nghèo nhưng chưa được cấp thẻ bảo hiểm y tế",
        "việc bình xét hộ nghèo ở thôn chưa công bằng, chưa đúng đối tượng",
        "hồ sơ hưởng chế độ người có công của thân nhân liệt sĩ chưa được giải quyết",
        "trợ cấp cho người cao tuổi trên tám mươi tuổi chi trả chậm",
        "hộ gia đình bị sập nhà do bão chưa nhận được hỗ trợ",
    ),
    (  # Y tế
        "trạm y tế xã thiếu thuốc thông thường, người bệnh phải ra ngoài mua",
        "lịch tiêm chủng mở rộng cho trẻ em thay đổi mà không thông báo kịp",
        "cơ sở bán thuốc tân dược không rõ nguồn gốc hoạt động ở chợ",
    ),
    (  # Giáo dục
        "phòng học điểm trường mầm non bị dột khi mưa, bàn ghế hỏng",
        "các khoản thu đầu năm học của nhà trường quá nhiều, phụ huynh khó khăn",
        "đường vào trường tiểu học hẹp, giờ tan học ùn tắc, mất an toàn",
    ),
    (  # Văn hóa
        "loa truyền thanh của thôn bị hỏng, Nhân dân không nghe được thông báo",
        "sân thể thao của thôn bị sử dụng làm bãi tập kết vật liệu",
        "đám cưới, đám hiếu kéo dài, mở nhạc to quá mười giờ đêm",
    ),
    (  # An ninh trật tự
        "thanh thiếu niên tụ tập, chạy xe máy tốc độ cao trên đường liên thôn vào buổi tối",
        "tình trạng trộm cắp gà, vịt và máy bơm nước ngoài đồng tăng",
        "có đối tượng lạ cho vay nặng lãi, đòi nợ kiểu xã hội đen trong thôn",
        "một số quán karaoke hoạt động quá giờ, gây mất trật tự",
    ),
    (  # Thủ tục hành chính – một cửa
        "bộ phận một cửa hẹn trả kết quả chứng thực nhưng nhiều lần trễ hẹn",
        "thủ tục đăng ký khai sinh, kết hôn phải đi lại nhiều lần mới xong",
        "dịch vụ công trực tuyến khó sử dụng, người cao tuổi không biết cách nộp hồ sơ",
    ),
    (  # Cán bộ, công chức
        "một số cán bộ tiếp dân chưa niềm nở, hướng dẫn chưa rõ ràng",
        "công chức phụ trách thường xuyên vắng mặt trong giờ làm việc",
        "việc tiếp nhận phản ánh qua đường dây nóng chưa được phản hồi",
    ),
    (  # Kinh tế – nông nghiệp
        "giống lúa được hỗ trợ vụ Đông Xuân kém chất lượng, tỷ lệ nảy mầm thấp",
        "giá phân bón tăng cao, đề nghị hỗ trợ vốn vay ưu đãi cho hộ sản xuất",
        "dịch tả lợn châu Phi xuất hiện trở lại nhưng chưa được phun khử trùng kịp thời",
        "chợ nông thôn xuống cấp, mái che thủng, hàng hóa bị ướt",
    ),
    (  # Khác
        "việc thu các khoản đóng góp xây dựng nông thôn mới chưa được công khai",
        "đề nghị bố trí điểm sinh hoạt cộng đồng cho khu dân cư mới",
        "sóng điện thoại và internet ở khu vực cuối thôn rất yếu",
    ),
)
OPENERS = (
    "Hiện nay {problem}",
    "Gia đình tôi và nhiều hộ ở {hamlet} phản ánh {problem}",
    "Thời gian qua {problem}, ảnh hưởng đến đời sống của bà con",
    "Thay mặt các hộ dân {hamlet}, tôi xin phản ánh {problem}",
    "Từ đầu năm đến nay {problem}",
    "Cử tri {hamlet} nhiều lần kiến nghị nhưng {problem}",
)
LOCATIONS = (
    "đoạn từ nhà văn hóa đến cầu Máng",
    "khu vực xóm Chùa",
    "gần chợ Đồng",
    "ở cánh đồng Mả Ngựa",
    "phía sau trường Tiểu học",
    "dọc tuyến kênh N2",
    "ở ngõ số 5 xóm Giữa",
    "khu vực bãi bồi ven sông",
)
REQUESTS = (
    "đề nghị xã kiểm tra, xử lý dứt điểm",
    "đề nghị Ủy ban nhân dân xã quan tâm giải quyết sớm",
    "đề nghị xã đưa vào kế hoạch sửa chữa trong năm nay",
    "đề nghị các ngành chức năng có biện pháp khắc phục",
    "đề nghị xã trả lời rõ thời gian giải quyết",
    "đề nghị kiến nghị cấp trên xem xét, hỗ trợ kinh phí",
)
CLOSINGS = (
    "",
    "Bà con rất mong được trả lời thỏa đáng.",
    "Việc này đã kéo dài nhiều năm, gây bức xúc trong Nhân dân.",
    "Mong lãnh đạo xã quan tâm, chỉ đạo.",
    "Đây là ý kiến chung của cả chi hội.",
)

ANSWERED = (
    "Nội dung ông (bà) phản ánh đã được xã kiểm tra; đề nghị gia đình phối hợp thực hiện theo hướng dẫn của công chức chuyên môn.",
    "Việc này thuộc thẩm quyền của xã và đã được giải quyết tại hội nghị; xã ghi nhận, sẽ thông báo công khai kết quả trên loa truyền thanh.",
    "Công an xã đã tăng cường tuần tra vào khung giờ từ 20 giờ đến 23 giờ; đề nghị gia đình quản lý con em, phát hiện vi phạm báo ngay.",
    "Theo quy định hiện hành, trường hợp của gia đình đủ điều kiện; bộ phận một cửa sẽ trả kết quả ngay trong tuần.",
    "Xã tiếp thu ý kiến, giải thích rõ chính sách để bà con nắm được; khoản thu này do Nhân dân tự nguyện đóng góp.",
)
ASSIGNED = (
    "Xã tiếp thu; giao bộ phận chuyên môn khảo sát thực tế, lập phương án xử lý và báo cáo kết quả.",
    "Hồ sơ còn thiếu giấy tờ; giao công chức phụ trách hướng dẫn gia đình bổ sung và giải quyết theo quy định.",
    "Nội dung này cần kiểm tra tại thực địa; giao đơn vị chủ trì phối hợp với trưởng thôn xác minh, đề xuất hướng giải quyết.",
    "Xã đã có chủ trương sửa chữa; giao đơn vị lập dự toán, bố trí kinh phí thực hiện trước mùa mưa bão.",
)
FORWARDED = (
    "Nội dung vượt thẩm quyền của xã; xã tổng hợp, kiến nghị Ủy ban nhân dân tỉnh xem xét, giải quyết.",
    "Dự án do tỉnh làm chủ đầu tư; xã sẽ có văn bản đề nghị Ban Quản lý dự án trả lời Nhân dân.",
)
NOTED = (
    "Xã ghi nhận ý kiến, sẽ nghiên cứu và trả lời bằng văn bản sau hội nghị.",
    "Đây là ý kiến xác đáng; xã tiếp thu, đưa vào chương trình công tác và thông báo kết quả đến Nhân dân.",
)
AUTHORITIES = (
    "Ủy ban nhân dân tỉnh",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "Công ty Điện lực tỉnh",
)
TASKS = (
    "Kiểm tra thực địa, lập biên bản hiện trạng và đề xuất phương án xử lý",
    "Hướng dẫn công dân bổ sung hồ sơ, giải quyết theo đúng quy định",
    "Lập dự toán, bố trí kinh phí sửa chữa; báo cáo tiến độ hằng tháng",
    "Phối hợp trưởng thôn xác minh, trả lời công dân bằng văn bản",
)
PROGRESS = (
    "Đã kiểm tra thực địa, đang lập dự toán trình phê duyệt.",
    "Đã làm việc với các hộ liên quan; đang chờ ý kiến của cơ quan chuyên môn cấp trên.",
    "Đang phối hợp với trưởng thôn rà soát, dự kiến hoàn thành trong tháng tới.",
)
RESOLVED = (
    "Đã khắc phục xong, trưởng thôn và các hộ dân xác nhận.",
    "Đã trả lời công dân bằng văn bản; công dân đồng ý với kết quả giải quyết.",
    "Đã hoàn thành sửa chữa, đưa vào sử dụng; nghiệm thu có sự tham gia của Nhân dân.",
    "Đã cấp giấy tờ cho công dân; hồ sơ lưu tại bộ phận một cửa.",
    "Đã xử lý vi phạm hành chính, buộc khôi phục hiện trạng ban đầu.",
)
WITHDRAWN = ("Công dân có đơn rút kiến nghị sau khi được giải thích, hướng dẫn.",)
DUPLICATE = ("Trùng nội dung với kiến nghị đã nêu tại hội nghị trước; gộp vào hồ sơ đang giải quyết.",)
OUT_OF_COMPETENCE = ("Nội dung là tranh chấp dân sự, không thuộc thẩm quyền; đã hướng dẫn công dân gửi đơn đến Tòa án nhân dân khu vực.",)  # fmt: skip
REPORTS = (
    "Báo cáo tóm tắt tình hình kinh tế - xã hội, quốc phòng, an ninh của xã và kết quả giải quyết kiến nghị của kỳ trước.",
    "Thông báo kết quả thực hiện nhiệm vụ quý trước, những việc đã làm được và những tồn tại, hạn chế.",
)
OPENINGS = (
    "Tuyên bố lý do, giới thiệu đại biểu và khai mạc hội nghị.",
    "Tuyên bố lý do, thông qua chương trình hội nghị.",
)
CONCLUSIONS = (
    "Giao các đơn vị được phân công giải quyết dứt điểm các kiến nghị trong thời hạn, báo cáo kết quả bằng văn bản về Ủy ban nhân dân xã.",
    "Văn phòng HĐND và UBND theo dõi, đôn đốc; tổng hợp kết quả báo cáo Chủ tịch UBND xã hằng tháng.",
    "Các thôn tiếp tục tuyên truyền để Nhân dân chấp hành tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước.",
    "Thông báo kết luận hội nghị được niêm yết tại trụ sở xã và gửi đến trưởng thôn, tổ trưởng tổ dân phố.",
)
UNIT_CODES = ("VP", "ĐCXD", "TP", "VHXH", "TCKT", "CA", "QS", "MTTQ", "PN", "ND", "ĐTN", "CCB")
