"""The renderer sanitises an answer with its highlighted code held out and put back after
(`prepdeck.core.code_splice`): the HTML is nh3's for the whole answer, whatever surrounds the
code, and a body goes back only where it was."""

from __future__ import annotations

import pytest

from prepdeck.core import markdown
from prepdeck.core.code_splice import CodeSplice, SpanOpeners
from prepdeck.core.markdown import render_answer
from tests.core import reference_renderer

CODE = 'x = "a" + \'b\' & c < d > e\xa0f  # "q"\n'
SURROUNDINGS = {
    "plain": "Text\n\n```python\n{code}```\n\nMore",
    "in a list": "1. step\n\n   ```python\n   {code}   ```\n",
    "in a quote": "> ```python\n> {code}> ```\n",
    "after an unclosed single-quoted attribute": (
        "<div><a title='\n\n```python\n{code}```\n\n'>x</a></div>"
    ),
    "after an unclosed double-quoted attribute": (
        '<div><a title="\n\n```python\n{code}```\n\n">x</a></div>'
    ),
    "inside an unclosed textarea": "<textarea>\n\n```python\n{code}```\n",
    "inside an unclosed bold": "<div><b>\n\n```python\n{code}```\n\n</b></div>",
    "inside a table": "<table><tr>\n\n```python\n{code}```\n\n</tr></table>",
    "inside xmp": "<xmp>\n\n```python\n{code}```\n\n</xmp>",
    "inside a comment": "<div><!--\n\n```python\n{code}```\n\n--></div>",
    "inside a script": "<div><script>\n\n```python\n{code}```\n\n</script></div>",
    "twice, with plain code between": "```python\n{code}```\n\n```\nplain\n```\n\n```js\n{code}```",
}


@pytest.mark.parametrize("template", SURROUNDINGS.values(), ids=SURROUNDINGS.keys())
def test_the_html_is_the_sanitisers_for_the_whole_answer(template):
    text = template.format(code=CODE)
    assert render_answer(text) == reference_renderer.render(text), text


@pytest.mark.parametrize(
    "code",
    ["nul \x00 in code\n", "tab\tand\r\nreturns\r\n", "é ß 🙂 \u2003 \ufeff\n", '"&amp;"\n', "\n"],
)
def test_code_of_any_characters_comes_out_as_the_sanitiser_writes_it(code):
    text = f"```python\n{code}```\n"
    assert render_answer(text) == reference_renderer.render(text)


def test_a_text_naming_a_placeholder_cannot_place_code():
    text = "pd0123456789abcdefn0x\n\n```python\nx = 1\n```\n\n`pd0123456789abcdefn0x`"
    assert render_answer(text) == reference_renderer.render(text)


def held_html(text: str, splice: CodeSplice) -> str:
    return markdown._markdown_html(text, markdown.HighlightBudget(5), None, splice)


def test_a_body_left_in_an_attribute_is_sanitised_in_place_again():
    text = SURROUNDINGS["after an unclosed single-quoted attribute"].format(code=CODE)
    splice = CodeSplice(markdown._SPAN_OPENERS)
    html = held_html(text, splice)
    assert len(splice.bodies) == 1
    cleaned = markdown._SANITISER.clean(html)
    assert splice.mark in cleaned  # the placeholder ended up in the link's title
    assert not splice._in_their_frames(cleaned.split(splice.mark))
    assert splice.sanitised(html, markdown._SANITISER.clean) == reference_renderer.render(text)


def test_bodies_with_a_class_the_sanitiser_removes_are_not_held():
    openers = SpanOpeners(markdown._FORMATTER.span_element_openers, {"n", "o", "mi"})
    splice = CodeSplice(openers)
    held_html("```python\nx = 1\n```\n\n```python\nif x:\n    pass\n```\n", splice)
    # `x = 1` uses only allowed classes; `if`/`pass` are keywords ("k"), not in the set.
    assert [body for _, body in splice.bodies] == [
        '<span class="n">x</span> <span class="o">=</span> <span class="mi">1</span>\n'
    ]


def test_each_answer_draws_its_own_mark():
    marks = {CodeSplice(markdown._SPAN_OPENERS).mark for _ in range(50)}
    assert len(marks) == 50
