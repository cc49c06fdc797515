"""Answers that exercise every part of `render_answer`, and the HTML the renderer gave for them.

`tests/data/rendered_answers.json` holds (answer, html) pairs written by this module with the
renderer as it was before its batch path and caches were added; the renderer must keep giving
exactly that HTML. Regenerate only when the rendering is meant to change:

    .venv/bin/python -m tests.core.rendering_samples --write
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "rendered_answers.json"
SEED, SYNTHETIC = 20261202, 240

WRITTEN = {
    "paragraphs": "Flask is **small**, _flexible_ and ***explicit***.\n\nA second paragraph.",
    "nested lists": (
        "- routing\n  - `url_for`\n  - converters\n    1. int\n    2. path\n- templates\n\n"
        "3. third\n4. fourth\n   - nested *bullet*\n\n* star list\n+ plus list"
    ),
    "table": (
        "| Name | Count | Note |\n|:-----|------:|:----:|\n| routes | 12 | **bold** |\n"
        "| views | 3 | `code` \\| pipe |\n| empty | | |"
    ),
    "table without body": "| a | b |\n|---|---|",
    "links": (
        'See [the docs](https://flask.palletsprojects.com/ "Flask") and <https://example.com>,'
        " [mail](mailto:a@example.com), [relative](/decks/x) and [bad](javascript:alert(1)).\n\n"
        "[ref]: https://example.com/ref\n\nA [reference link][ref] and ![an image](https://e.x/i.png)."
    ),
    "inline html": (
        "Text <kbd>Ctrl</kbd>+<kbd>C</kbd>, <mark>marked</mark>, H<sub>2</sub>O, x<sup>2</sup>,"
        ' <abbr title="HyperText">HTML</abbr>, <span class="k">token</span>'
        ' <span class="btn">no</span>'
        "\n\n<details><summary>More</summary>\n\nHidden *text*.\n\n</details>\n\n"
        '<div class="highlight position-fixed" style="color:red">div</div>'
    ),
    "dangerous html": (
        "<script>alert(1)</script>ok <img src=x onerror=alert(1)> "
        '<a href="javascript:alert(1)" onclick="x()">a</a> <iframe src="https://e.x"></iframe>'
        "<style>p{}</style><!-- comment --><form><input></form><svg><g/></svg>"
        '<p style="text-align:center;color:red">styled</p>'
    ),
    "block quote and rules": (
        "> quoted **text**\n> > nested\n\n---\n\n***\n\n# H1\n\n## H2\nSetext\n==="
    ),
    "indented code": "Paragraph.\n\n    indented <code>\n    block & more\n\nAfter.",
    "entities and escapes": (
        "&copy; &amp; &lt;tag&gt; \\*not emphasis\\* 5 < 6 > 4 \"quotes\" 'single'"
    ),
    "hard breaks": "line one  \nline two\\\nline three\nsoft",
    "unicode": "Ünïcödé — “curly” \u2018quotes\u2019 … 🚀 emoji, 中文, العربية, zero\u200bwidth",
    "mojibake repaired": (
        "It\u2019s the request \u2013 not the session \u2013 that decides… “quoted”"
    ),
    "mojibake raw": "Itâ€™s the request â€“ not the session â€“ that decides.",
    "code python": (
        '```python\ndef hello(name: str) -> str:\n    """Doc."""\n    return f"Hi {name}"'
        "  # greet\n```"
    ),
    "code py alias with info": '```py title="x.py"\nimport os\nprint(os.sep)\n```',
    "code js": "```js\nconst x = () => { return `t ${1}` }; // c\n```",
    "code sql": "```sql\nSELECT id, 'a' FROM users WHERE id = 1 -- c\n```",
    "code bash": "```bash\nfor f in *.py; do echo \"$f\" $'a\\tb'; done\n```",
    "code html": '```html\n<!doctype html>\n<p class="x" onclick="y()">Hi &amp; bye</p>\n```',
    "code jinja": "```jinja\n{% for x in xs %}<b>{{ x|e }}</b>{% endfor %}\n```",
    "code c guarded": "```c\nint main(void) {\n    return 0;\n}\n```",
    "code c with blank run": "```c\nint x;" + " " * 80 + "\nint y;\n```",
    "code ini long line": "```ini\n[s]\nk = " + "v" * 250 + "\n```",
    "code text": "```text\n<b>x</b> & y\n```",
    "code yaml json toml": (
        '```yaml\na: 1\nb: [x, y]\n```\n\n```json\n{"a": [1, true, null]}\n```\n\n'
        '```toml\n[tool]\nname = "x"\n```'
    ),
    "code not vetted": '```factor\n"\\\\\\\\\n```\n\n```pycon\n>>> 1 < 2\nTrue\n```',
    "code unknown language": "```nosuchlanguage\n<b>bold?</b> & <script>x()</script>\n```",
    "code no language": "```\nif a < b and c > d: pass\n```",
    "code tildes and longer fence": "~~~python\nx = '```'\n~~~\n\n````md\n```\ninner\n```\n````",
    "code unclosed": "```python\nx = 1\n\nno closing fence",
    "code in list": "1. Step:\n\n   ```python\n   print(1)\n   ```\n\n2. Done",
    "code with tabs and CR": "```python\nif x:\n\treturn 1\r\n```",
    "code leading blank lines": "```python\n\n\nx = 1\n\n\n```",
    "empty fence": "```python\n```",
    "inline code": "Use `<b>` and ``a ` b`` and `` `x` ``.",
    "html block": "<table><tr><td>cell</td></tr></table>\n\n<pre>pre <b>text</b></pre>",
    "language class in pasted html": (
        '<code class="language-python">a</code> <code class="language-cddl">b</code>'
        ' <pre class="highlight">p</pre>'
    ),
    "only whitespace inside": " \n\t\n",
    "long text": " ".join(f"word{i} *em{i}*" if i % 7 == 0 else f"word{i}" for i in range(3000)),
}

WORDS = ["request", "session", "database", "query", "cache", "template", "route", "blueprint"]
WORDS += ["context", "thread"]
CODE = {
    "python": ["def {a}_{b}(x):\n    return x.{a} or {{}}", "class {A}:\n    {b}: int = 1"],
    "javascript": ["const {a} = ({b}) => {b}?.x ?? 0;", "async function {a}() {{ await {b}(); }}"],
    "typescript": ["let {a}: Map<string, number> = new Map();"],
    "go": ['func {a}({b} int) error {{ return fmt.Errorf("%d", {b}) }}'],
    "rust": ["fn {a}({b}: &str) -> Option<u8> {{ None }}"],
    "java": ['public class {A} {{ String {b} = "x"; }}'],
    "csharp": ["var {a} = new List<int> {{ 1, 2 }};"],
    "ruby": ["def {a}; puts '{b}'; end"],
    "php": ["<?php echo ${a} . '{b}'; ?>"],
    "kotlin": ["val {a}: String? = null"],
    "swift": ["let {a} = [{b}: 1]"],
    "dockerfile": ["FROM python:3.12\nRUN pip install {a}"],
    "diff": ["-{a}\n+{b}"],
    "cpp": ["std::vector<{a}> {b}{{1, 2}};"],
    "css": [".{a} > p {{ color: #fff; }}"],
    "sh": ["export {A}={b} && echo ${A}"],
    "factor": ['"{a}\\\\"'],
    "console": ["$ {a} --{b}"],
    "": ["{a} < {b} && {b} > {a}"],
}


def _pick(rng: random.Random) -> dict[str, str]:
    a, b = rng.sample(WORDS, 2)
    return {"a": a, "b": b, "A": a.title()}


def _block(rng: random.Random) -> str:
    kind = rng.choice(("para", "list", "table", "code", "code", "quote", "html", "heading"))
    words = _pick(rng)
    if kind == "para":
        return " ".join(rng.choice(("**{a}**", "_{b}_", "`{a}()`", "[{a}](https://e.x/{b})",
                                    "{a}", "{b}", "It\u2019s", "â€“", "&amp;", "<{a}>"))
                        for _ in range(rng.randint(3, 30))).format(**words)  # fmt: skip
    if kind == "list":
        items = [f"{'  ' * rng.randint(0, 1)}- item **{rng.choice(WORDS)}**" for _ in range(4)]
        items[0] = items[0].lstrip()
        return "\n".join(items)
    if kind == "table":
        rows = [f"| {rng.choice(WORDS)} | `{rng.randint(0, 99)}` |" for _ in range(3)]
        return "\n".join(["| name | value |", rng.choice(("|---|---|", "|:--|--:|")), *rows])
    if kind == "code":
        language = rng.choice(list(CODE))
        return f"```{language}\n{rng.choice(CODE[language]).format(**words)}\n```"
    if kind == "quote":
        return "> {a} said **{b}**".format(**words)
    if kind == "html":
        return rng.choice(("<b>{a}</b> <i>{b}</i>", "<span onclick=x>{a}</span>",
                           "<script>{a}</script>{b}")).format(**words)  # fmt: skip
    return "#" * rng.randint(1, 4) + " {a} {b}".format(**words)


def synthetic(count: int = SYNTHETIC, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    return ["\n\n".join(_block(rng) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def answers() -> list[str]:
    return [*WRITTEN.values(), *synthetic()]


def load_fixture() -> list[tuple[str, str]]:
    return [(pair["answer"], pair["html"]) for pair in json.loads(FIXTURE.read_text("utf-8"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {FIXTURE.name}")
    if not parser.parse_args().write:
        parser.error("nothing to do without --write")
    from prepdeck.core.markdown import render_answer

    pairs = [{"answer": text, "html": render_answer(text)} for text in answers()]
    lines = ",\n".join(json.dumps(pair, ensure_ascii=False) for pair in pairs)
    FIXTURE.write_text(f"[\n{lines}\n]\n", "utf-8")
    print(f"{len(pairs)} pairs written to {FIXTURE}")


if __name__ == "__main__":
    main()
