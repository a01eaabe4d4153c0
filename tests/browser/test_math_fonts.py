"""KaTeX's blackboard-bold capitals and empty set come from a cut-down copy of its AMS font
(docs/stylesheets/handbook.css): the browser fetches it, not the whole font, and lays the letters
out as the whole font does. tests/test_math_fonts.py compares the glyphs themselves (Chromium's
auto-hinter, which measures the font it is given, shades the same outlines a little differently)."""

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ\u2205"  # A-Z and the empty set (\\varnothing)
WHOLE = "assets/vendor/katex/fonts/KaTeX_AMS-Regular.woff2"
CAPITALS = "assets/vendor/katex/fonts/KaTeX_AMS-Regular-subset.woff2"


def add_letters(page, family: str) -> list[float]:
    """Each letter in its own span, in `family`: the letters' widths."""
    return page.evaluate(
        """([family, text]) => {
            const line = document.createElement("div");
            line.style.cssText = `position: fixed; top: 0; font: 48px ${family}; white-space: nowrap`;
            const letters = [...text].map((textContent) =>
              Object.assign(document.createElement("span"), { textContent }));
            line.append(...letters);
            document.body.append(line);
            const widths = () => letters.map((letter) => letter.getBoundingClientRect().width);
            return document.fonts.ready.then(widths);
        }""",
        [family, LETTERS],
    )


def test_blackboard_capitals_draw_as_the_whole_ams_font_draws_them(page, base_url):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base_url)  # the stylesheet is on every page
    capitals = add_letters(page, "KaTeX_AMS")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family === 'KaTeX_AMS' && f.status === 'loaded')"
        ".map(f => f.unicodeRange)"
    )
    assert loaded == ["U+41-5A, U+2205"], loaded  # drawn, not document.fonts.load(), which loads every face
    assert any(url.endswith(CAPITALS) for url in fetched)
    assert not any(url.endswith(WHOLE) for url in fetched), "the whole AMS font was fetched for A-Z"

    page.add_style_tag(content=f'@font-face {{ font-family: AMSWhole; src: url("{base_url}{WHOLE}"); }}')
    assert add_letters(page, "AMSWhole") == capitals
    assert add_letters(page, "serif") != capitals, "a font without these glyphs would differ"
