"""`dqa serve` in a real browser: Debian's headless Chromium loads the page from localhost, the question is typed
into the terminal and the answer arrives in the page.

Chromium is driven over its DevTools protocol (aiohttp's websocket client, installed with textual-serve). The page
draws the terminal on a canvas, so what the app sends the page is read where the page receives it: a wrapper
around the page's WebSocket, installed before the page's own scripts run, keeps the terminal output as text.
Skipped where no chromium is installed (.ci/run installs it)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEED, run_dqa

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUESTION = "how much was spent on official vehicles"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")

KEEP_OUTPUT = """
(() => {
  window.__dqa = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) window.__dqa += decoder.decode(event.data, { stream: true });
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def screen_text(raw: str) -> str:
    return re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07", "", raw)


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


class DevTools:
    """The few DevTools commands the test needs, over one page's websocket."""

    def __init__(self, ws) -> None:  # type: ignore[no-untyped-def]
        self.ws = ws
        self.n = 0

    async def call(self, method: str, **params: object) -> dict:
        self.n += 1
        await self.ws.send_json({"id": self.n, "method": method, "params": params})
        while True:
            message = await self.ws.receive_json(timeout=30)
            if message.get("id") == self.n:
                assert "error" not in message, message
                return message.get("result", {})

    async def text(self) -> str:
        result = await self.call("Runtime.evaluate", expression="window.__dqa || ''", returnByValue=True)
        return screen_text(result["result"].get("value", ""))

    async def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.text()
            if re.search(pattern, text):
                return text
            await asyncio.sleep(0.5)
        raise AssertionError(f"{pattern!r} never appeared in the page; last output:\n{text[-2000:]}")


async def ask_in_browser(devtools_port: int, url: str) -> str:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        pages: list[dict] = []
        deadline = time.monotonic() + 90  # Chromium starts in 1–2 s alone, in over 10 s beside the rest of the suite
        while not pages and time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{devtools_port}/json/list") as response:
                    pages = [t for t in await response.json() if t["type"] == "page"]
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        assert pages, "Chromium's DevTools endpoint never listed a page"
        async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            tools = DevTools(ws)
            await tools.call("Page.enable")
            await tools.call("Page.addScriptToEvaluateOnNewDocument", source=KEEP_OUTPUT)
            await tools.call("Page.navigate", url=url)
            await tools.wait_for(r"Ask a question", 150)  # the app started (the first start indexes the report)
            await tools.wait_for(r"1 report\(s\)", 150)
            await tools.call("Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()")
            await tools.call("Input.insertText", text=QUESTION)
            for kind in ("keyDown", "keyUp"):
                await tools.call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key="Enter",
                    code="Enter",
                    windowsVirtualKeyCode=13,
                    **({"text": "\r"} if kind == "keyDown" else {}),
                )
            return await tools.wait_for(r"54\.39万元", 120)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_answers_a_question_typed_in_the_browser(tmp_path: Path) -> None:
    port, devtools_port = free_port(), free_port()
    dqa = shutil.which("dqa", path=str(Path(sys.executable).parent)) or "dqa"
    server = subprocess.Popen(
        [dqa, "serve", str(SEED), "--index", str(tmp_path / "index"), "--host", "localhost", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    browser = None
    try:
        wait_for_port(port, 60)
        browser = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'chromium'}",
                f"--remote-debugging-port={devtools_port}",
                "--window-size=1280,800",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        text = asyncio.run(ask_in_browser(devtools_port, f"http://localhost:{port}/"))
        assert "⚠ conflict" in text or "conflict" in text
    finally:
        if browser is not None:
            _stop(browser)
        _stop(server)


def test_serve_help_names_the_address() -> None:
    out = run_dqa("serve", "--help").stdout
    assert "--host" in out and "localhost" in out and "--port" in out
