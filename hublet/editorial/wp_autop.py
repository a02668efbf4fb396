"""WordPress's ``wpautop``, ported line by line from wp-includes/formatting.php.

WordPress stores classic-editor posts as typed (blank lines between paragraphs) and adds the
``<p>`` and ``<br />`` when it shows them; an import has to do the same to read like the
original. The steps, their order and the block-element list follow WordPress 6, so an edge
case renders here as it did there; each step's comment is WordPress's own reason.
"""

from __future__ import annotations

import re

#: WordPress's block-level elements: no ``<p>`` is opened around them or inside their tags.
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

# wp_html_split(): an HTML comment, a CDATA section or any other tag (PHP's conditional
# pattern written as alternatives, which Python's ``re`` can express).
_HTML_SPLIT = re.compile(
    r"(<(?:!--(?:-(?!->)[^\-]*+)*+(?:-->)?"
    r"|!\[CDATA\[[^\]]*+(?:\](?!\]>)[^\]]*+)*+(?:\]\]>)?"
    r"|[^>]*>?))"
)
_BR_PAIR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BLOCK_OPEN = re.compile(r"(<" + ALL_BLOCKS + r"[\s/>])")
_BLOCK_CLOSE = re.compile(r"(</" + ALL_BLOCKS + r">)")
_HR = re.compile(r"(<hr\s*?/?>)")
_UNWRAPPED_BLOCK = re.compile(r"<p>\s*(</?" + ALL_BLOCKS + r"[^>]*>)\s*</p>")
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + ALL_BLOCKS + r"[^>]*>)")
_P_AFTER_BLOCK = re.compile(r"(</?" + ALL_BLOCKS + r"[^>]*>)\s*</p>")
_BR_AFTER_BLOCK = re.compile(r"(</?" + ALL_BLOCKS + r"[^>]*>)\s*<br />")
_BR_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_PRESERVED = re.compile(r"<(script|style|svg|math).*?</\1>", re.DOTALL)
_LONE_NEWLINE = re.compile(r"(?<!<br />)\s*\n")
_NEWLINE_PLACEHOLDER = " <!-- wpnl --> "


def replace_in_html_tags(haystack: str, needle: str, replacement: str) -> str:
    """WordPress's ``wp_replace_in_html_tags`` for one pair: change text inside tags only."""
    parts = _HTML_SPLIT.split(haystack)
    for index in range(1, len(parts), 2):
        parts[index] = parts[index].replace(needle, replacement)
    return "".join(parts)


def wpautop(text: str, br: bool = True) -> str:
    """Double line breaks become paragraphs, single ones ``<br />`` (not in pre or blocks)."""
    if text.strip() == "":
        return ""
    # Just to make things a little easier, pad the end.
    text = text + "\n"

    # Pre tags shouldn't be touched by autop: placeholders now, the originals at the end.
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for number, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:  # malformed HTML
                text += part
                continue
            name = f"<pre wp-pre-tag-{number}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last

    # Change multiple <br>'s into two line breaks, which will turn into paragraphs.
    text = _BR_PAIR.sub("\n\n", text)
    # Double line breaks above block-level opening tags and below their closing tags.
    text = _BLOCK_OPEN.sub(lambda m: "\n\n" + m.group(1), text)
    text = _BLOCK_CLOSE.sub(lambda m: m.group(1) + "\n\n", text)
    # hr tags close themselves.
    text = _HR.sub(lambda m: m.group(1) + "\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Newlines inside tags are kept as they are.
    text = replace_in_html_tags(text, "\n", _NEWLINE_PLACEHOLDER)

    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)

    # Remove more than two contiguous line breaks, then wrap every paragraph in <p>.
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part]
    text = "".join("<p>" + paragraph.strip("\n") + "</p>\n" for paragraph in paragraphs)

    # Under certain strange conditions it could create a P of entirely whitespace.
    text = re.sub(r"<p>\s*</p>", "", text)
    # Add a closing <p> inside <div>, <address>, or <form> tag if missing.
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    # If an opening or closing block element tag is wrapped in a <p>, unwrap it.
    text = _UNWRAPPED_BLOCK.sub(r"\1", text)
    # In some cases <li> may get wrapped in <p>, fix them.
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    # If a <blockquote> is wrapped with a <p>, move it inside the <blockquote>.
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    # An opening <p> before a block tag, or a closing one after it, goes.
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"\1", text)

    if br:
        # Newlines in script, style, svg and math stay newlines.
        text = _PRESERVED.sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        # Any newline not preceded by a <br /> becomes one.
        text = _LONE_NEWLINE.sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")

    # A <br /> after a block tag, or before some of them, goes.
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)

    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(_NEWLINE_PLACEHOLDER, "\n").replace("<!-- wpnl -->", "\n")
    return text
