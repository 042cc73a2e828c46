"""`lab web` in a real browser (headless Chromium driven by Playwright): the page opens, the tutor
draws in the page's terminal, a key reaches it, a tab past the cap reads why it got no tutor, and
a page from another origin is refused.

Skipped only when Playwright or a Chromium is missing (CI installs both and sets
TUI_TUTOR_REQUIRE_BROWSER=1, which turns that skip into a failure)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("textual_serve")


def _missing(reason: str) -> None:
    # CI sets TUI_TUTOR_REQUIRE_BROWSER=1, so that a missing browser fails the run instead of skipping.
    if os.environ.get("TUI_TUTOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TUI_TUTOR_REQUIRE_BROWSER=1 but this test {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


try:
    from playwright import sync_api
except ImportError:
    _missing("needs playwright (pip install playwright)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    _missing("needs a Chromium on PATH (apt-get install chromium)")

from test_lab_web import WebServer

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

# The page keeps its xterm.js terminal in a closure; catch it as it is assigned, to read what it shows.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.write) window.__terminal = value;
  },
});
"""
SCREEN_TEXT = """() => {
  const t = window.__terminal;
  if (!t) return "";
  const lines = [];
  for (let y = 0; y < t.rows; y++) lines.push(t.buffer.active.getLine(y).translateToString(true));
  return lines.join("\\n");
}"""


def hostile_page(tutor_port: int) -> bytes:
    """A page on another origin whose script tries to drive the tutor."""
    return f"""<!DOCTYPE html><title>waiting</title><script>
const ws = new WebSocket("ws://127.0.0.1:{tutor_port}/ws?width=80&height=24");
ws.onopen = () => {{ document.title = "open"; }};
ws.onclose = () => {{ if (document.title !== "open") document.title = "refused"; }};
</script>""".encode()


class OtherSite:
    """A second HTTP server on another port, serving the hostile page."""

    def __init__(self, body: bytes) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_for_screen(page, text: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while text not in (screen := page.evaluate(SCREEN_TEXT)):
        assert time.monotonic() < deadline, f"{text!r} never appeared; the terminal shows:\n{screen}"
        page.wait_for_timeout(100)
    return screen


def test_the_tutor_in_a_browser_draws_takes_keys_and_refuses_the_next_tab_and_another_origin(tmp_path):
    server = WebServer(tmp_path, "--max-sessions", "1")
    server.wait_listening()
    other = OtherSite(hostile_page(server.port))
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1100, "height": 700})
                # Nothing leaves the machine: the page asks for a web font.
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                    ("http://127.0.0.1", "ws://127.0.0.1")) else route.abort())
                context.add_init_script(CATCH_TERMINAL)
                page = context.new_page()
                page.goto(server.url + "/", wait_until="domcontentloaded")
                screen = wait_for_screen(page, "Workbench")
                assert "Lessons" in screen
                page.focus(".xterm-helper-textarea")
                page.keyboard.press("w")
                wait_for_screen(page, "Step 1 of")
                page.wait_for_timeout(300)  # let the canvas paint the frame before the picture
                page.screenshot(path=str(tmp_path / "tutor-in-browser.png"))

                second_tab = context.new_page()  # one tutor at most: this tab is told so, and keeps it readable
                second_tab.goto(server.url + "/", wait_until="domcontentloaded")
                wait_for_screen(second_tab, "all tutors are in use (1 at most")
                second_tab.screenshot(path=str(tmp_path / "class-full-in-browser.png"))

                hostile = context.new_page()
                hostile.goto(other.url, wait_until="domcontentloaded")
                hostile.wait_for_function("document.title !== 'waiting'", timeout=10_000)
                assert hostile.title() == "refused"
            finally:
                browser.close()
    finally:
        other.close()
        server.stop()
    log = server.log()
    assert f"Origin {other.url.rstrip('/')} is not this server's page" in log
    assert log.count("tutor started") == 1, log
