"""A headless Chromium driven over the DevTools protocol on a pipe.

No WebSocket client and no Python packages beyond the standard library:
Chromium started with --remote-debugging-pipe reads commands on fd 3 and
writes replies on fd 4, each a JSON message ended by a NUL byte.

    with Browser(flags, profile_dir) as browser:
        page = browser.page(width=1400, height=1000)
        page.goto("http://127.0.0.1:8000/")
        page.evaluate("document.title")
        page.errors          # console errors and uncaught exceptions so far
        page.screenshot()    # PNG bytes
"""

import base64
import json
import os
import signal
import subprocess
import time


class Browser:
    def __init__(self, flags, profile_dir):
        self._to_r, self._to_w = os.pipe()
        self._from_r, self._from_w = os.pipe()

        def child_fds():
            # Moved out of the way first (a pipe may already sit on 3 or 4),
            # and made inheritable (os.pipe's are not).
            read_end, write_end = os.dup(self._to_r), os.dup(self._from_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self._chrome = subprocess.Popen(
            ["chromium", *flags, f"--user-data-dir={profile_dir}",
             "--remote-debugging-pipe", "about:blank"],
            preexec_fn=child_fds, close_fds=False, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(self._to_r)
        os.close(self._from_w)
        self._buffer = b""
        self._next_id = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def close(self):
        # Chromium's renderer, GPU and crash-handler processes outlive a
        # kill of the browser process alone, and keep writing into the
        # profile folder while the caller removes it. They share the
        # browser's session (start_new_session): kill the whole group, and
        # wait until none of it is left.
        group = self._chrome.pid
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._chrome.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)

    def _read(self):
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_r, 1 << 16)
            if not chunk:
                raise SystemExit("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=None, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise SystemExit(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, name, session=None, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in self.events:
                if e.get("method") == name and (session is None or e.get("sessionId") == session):
                    self.events.remove(e)
                    return e
            self.events.append(self._read())
        raise SystemExit(f"no {name} within {timeout} s")

    def page(self, width=1400, height=1000):
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return Page(self, session, width, height)


class Page:
    def __init__(self, browser, session, width, height):
        self.browser = browser
        self.session = session
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            browser.call(domain, session)
        browser.call("Emulation.setDeviceMetricsOverride", session, width=width,
                     height=height, deviceScaleFactor=1, mobile=False)

    def goto(self, url, settle=0.3):
        self._drain()
        self.browser.call("Page.navigate", self.session, url=url)
        self.browser.wait_event("Page.loadEventFired", self.session)
        time.sleep(settle)

    def _drain(self):
        """Forget events of this page seen so far (a new page load)."""
        self.browser.events = [e for e in self.browser.events
                               if e.get("sessionId") != self.session]

    @property
    def errors(self):
        """Console errors and uncaught exceptions since the last goto."""
        # Read whatever the browser sent meanwhile.
        self.evaluate("0")
        found = []
        for e in self.browser.events:
            if e.get("sessionId") != self.session:
                continue
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append(details.get("exception", {}).get("description")
                             or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(" ".join(str(a.get("value", a.get("description", "")))
                                      for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(f"{entry.get('text')} ({entry.get('url', '')})")
        return found

    def evaluate(self, expression):
        result = self.browser.call("Runtime.evaluate", self.session,
                                   expression=expression, returnByValue=True,
                                   awaitPromise=True)
        if "exceptionDetails" in result:
            raise SystemExit(f"evaluate {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self):
        data = self.browser.call("Page.captureScreenshot", self.session, format="png")["data"]
        return base64.b64decode(data)


def png_colours(png):
    """How many distinct colours a PNG screenshot holds (8-bit RGB or RGBA,
    as Chromium writes them): a blank page has one or two."""
    import struct
    import zlib
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, width, height, channels = 8, b"", 0, 0, 4
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8, "expected 8 bits per channel"
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    colours = set()
    previous = bytearray(stride)
    for row in range(height):
        line = raw[row * (stride + 1):(row + 1) * (stride + 1)]
        kind, data = line[0], bytearray(line[1:])
        for i in range(stride):
            left = data[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                data[i] = (data[i] + left) & 0xFF
            elif kind == 2:
                data[i] = (data[i] + up) & 0xFF
            elif kind == 3:
                data[i] = (data[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                data[i] = (data[i] + pred) & 0xFF
        previous = data
        # Every 4th row is plenty to count colours.
        if row % 4 == 0:
            for x in range(0, stride, channels):
                colours.add(bytes(data[x:x + 3]))
    return len(colours)
