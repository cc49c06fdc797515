"""What the browser tests share: the live server, a person's browser window, signing in, and
the accessibility check with axe-core.

axe-core comes from npm as a development dependency (`make test` installs it with `npm ci`).
It is put into the page through the DevTools protocol (`page.evaluate`), which the page's
Content-Security-Policy does not govern, so the app's CSP stays as strict as it is: no inline
<script> is ever added to the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.services import TIMEOUT_MS, missing

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}

RUN_AXE = """async ([exclude, options]) => {
  const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
  const results = await axe.run(context, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summaries: v.nodes.map((n) => n.failureSummary),
  }));
}"""


@dataclass
class LiveServer:
    app: Flask
    url: str


class Visitor:
    """One person's browser window (its own cookies), remembering what the console said."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.console_errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def csp_violations(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]

    def close(self) -> None:
        self.context.close()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Welcome back")


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        missing("axe-core is not installed (run `npm ci`, or `make test`)")
    return AXE_PATH.read_text()


def axe_violations(page, exclude: tuple[str, ...] = ()) -> list[dict]:
    """What axe-core's WCAG 2 A and AA rules find wrong on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    page.evaluate(SETTLE)
    return page.evaluate(RUN_AXE, [list(exclude), WCAG_AA])


# Colours read in the middle of a fade or a transition are neither the old nor the new ones:
# let every finite animation finish before axe-core reads them.
SETTLE = """() => Promise.all(document.getAnimations()
  .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
  .map(a => a.finished.catch(() => null)))"""


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for target, summary in zip(v["targets"], v["summaries"], strict=True):
            first = summary.splitlines()[1].strip() if "\n" in summary else summary
            lines.append(f"    {target}: {first}")
    return "\n".join(lines)


def assert_accessible(page, exclude: tuple[str, ...] = ()) -> None:
    """Fail with each violation (rule, impact, elements, help link) axe-core finds on the page."""
    violations = axe_violations(page, exclude)
    assert not violations, f"axe-core found on {page.url}:\n{describe(violations)}"


def tab_to(page, target, limit: int = 60) -> int:
    """Press Tab from where the focus is until `target` (a locator) has it, as a keyboard user
    would; fail if it is never reached. Returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} is not reached with Tab ({limit} presses)")


def ready_for_keys(page) -> None:
    """A page's keyboard shortcuts work once its script has run, when the new document is
    loaded: what the keys act on can be in the page a moment before."""
    page.wait_for_load_state("domcontentloaded")
