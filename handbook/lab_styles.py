"""mkdocs-jupyter inlines JupyterLab's whole stylesheet (575 KB: every widget JupyterLab has) into
each Lab page, and a phone parses and matches all of it: most of a Lab's layout time. After the
build, each Lab page keeps only the rules that can apply to it:

- a selector that names a class or id the page does not hold is dropped (pseudo-classes and their
  arguments are ignored first, so `.jp-Cell:hover` stays when the page has a `.jp-Cell`), and so
  is one for the document's root or body nested in an element (`.jupyter-wrapper :root`: JupyterLab
  scopes its page-level rules that way, and they can never match);
- a custom property (`--jp-...`) that no kept declaration, inline style or the site's own
  stylesheet reads through var() is dropped;
- a `<style>` whose text is not CSS (mkdocs-jupyter also writes a Python list of Pygments rules as
  a style element) is dropped: browsers ignore it anyway.

What stays is what the browser applied: a browser test puts JupyterLab's whole stylesheet back and
checks that no element of a Lab changes its computed style, in both colour schemes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import tinycss2

NOTEBOOK = 'class="jupyter-wrapper"'
ARTICLE = re.compile(r"<article.*?</article>", re.S)
STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
CLASS_OR_ID = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
# Pseudo-classes and pseudo-elements, with their argument if any (two levels of parentheses).
PSEUDO = re.compile(r"::?[\w-]+(\((?:[^()]|\([^()]*\))*\))?")
NESTED_ROOT = re.compile(r"[\s>+~](?:html|body|:root)(?![\w-])")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
GROUPING_RULES = ("media", "supports")


def prune(site_dir: Path, site_css: str) -> None:
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        article = ARTICLE.search(html)
        if NOTEBOOK not in html or article is None:
            continue
        styles = list(STYLE.finditer(html, *article.span()))
        css = "\n".join(m.group(1) for m in styles if is_css(m.group(1)))
        inline = "\n".join(re.findall(r'style="([^"]*)"', html))
        kept = prune_css(css, names_in(html), site_css + inline)
        content = STYLE.sub("", article.group(0))
        first = styles[0].start() - article.start()
        content = content[:first] + f"<style>{kept}</style>\n" + content[first:]
        page.write_text(html[: article.start()] + content + html[article.end() :], encoding="utf-8")


def is_css(text: str) -> bool:
    return not text.lstrip().startswith("[")


def names_in(html: str) -> set[str]:
    names = {"." + c for value in re.findall(r'class="([^"]*)"', html) for c in value.split()}
    return names | {"#" + i for i in re.findall(r'id="([^"]*)"', html)}


def prune_css(css: str, names: set[str], other_css: str) -> str:
    rules = keep_matching(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), names)
    read = properties_read(rules, other_css)
    return serialize(rules, read)


class Rule(NamedTuple):
    selector: str
    declarations: list


class Group(NamedTuple):  # @media or @supports, with the rules kept inside it
    head: str
    rules: list


def keep_matching(rules, names: set[str]) -> list:
    """The rules that can apply, as Rule, Group or (any other at-rule) its text."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in split_selectors(tinycss2.serialize(rule.prelude)) if can_match(s, names)]
            if selectors:
                kept.append(
                    Rule(", ".join(selectors), tinycss2.parse_blocks_contents(rule.content, True, True))
                )
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING_RULES and rule.content:
            inner = keep_matching(tinycss2.parse_rule_list(rule.content, True, True), names)
            if inner:
                kept.append(Group(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", inner))
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":  # @charset: only first
            kept.append(tinycss2.serialize([rule]))
    return kept


def split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in [*parts, current.strip()] if p]


def can_match(selector: str, names: set[str]) -> bool:
    if NESTED_ROOT.search(selector):
        return False
    return all(kind + name in names for kind, name in CLASS_OR_ID.findall(PSEUDO.sub("", selector)))


def declarations(rules):
    for rule in rules:
        if isinstance(rule, Rule):
            yield from (d for d in rule.declarations if d.type == "declaration")
        elif isinstance(rule, Group):
            yield from declarations(rule.rules)


def properties_read(rules, other_css: str) -> set[str]:
    """Custom properties read through var() by the kept rules or `other_css`, directly or through
    another custom property that is read."""
    values: dict[str, list[str]] = {}
    read = set(VAR_USE.findall(other_css))
    for declaration in declarations(rules):
        value = tinycss2.serialize(declaration.value)
        if declaration.name.startswith("--"):
            values.setdefault(declaration.name, []).append(value)
        else:
            read |= set(VAR_USE.findall(value))
    pending = list(read)
    while pending:
        for value in values.get(pending.pop(), []):
            new = set(VAR_USE.findall(value)) - read
            read |= new
            pending += new
    return read


def serialize(rules, read: set[str]) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, Rule):
            kept = [d for d in rule.declarations if d.type == "declaration" and not unread(d, read)]
            if kept:
                out.append(rule.selector + "{" + tinycss2.serialize(kept) + "}")
        elif isinstance(rule, Group):
            inner = serialize(rule.rules, read)
            if inner:
                out.append(rule.head + "{" + inner + "}")
        else:
            out.append(rule)
    return "\n".join(out)


def unread(declaration, read: set[str]) -> bool:
    return declaration.name.startswith("--") and declaration.name not in read
