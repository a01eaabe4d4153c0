"""The cut-down KaTeX AMS font (docs/assets/vendor/katex/README.txt) holds exactly the whole
font's glyphs for A-Z and the empty set: outlines, hinting and advance widths, so blackboard bold
and \\varnothing look the same."""

from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).parents[1] / "docs/assets/vendor/katex/fonts"
SUBSET = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["\u2205"]  # A-Z and the empty set


def glyphs(font: TTFont) -> dict[str, tuple]:
    cmap, table = font.getBestCmap(), font["glyf"]
    drawn = {}
    for letter in SUBSET:
        name = cmap[ord(letter)]
        glyph = table[name]
        glyph.expand(table)
        coordinates, ends, flags = glyph.getCoordinates(table)
        program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
        drawn[letter] = (list(coordinates), ends, list(flags), program, font["hmtx"][name])
    return drawn


def test_the_cut_font_draws_its_characters_as_the_whole_ams_font():
    whole = TTFont(FONTS / "KaTeX_AMS-Regular.woff2")
    cut = TTFont(FONTS / "KaTeX_AMS-Regular-subset.woff2")
    assert sorted(chr(c) for c in cut.getBestCmap() if c > 32) == SUBSET
    assert glyphs(cut) == glyphs(whole)
    for table in ("fpgm", "prep", "cvt ", "gasp"):  # the hinting the glyphs' instructions use
        assert cut[table].compile(cut) == whole[table].compile(whole), table
