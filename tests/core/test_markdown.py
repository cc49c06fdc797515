"""Answers render as highlighted, sanitised HTML: nothing a writer types runs in a reader's page."""

import re

import pytest

from prepdeck.core.markdown import highlight_css, render_answer


def test_paragraphs_lists_and_emphasis_render():
    html = render_answer("Flask is **small**.\n\n- routing\n- templates\n\n3. third\n4. fourth")
    assert "<strong>small</strong>" in html
    assert "<ul>\n<li>routing</li>" in html
    assert '<ol start="3">' in html


def test_tables_render_with_their_alignment():
    html = render_answer("| Name | Count |\n|:-----|------:|\n| routes | 12 |")
    assert "<table>" in html
    assert '<th style="text-align:left">Name</th>' in html
    assert '<td style="text-align:right">12</td>' in html


def test_fenced_code_is_highlighted_with_pygments_spans():
    html = render_answer('```python\ndef hello(name):\n    return f"Hi {name}"  # greet\n```')
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">hello</span>' in html
    assert '<span class="c1"># greet</span>' in html
    assert html.count("<pre") == 1  # not Pygments' own <div><pre> nested inside ours


def test_language_aliases_are_recognised():
    html = render_answer("```py\nimport os\n```")
    assert 'class="language-python"' in html
    assert '<span class="kn">import</span>' in html


def test_code_in_an_unknown_language_is_escaped_not_highlighted():
    html = render_answer("```nosuchlanguage\n<b>bold?</b> & <script>x()</script>\n```")
    assert "&lt;b&gt;bold?&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in html
    assert "<span" not in html
    assert "<b>" not in html and "<script" not in html


def test_code_without_a_language_is_escaped():
    html = render_answer("```\nif a < b and c > d: pass\n```")
    assert "<pre><code>if a &lt; b and c &gt; d: pass\n</code></pre>" in html


def test_an_empty_answer_renders_as_nothing():
    assert render_answer("") == ""
    assert render_answer("  \n\n ") == ""


XSS = {
    "script tag": "<script>alert('x')</script>Safe text",
    "script in a paragraph": "Before <script src='https://evil.example/x.js'></script> after",
    "onerror": '<img src="x.png" onerror="alert(1)">',
    "onclick": '<a href="https://example.com" onclick="alert(1)">link</a>',
    "onmouseover on a span": '<span onmouseover="alert(1)">hover</span>',
    "javascript link": "[click](javascript:alert(1))",
    "JAVASCRIPT link": "[click](JAVASCRIPT:alert(1))",
    "javascript href": '<a href="javascript:alert(1)">x</a>',
    "mixed case href": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "tab in scheme": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "entity in scheme": '<a href="&#106;avascript:alert(1)">x</a>',
    "newline in scheme": '<a href="java\nscript:alert(1)">x</a>',
    "leading space": '<a href=" javascript:alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data image": "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "data html href": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "data svg img": '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style tag": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed;top:0">x</p>',
    "form": '<form action="https://evil.example"><input name="password"></form>',
    "svg onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "object": '<object data="https://evil.example/x.swf"></object>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "base": '<base href="https://evil.example/">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
}
FORBIDDEN = re.compile(
    r"<script|<iframe|<style|<form|<input|<svg|<object|<meta|<base|<link|\son\w+\s*=|"
    r"style=\"(?!text-align)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("markdown", XSS.values(), ids=XSS.keys())
def test_nothing_executable_survives(markdown):
    html = render_answer(markdown)
    assert not FORBIDDEN.search(html), html
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert url.startswith(("https://", "http://", "mailto:", "x.png")), html


def test_xss_vectors_inside_a_realistic_answer_are_stripped_and_the_rest_kept():
    html = render_answer(
        "Use **escaping**. <img src=x onerror=alert(1)> Then:\n\n"
        "<script>steal()</script>\n\n[docs](https://flask.palletsprojects.com)"
    )
    assert "<strong>escaping</strong>" in html
    assert '<img src="x">' in html
    assert "steal" not in html
    assert 'href="https://flask.palletsprojects.com"' in html


def test_a_refused_markdown_link_stays_as_plain_text():
    assert render_answer("[click](javascript:alert(1))") == "<p>[click](javascript:alert(1))</p>\n"


def test_links_get_rel_nofollow_noopener_noreferrer():
    html = render_answer(
        "[Flask](https://flask.palletsprojects.com/) and <a href='mailto:a@b.c'>m</a>"
    )
    assert html.count('rel="nofollow noopener noreferrer"') == 2
    assert 'href="mailto:a@b.c"' in html


def test_only_our_own_classes_survive():
    html = render_answer(
        '<div class="position-fixed top-0 w-100 h-100">overlay</div>'
        '<span class="k btn btn-danger">x</span><pre class="highlight modal">y</pre>'
    )
    assert "position-fixed" not in html and "btn" not in html and "modal" not in html
    assert '<span class="k">x</span>' in html
    assert '<pre class="highlight">y</pre>' in html


def test_harmless_inline_html_is_kept():
    html = render_answer("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup>")
    assert "<kbd>Ctrl</kbd>" in html and "<sub>2</sub>" in html and "<sup>2</sup>" in html


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_highlight_css_is_scoped_under_highlight(theme):
    css = highlight_css(theme)
    rules = [line for line in css.splitlines() if line.strip()]
    assert any(line.startswith(".highlight .k ") for line in rules)
    assert all(line.startswith(".highlight") for line in rules), rules[:3]


def test_light_and_dark_themes_differ_and_scope_can_be_chosen():
    assert highlight_css("light") != highlight_css("dark")
    dark = highlight_css("dark", "[data-bs-theme=dark] .highlight")
    assert all(line.startswith("[data-bs-theme=dark] .highlight") for line in dark.splitlines())


def test_unknown_theme_is_a_value_error():
    with pytest.raises(ValueError, match="light"):
        highlight_css("solarized")
