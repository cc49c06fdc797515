"""Answers render as highlighted, sanitised HTML: nothing a writer types runs in a reader's page,
and nothing a writer types holds the process that renders it for long."""

import re
import time

import pytest
from pygments.lexers import find_lexer_class
from pygments.token import Name, Text

from prepdeck.core import markdown, spans
from prepdeck.core.markdown import (
    BLANK_RUN_GUARDED,
    HIGHLIGHT_SECONDS,
    MAX_HIGHLIGHTED_CODE,
    MAX_RENDERED_CHARS,
    VETTED_LEXERS,
    HighlightBudget,
    highlight_css,
    render_answer,
)
from prepdeck.decks.questions import MAX_ANSWER
from tests.core import lexer_fuzz


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


# What one rendering may cost: see the module docstring of prepdeck.core.markdown.


def timed(text: str, shared: HighlightBudget | None = None) -> tuple[str, float]:
    start = time.monotonic()
    html = render_answer(text, shared)
    return html, time.monotonic() - start


QUOTE_AND_BACKSLASHES = '"' + "\\" * 40
ATTACKS = {
    # Pygments' lexers for these backtrack exponentially: each took 25 to 35 s here.
    "factor": f"```factor\n{QUOTE_AND_BACKSLASHES}\n```",
    "chapel": f"```chapel\n{QUOTE_AND_BACKSLASHES}\n```",
    "cddl": f"```cddl\n{QUOTE_AND_BACKSLASHES}\n```",
    # Polynomial: 10,000 characters took 57 s.
    "autohotkey": "```autohotkey\nx" + " \n" * 5_000 + "```",
}


@pytest.mark.parametrize("answer", ATTACKS.values(), ids=ATTACKS.keys())
def test_code_in_a_language_that_backtracks_renders_at_once_as_escaped_text(answer):
    html, seconds = timed(answer)
    assert seconds < 3
    assert html.startswith("<pre><code>") and html.endswith("</code></pre>\n")
    assert "<span" not in html
    code = answer.split("\n", 1)[1].removesuffix("```")
    assert html == f"<pre><code>{code}</code></pre>\n"


def test_shell_code_with_an_unclosed_ansi_c_string_is_highlighted_at_once():
    # Pygments' own Bash lexer backtracks exponentially on these: 47 s, and 30 s in a Dockerfile.
    backslashes = "\\" * 56
    for language, line in (("bash", "echo $'"), ("dockerfile", "RUN echo $'")):
        html, seconds = timed(f"```{language}\n{line}{backslashes}\n```")
        assert seconds < 3
        assert '<span class="nb">echo</span>' in html


SAMPLES = {
    "python": 'def f(x):\n    return "s"  # c\n',
    "javascript": 'const x = "s"; // c\n',
    "typescript": "let x: number = 1;\n",
    "sql": "SELECT id FROM users WHERE id = 1;\n",
    "bash": 'echo "$HOME"  # c\n',
    "json": '{"a": [1, true]}\n',
    "yaml": "a: 1\nb: [x, y]\n",
    "html": '<p class="x">Hi</p>\n',
    "css": "a { color: red; }\n",
    "html+jinja": "{% if x %}<b>{{ x }}</b>{% endif %}\n",
    "go": 'func main() { fmt.Println("s") }\n',
    "java": 'class A { String s = "s"; }\n',
    "csharp": 'var s = "s";\n',
    "rust": 'fn main() { let s = "s"; }\n',
    "ruby": 'def f = puts "s"\n',
    "php": '<?php echo "s"; ?>\n',
    "kotlin": 'val s = "s"\n',
    "swift": 'let s = "s"\n',
    "docker": "FROM python:3.12\nRUN pip install flask\n",
    "toml": 'name = "prepdeck"\n',
    "diff": "-old\n+new\n",
    "c": "int main(void) { return 0; }\n",
    "cpp": "std::vector<int> v{1, 2};\n",
    "ini": "[server]\nport = 8000\n",
}


def test_every_vetted_lexer_is_known_to_pygments_and_has_a_sample_here():
    assert all(find_lexer_class(name) for name in VETTED_LEXERS)
    sampled = {markdown._LANGUAGES[alias] for alias in SAMPLES}
    assert sampled == set(VETTED_LEXERS) - {"Text only"}


@pytest.mark.parametrize(("language", "code"), SAMPLES.items(), ids=SAMPLES.keys())
def test_vetted_languages_are_highlighted(language, code):
    html = render_answer(f"```{language}\n{code}```")
    name = markdown._LANGUAGES[language]
    css_class = f"language-{find_lexer_class(name).aliases[0]}"
    assert html.startswith(f'<pre class="highlight"><code class="{css_class}">'), html
    assert '<span class="' in html


