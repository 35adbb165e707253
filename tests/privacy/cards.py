"""Citizen ID card texts for the tests: a made-up person, never a real one."""

from __future__ import annotations

from datetime import date

ID_NUMBER = "079123456789"
NAME = "Nguyễn Văn Bình"


def card_text(*, born: date = date(1956, 3, 14), id_number: str = ID_NUMBER,
              name: str = NAME, sex: str = "Nam", extra: tuple[str, ...] = ()) -> str:
    """The text a scanner types for a card (the 7 fields, then any newer ones)."""
    fields = [id_number, "", name, born.strftime("%d%m%Y"), sex,
              "Thôn Tân Xương 2, Suối Cát, Cam Lâm, Khánh Hòa", "15082021", *extra]
    return "|".join(fields)
