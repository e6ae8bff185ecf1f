"""Vietnamese name order: given name, then family and middle names, in Vietnamese letter order."""

from __future__ import annotations

import random

from attendance.collation import name_key, sort_people, text_key

# As a Vietnamese roll-call reads them: by given name (An, Bình, ...), then family, then middle names.
EXPECTED = [
    "Ngô Văn An",
    "Nguyễn Văn An",
    "Nguyễn Thị Ánh",
    "Lê Thị Bích",
    "Trần Thị Bình",
    "Bùi Kim Cường",
    "Lê Dung",
    "Đặng Văn Dũng",
    "Đỗ Minh Dũng",
    "Võ Dũng",
    "Lê Đức",
    "Hoàng Văn Hà",
    "Phạm Thị Hà",
    "Phạm Thu Hà",
    "Lý Thị Hạ",
    "Trịnh Văn Hải",
    "Mai Ngọc Oanh",
    "Lê Văn Ơn",
    "Lương Thị Tâm",
    "Nguyễn Tấn",
    "Đào Thu Uyên",
    "Đinh Văn Ưng",
    "Vũ Thị Yến",
]


def test_a_shuffled_list_comes_back_in_vietnamese_order() -> None:
    shuffled = EXPECTED[:]
    random.Random(13).shuffle(shuffled)
    assert sort_people(shuffled, str) == EXPECTED


def test_letters_follow_the_vietnamese_alphabet() -> None:
    # Đ is its own letter after D; ă and â come after a; ô, ơ after o; ư after u.
    words = ["Ư", "Ơn", "Đức", "Dũng", "Ân", "Ăn", "An", "Ô", "O", "U"]
    assert sorted(words, key=text_key) == ["An", "Ăn", "Ân", "Dũng", "Đức", "O", "Ô", "Ơn", "U", "Ư"]


def test_tones_in_dictionary_order() -> None:
    # ngang, huyền, hỏi, ngã, sắc, nặng
    assert sorted(["bạ", "bá", "bã", "bả", "bà", "ba"], key=text_key) == ["ba", "bà", "bả", "bã", "bá", "bạ"]


def test_the_code_separates_two_people_of_the_same_name() -> None:
    assert name_key("Bùi Kim Cường", "CB002") > name_key("Bùi Kim Cường", "CB001")


def test_a_one_word_name_and_an_empty_name_sort_without_error() -> None:
    assert sort_people(["Vân", "", "An"], str) == ["", "An", "Vân"]
