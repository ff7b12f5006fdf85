"""Positions in a REFI-QDA project: a program's units mapped to characters."""

from __future__ import annotations

from pipeline.readers.qdpx_positions import offset_table


def test_offset_table_maps_units_to_characters() -> None:
    text, units = offset_table("a😀\r\nb", utf16=True, newline_width=2)
    assert text == "a😀\nb"
    assert units.tolist() == [0, 1, 3, 5, 6]
