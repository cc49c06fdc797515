"""markdown-it-pyrs gives the renderer markdown-it-py's HTML byte for byte, or gives way to it.

Every comparison is with markdown-it-py through the renderer's own parser and fence rule
(`markdown._MARKDOWN`), before sanitising, and `render_answer` with the plain renderer of
`tests/core/reference_renderer.py`, after it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it_pyrs import MarkdownIt as RustMarkdownIt

from prepdeck.core import markdown, markdown_fast
from prepdeck.core.errors import Invalid
from prepdeck.core.markdown import HighlightBudget, render_answer
from prepdeck.decks.importer import parse_document
from tests.core import reference_renderer
from tests.core.rendering_samples import answers as sample_answers

CORPUS = Path("/work/shared/import-corpus")
_RUST = RustMarkdownIt("commonmark").enable("table")


def fast(text: str) -> str | None:
    budget = HighlightBudget(60.0)
    return markdown_fast.render(text, lambda code, lang: markdown._code_block(code, lang, budget))


def slow(text: str) -> str:
    return markdown._MARKDOWN.render(text, {"highlight_budget": HighlightBudget(60.0)})


def assert_alike(text: str) -> None:
    html = fast(text)
    assert html is None or html == slow(text), text
    assert render_answer(text) == reference_renderer.render(text), text


def corpus_answers() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.glob("*.md")):
        content = path.read_bytes()
        found.append(content.decode("utf-8", errors="replace"))
        with contextlib.suppress(Invalid):
            found += [item.answer for item in parse_document(content).questions]
    return found


def test_the_samples_render_alike_and_most_take_the_fast_path():
    answers = sample_answers()
    taken = [answer for answer in answers if fast(answer) is not None]
    assert len(taken) > 0.4 * len(answers)  # the rest: raw HTML, entities beside emphasis
    for answer in answers:
        assert_alike(answer)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the import corpus is not on this machine")
def test_the_corpus_answers_render_alike():
    answers = corpus_answers()
    assert len(answers) > 1_000
    assert sum(fast(answer) is not None for answer in answers) > len(answers) / 2
    for answer in answers:
        html = fast(answer)
        assert html is None or html == slow(answer), answer


# Shapes the two parsers read differently: the fast path must give way on each. The first
# assertion keeps every case honest: markdown-it-pyrs alone does differ from markdown-it-py.
DIFFERING = {
    "open fence at the end": "```python\nx = 1",
    "raw HTML block at the end": "Text\n\n<details>\n<summary>More</summary>",
    "raw HTML block at the end, quoted": "> <div>x",
    "raw HTML block at the end, in a list": "- a\n\n  <br/>",
    "comment": "<!-->x",
    "script block with blank lines": "+ <script>x\n\n",
    "blank outside ASCII": "\u00a0text",
    "control character": "İ**\x00# x**",
    "emphasis beside a symbol": "**€**x",
    "emphasis beside a symbol after a letter": "x **y é*🙂= z*",
    "entity in emphasis": "_&amp;|* s_*_*",
    "code span of blanks": "x `    ` y",
    "code span of blanks over a line": "x `  \n` y",
    "empty quote": ">\n\ntext",
    "empty list item under a quote's paragraph": "> quote\n* \ntext",
    "ordered list in a quote's lazy line": ">text\n2) item",
    "table ended by an ordered list": "| a | b |\n|---|:-:|\n| c | d |\n2) x",
    "table of one column": "A\n:---",
    "table under a quote": "> x\n| a | b |\n|---|:-:|\n| c | d |",
    "table under a quote in a list": "+ > + x\n   | a |\n   |:--|\n   | b |",
    "escaped pipe before a table's header": "ß\\|| a | b |\n|---|:-:|\n1",
    "delimiter row without a pipe": "| a |\n---\nc",
    "link to a host outside ASCII": "[a](http://é.com/é)",
    "autolink to a host outside ASCII": "<http://é.com>",
    "image with an entity": "![&#35;x](u)",
    "image with HTML": "![</pre>](u)",
    "reference after a failed link": "[x]: /u 't'\n___[x](",
    "fence under a list item's line": "- a\n  ```py\n  x = 1\n  ```\n- b",
    "tab after a quote's marker": ">\t<summary>x\n\n# h",
    "quote in a quote, then a line of the outer one": "`c`\n>> * * x\n> 2) * - ```\n",
    "lists nested ten deep": "".join(" " * (2 * level) + "- x\n" for level in range(10)),
    "lists nested ten deep on one line": "- " * 10 + "x",
    "lists nested ten deep by tabs": "".join("\t" * level + "1. x\n" for level in range(10)),
}


@pytest.mark.parametrize("text", DIFFERING.values(), ids=DIFFERING.keys())
def test_shapes_the_parsers_read_differently_are_left_to_markdown_it_py(text):
    assert _rust_or_panic(text) != markdown.MarkdownIt("commonmark").enable("table").render(text)
    assert fast(text) is None
    assert render_answer(text) == reference_renderer.render(text)


def _rust_or_panic(text: str) -> str:
    try:
        return _RUST.render(text)
    except BaseException as error:  # a Rust panic is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return "panic"


def test_a_panic_of_the_rust_parser_falls_back_to_markdown_it_py():
    text = "[a ```b``` c ```d``` ````e"
    with pytest.raises(BaseException) as raised:
        _RUST.render(text)
    assert type(raised.value).__name__ == "PanicException"
    assert render_answer(text) == reference_renderer.render(text)


ALIKE = {
    "fence with info words": "```python {x}\nprint(1)\n```",
    "fence in a language not vetted": "```cobol\nDISPLAY 'X'.\n```",
    "fence info with an entity": "```py&#116;hon\nx = 1\n```",
    "fence info with an escape": "```py\\thon\nx = 1\n```",
    "fence without a language": "```\n<b>&amp;\n```",
    "indented code": "    <b>code</b>\n\ntext",
    "closed fence at the end without a newline": "Text\n\n```go\nfunc f() {}\n```",
    "list item paragraph at the end": "- a\n- `b`",
    "table at the end": "| a | b |\n|:--|--:|\n| `x` | **y** |",
    "nested lists": "- a\n  - b\n    1. c\n- d\n\n3. e",
    "quote with a fence": "> text\n>\n> ```sql\n> SELECT 1;\n> ```\n",
    "inline HTML": "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O",
    "entities": "&amp; &copy; &#x27; &lt;b&gt; (no emphasis)",
    "links": '[a](https://e.x/a "t") <https://e.x> [b](/rel)',
}


@pytest.mark.parametrize("text", ALIKE.values(), ids=ALIKE.keys())
def test_ordinary_shapes_take_the_fast_path_with_the_same_html(text):
    assert fast(text) == slow(text)
    assert render_answer(text) == reference_renderer.render(text)


def test_fences_are_highlighted_by_the_renderer_in_order_and_share_its_budget():
    text = "```python\nx = 1\n```\n\n```js\nlet y;\n```\n\n```\nplain\n```\n"
    languages = []
    html = markdown_fast.render(
        text, lambda code, lang: languages.append((code, lang)) or f"<{len(languages)}>"
    )
    assert languages == [("x = 1\n", "python"), ("let y;\n", "js")]
    assert html == "<1>\n<2>\n<pre><code>plain\n</code></pre>\n"


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

# Pieces that make Markdown do things: block openers, inline delimiters, HTML, entities,
# escapes, characters outside ASCII, and words.
PIECES = (
    *("- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "    ", "  ", " ", "\t", "\n", "\n", "\n\n"),
    *("```", "```python", "``` py ", "~~~", "~~~js", "```c++", "```&amp;", "```py\\thon"),
    *("# ", "## ", "###### ", "#", "|", "| a | b |\n|---|:-:|\n", "---", "***", "___", "==="),
    *("*", "_", "**", "__", "`", "``", "[", "]", "(", ")", "![", "](", "[x]: /u 't'\n", "[x]"),
    *("<", ">", "<div>", "</div>", "<br/>", "<pre>", "</pre>", "<details>", "<summary>"),
    *("<!--", "-->", "<?", "?>", "<![CDATA[", "]]>", "<script>", "</script>", '<a href="x">'),
    *("</a>", "<http://a.b/c>", "<a@b.co>", "&amp;", "&copy;", "&#35;", "&#x41;", "&nbsp;"),
    *("&bogus;", "&", "\\", "\\*", "\\`", '"', "'", "word", "two words", "x", "é", "ß", "\u00a0"),
    *("\u2003", "🙂", "€", "\r\n", "http://x.y", "www.x.y", "a_b_c", "1.", "10.", "-", "=", ":"),
    *("|-|", "\\|", "\x00", "\u200b", "ǅ", "ẞ", "İ"),
)
LINES = (
    *("- item `code` and **bold**", "1. first *step*", "   - nested [link](https://e.x)"),
    *("> quoted _text_", "| name | value |", "|:--|--:|", "| `a` | 1 |", "```python"),
    *("def f(x):", "    return x < 1", "```", "# Heading", "Plain text, with <kbd>C</kbd>."),
    *("", "", "<details><summary>More</summary>", "</details>", "***", "    code", "Ünïcode é"),
)


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join))
def test_generated_markdown_renders_alike(text):
    assert_alike(text)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.lists(st.sampled_from(LINES), min_size=1, max_size=25).map("\n".join))
def test_generated_documents_of_lines_render_alike(text):
    assert_alike(text)


DEEP = {"quotes": ">" * 100_000, "ordered lists": "1. " * 33_333, "other lists": "1) " * 33_333}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_markdown_nested_deep_enough_to_crash_the_rust_parser_goes_to_markdown_it_py(text):
    crash = "from markdown_it_pyrs import MarkdownIt; MarkdownIt('commonmark').render(input())"
    crashed = subprocess.run(
        [sys.executable, "-c", crash], input=text, text=True, capture_output=True, check=False
    )
    assert crashed.returncode < 0  # killed by a signal: the stack overflowed
    assert fast(text) is None
    assert render_answer(text) == reference_renderer.render(text)