def test_plain_text_keeps_its_frame_and_is_escaped():
    html = render_answer("```text\n<b>x</b> & y\n```")
    assert html == (
        '<pre class="highlight"><code class="language-text">&lt;b&gt;x&lt;/b&gt; &amp; y\n'
        "</code></pre>\n"
    )


ALIASES = {
    *(("py", "python"), ("python3", "python"), ("PY", "python"), ("js", "javascript")),
    *(("ts", "typescript"), ("sh", "bash"), ("zsh", "bash"), ("shell", "bash")),
    *(("yml", "yaml"), ("cs", "csharp"), ("c++", "cpp"), ("cfg", "ini"), ("c", "c")),
    *(("c#", "csharp"), ("rs", "rust"), ("rb", "ruby"), ("kt", "kotlin"), ("golang", "go")),
    *(("dockerfile", "docker"), ("patch", "diff"), ("plaintext", "text"), ("txt", "text")),
    *(("html+jinja", "django"), ("jinja", "django"), ("jinja2", "django")),
}


@pytest.mark.parametrize(("alias", "css_class"), sorted(ALIASES))
def test_the_usual_names_of_vetted_languages_are_recognised(alias, css_class):
    html = render_answer(f"```{alias}\nx\n```")
    assert html.startswith(f'<pre class="highlight"><code class="language-{css_class}">')


@pytest.mark.parametrize(
    "language",
    ["factor", "chapel", "cddl", "autohotkey", "console", "pycon", "xyz"],
)
def test_languages_not_vetted_are_escaped_without_a_language_class(language):
    assert render_answer(f"```{language}\na < b\n```") == "<pre><code>a &lt; b\n</code></pre>\n"


def test_only_vetted_language_classes_survive_in_pasted_html():
    html = render_answer(
        '<code class="language-python">a</code> <code class="language-cddl">b</code>'
    )
    assert '<code class="language-python">a</code>' in html
    assert "language-cddl" not in html and ">b</code>" in html


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


