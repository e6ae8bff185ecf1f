"""Reasons a photo is refused, in Vietnamese (default) and English, worded so a person can act on them."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": (
        "Tệp ảnh rỗng. Hãy chọn lại ảnh.",
        "The file is empty. Choose the photo again.",
    ),
    "too_large": (
        "Tệp ảnh quá lớn ({size_mb} MB, tối đa {limit_mb} MB). Hãy gửi ảnh nhỏ hơn.",
        "The file is too large ({size_mb} MB, at most {limit_mb} MB). Send a smaller photo.",
    ),
    "not_an_image": (
        "Tệp không phải ảnh (JPEG, PNG, WEBP hoặc HEIC). Hãy chụp lại hoặc lưu ảnh dưới dạng JPEG.",
        "The file is not a photo (JPEG, PNG, WEBP or HEIC). Take the photo again or save it as JPEG.",
    ),
    "unsupported_format": (
        "Định dạng ảnh {format} không được hỗ trợ (nhận JPEG, PNG, WEBP, HEIC). Hãy lưu ảnh dưới dạng JPEG.",
        "Image format {format} is not supported (JPEG, PNG, WEBP, HEIC are). Save the photo as JPEG.",
    ),
    "too_many_pixels": (
        "Ảnh quá lớn ({megapixels} triệu điểm ảnh, tối đa {limit_mp} triệu). Hãy thu nhỏ ảnh rồi gửi lại.",
        "The image is too large ({megapixels} megapixels, at most {limit_mp}). Resize it and retry.",
    ),
    "corrupt": (
        "Tệp ảnh bị hỏng hoặc không đầy đủ. Hãy chụp hoặc tải ảnh lên lại.",
        "The image file is damaged or incomplete. Take or upload the photo again.",
    ),
    "no_face": (
        "Không tìm thấy khuôn mặt. Hãy nhìn thẳng vào máy ảnh, đủ ánh sáng, không che mặt.",
        "No face found. Look straight at the camera, in good light, with nothing covering the face.",
    ),
    "several_faces": (
        "Ảnh có {count} khuôn mặt; ảnh đăng ký chỉ được có một người. Hãy chụp riêng từng người.",
        "The photo shows {count} faces; an enrollment photo must show one person. Photograph each alone.",
    ),
    "face_too_small": (
        "Khuôn mặt quá nhỏ ({size} điểm ảnh, cần ít nhất {minimum}). Hãy đứng gần máy ảnh hơn.",
        "The face is too small ({size} pixels, at least {minimum} needed). Move closer to the camera.",
    ),
    "blurred": (
        "Ảnh bị mờ (độ nét {value}, cần ít nhất {minimum}). Hãy giữ yên máy ảnh và lấy nét vào mặt.",
        "The photo is blurred (sharpness {value}, at least {minimum}). Hold still and focus on the face.",
    ),
    "too_dark": (
        "Khuôn mặt quá tối (độ sáng {value}, cần ít nhất {minimum}). Hãy bật đèn hoặc đứng chỗ sáng hơn.",
        "Face too dark (brightness {value}, at least {minimum}). Add light or move somewhere brighter.",
    ),
    "too_bright": (
        "Khuôn mặt bị chói sáng (độ sáng {value}, tối đa {maximum}). Hãy tránh đèn chiếu thẳng hoặc nắng.",
        "The face is overexposed (brightness {value}, at most {maximum}). Avoid direct light or sun.",
    ),
    "low_contrast": (
        "Khuôn mặt thiếu tương phản ({value}, cần ít nhất {minimum}). Đừng đứng quay lưng về cửa sổ hay đèn.",
        "The face lacks contrast ({value}, at least {minimum}). Do not stand with a window or lamp behind.",
    ),
    "other_person": (
        "Khuôn mặt này giống {name} đã đăng ký (khoảng cách {distance}). Hãy kiểm tra đúng người chưa.",
        "This face matches {name}, already enrolled (distance {distance}). Check it is the right person.",
    ),
    "not_same_person": (
        "Khuôn mặt khác các ảnh đã đăng ký của người này (khoảng cách {distance}). Hãy kiểm tra đúng người.",
        "This face differs from the person's enrolled photos (distance {distance}). Check the person.",
    ),
}


def render(code: str, language: str = "vi", **params: object) -> str:
    """The message for `code` in `language` ("vi" or "en"), with its parameters filled in."""
    vi, en = MESSAGES[code]
    return (en if language == "en" else vi).format(**params)
