"""The cut-down KaTeX AMS font (docs/assets/vendor/katex/README.txt) holds exactly the whole
font's glyphs for A-Z: outlines, hinting and advance widths, so blackboard bold looks the same."""

from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).parents[1] / "docs/assets/vendor/katex/fonts"
CAPITALS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


def glyphs(font: TTFont) -> dict[str, tuple]:
    cmap, table = font.getBestCmap(), font["glyf"]
    drawn = {}
    for letter in CAPITALS:
        name = cmap[ord(letter)]
        glyph = table[name]
        glyph.expand(table)
        coordinates, ends, flags = glyph.getCoordinates(table)
        program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
        drawn[letter] = (list(coordinates), ends, list(flags), program, font["hmtx"][name])
    return drawn


def test_the_capitals_font_draws_a_to_z_as_the_whole_ams_font():
    whole = TTFont(FONTS / "KaTeX_AMS-Regular.woff2")
    capitals = TTFont(FONTS / "KaTeX_AMS-Regular-AZ.woff2")
    assert sorted(chr(c) for c in capitals.getBestCmap() if c > 32) == CAPITALS
    assert glyphs(capitals) == glyphs(whole)
    for table in ("fpgm", "prep", "cvt ", "gasp"):  # the hinting the glyphs' instructions use
        assert capitals[table].compile(capitals) == whole[table].compile(whole), table