class SlowLexer:
    """Each word costs 10 ms of the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def _preprocess_lexer_input(self, code):
        return code

    def get_tokens_unprocessed(self, code):
        for word in code.split():
            self.clock.now += 0.01
            yield 0, Name, word
            yield 0, Text, " "


@pytest.fixture
def slow_lexer(monkeypatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(markdown, "time", clock)
    monkeypatch.setattr(spans, "time", clock)
    monkeypatch.setattr(markdown, "_lexer", lambda name: SlowLexer(clock))
    return clock


def words(count: int) -> str:
    return " ".join(f"w{i}" for i in range(count))


def test_highlighting_stops_when_the_answers_budget_is_spent(slow_lexer):
    started = slow_lexer.now
    html = render_answer(
        f"```python\n{words(5)}\n```\n\n```python\n{words(100)}\n```\n\n```python\n{words(1)}\n```"
    )
    first, second, third = html.split("</pre>")[:3]
    assert '<span class="n">w4</span>' in first  # 50 ms: highlighted
    assert "<span" not in second and "w0 w1" in second and "w99" in second
    assert 'class="language-python"' in second
    assert "<span" not in third and "w0" in third  # nothing left for the blocks after
    assert slow_lexer.now - started <= HIGHLIGHT_SECONDS + 0.011


def test_answers_rendered_together_share_one_budget(slow_lexer):
    shared = HighlightBudget(0.3)
    answer = f"```python\n{words(20)}\n```"  # 200 ms each
    assert "<span" in render_answer(answer, shared)
    assert "<span" not in render_answer(answer, shared)
    assert shared.spent
    assert "<span" not in render_answer(answer, shared)
    assert "<span" in render_answer(answer)  # an answer on its own has a budget of its own


def test_a_vetted_lexer_slow_on_blank_lines_is_cut_off_by_the_budget():
    # Pygments' Python lexer is quadratic on runs of blank lines: 4 s before.
    code = "x = (" + " \n" * 9_900 + ")\n"
    assert len(code) <= MAX_HIGHLIGHTED_CODE
    html, seconds = timed(f"```python\n{code}```")
    assert seconds < 1.5
    assert html == f'<pre class="highlight"><code class="language-python">{code}</code></pre>\n'


def test_a_code_block_too_long_to_highlight_is_shown_plain():
    code = "print(1)\n" * (MAX_HIGHLIGHTED_CODE // 9 + 1)
    html = render_answer(f"```python\n{code}```")
    assert html == f'<pre class="highlight"><code class="language-python">{code}</code></pre>\n'


def test_every_answer_the_forms_accept_is_rendered_as_markdown():
    assert MAX_ANSWER <= MAX_RENDERED_CHARS
    assert render_answer("*" + "a" * (MAX_RENDERED_CHARS - 2) + "*").startswith("<p><em>aaa")


def test_text_longer_than_the_limit_is_shown_escaped_as_written():
    # An imported answer has no length limit of its own, and nh3's HTML parser is quadratic in
    # the depth of unclosed tags: these 600,000 characters took 31 s before.
    text = "<div>\n" * 100_000
    html, seconds = timed(text)
    assert seconds < 2
    assert html == "<pre><code>" + "&lt;div&gt;\n" * 100_000 + "</code></pre>\n"


# The fuzz of tests/core/lexer_fuzz.py, at a size and on a share of its cases that keep it fast.
FUZZ_SIZE = 1_000
FUZZ_PREFIXES = ("", "x = ", '"', "'", "`", "r'", "/*", "<!--", "#", "$'", "RUN $'", "{{ '", "$ ")
FUZZ_UNITS = ("\\", '"', "'", "\\'", '\\"', " ", " \n", "\t", ": ", "=", "(", "a")


@pytest.mark.parametrize("name", VETTED_LEXERS)
def test_vetted_lexers_never_wait_long_for_one_token(name):
    lexer = markdown._lexer(name)  # as the renderer lexes: with the rules of a state joined
    for label, text in lexer_fuzz.cases(FUZZ_SIZE, FUZZ_PREFIXES, FUZZ_UNITS):
        if not markdown._may_highlight(text, name):
            continue  # shown plain, never lexed
        measured = lexer_fuzz.timing(lexer, text, limit=2.0)
        assert measured.finished and measured.stall < 0.1, (label, measured)


# The lexers left out, with the shape that caught each in a run of lexer_fuzz at large sizes.
LEFT_OUT = {
    "Factor": ('"', "\\"),
    "Chapel": ('"', "\\"),
    "CDDL": ('"', "\\"),
    "Bash Session": ("r'", ":"),  # its prompt pattern: quadratic inside one token
    "HTML+Django/Jinja": ("{{ '", "\\'"),  # its Jinja pass, before the first token
}
# Quadratic inside one token after a run of blank space only: highlighted without such a run.
GUARDED = {
    "INI": ("x = ", " "),
    "C": ("a\n", " "),  # its pattern for function definitions
    "C++": ("a\n", "\n"),
}


def stalls(name: str, prefix: str, unit: str) -> bool:
    lexer = find_lexer_class(name)(stripnl=False)
    measured = lexer_fuzz.timing(lexer, prefix + unit * (6 * FUZZ_SIZE // len(unit)), limit=0.5)
    return not measured.finished or measured.stall >= 0.1


@pytest.mark.parametrize(("name", "shape"), LEFT_OUT.items(), ids=LEFT_OUT.keys())
def test_the_lexers_left_out_stall_on_the_shape_that_caught_them(name, shape):
    assert stalls(name, *shape)
    assert name not in VETTED_LEXERS


@pytest.mark.parametrize(("name", "shape"), GUARDED.items(), ids=GUARDED.keys())
def test_lexers_that_stall_on_blank_runs_show_such_code_plain_at_once(name, shape):
    assert stalls(name, *shape)
    assert name in BLANK_RUN_GUARDED
    prefix, unit = shape
    alias = find_lexer_class(name).aliases[0]
    code = prefix + unit * (20 * FUZZ_SIZE // len(unit)) + "\n"
    html, seconds = timed(f"```{alias}\n{code}```")
    assert seconds < 1
    assert html == f'<pre class="highlight"><code class="language-{alias}">{code}</code></pre>\n'
    # Indented code with blank lines between is not such a run, and is highlighted.
    ordinary = "int f(void)\n{\n" + "    x = 1;\n\n" * 200 + "}\n"
    if name != "INI":
        assert '<span class="' in render_answer(f"```{alias}\n{ordinary}```")


def test_ini_shows_a_long_line_plain_at_once():
    code = "x = " + ": " * 10_000 + "\n"
    html, seconds = timed(f"```ini\n{code}```")
    assert seconds < 1
    assert html == f'<pre class="highlight"><code class="language-ini">{code}</code></pre>\n'
    assert '<span class="' in render_answer("```ini\n[server]\nport = 8000\n```")
