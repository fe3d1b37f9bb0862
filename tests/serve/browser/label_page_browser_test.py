#!/usr/bin/python3
"""The labelling page in headless Chromium, driven through chromedriver's WebDriver HTTP API.

A person's clicks and keys store the labels they mean; answers holding `<script>` and
`<img onerror>` appear as text and run nothing; segment comparisons draw their environment in
SVG (CartPole, Pendulum, MountainCar, Acrobot) or a plot of the state for other environments.
The page is the one `rlab label` serves (--rlab); screenshots of each kind go to --screenshots.
Exits 77 (skipped) when Chromium or chromedriver is not installed.

Every wait has a deadline; the browser gets a fresh profile directory.
"""
import argparse
import base64
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SKIP = 77
TOKEN = "t0ken-for-the-test"
WAIT_S = 5.0  # deadline of every wait on the page
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--hide-scrollbars",
                  "--window-size=1200,800"]
ARROW_LEFT, ARROW_RIGHT = "\ue012", "\ue014"

SCRIPT_ANSWER = "<script>window.__injected = 1; alert('script ran')</script>"
IMG_ANSWER = "<img src=x onerror=\"window.__injected = 2; alert('img ran')\">"


def text_item(cid, prompt, left, right):
    return {"id": cid, "kind": "text", "payload": {"prompt": prompt, "left": left, "right": right}}


def cartpole_obs(steps, lean):
    return [[0.8 * t / steps - 0.4, 0.0, lean * t / steps, 0.0] for t in range(steps)]


def segment_item(cid, env, left, right):
    return {"id": cid, "kind": "segments",
            "payload": {"env": env, "left": {"observations": left, "actions": [[0]] * len(left)},
                        "right": {"observations": right, "actions": [[0]] * len(right)},
                        "first_segment": cid + "-a", "second_segment": cid + "-b"}}


def queue_items():
    """The comparisons, in queue order."""
    n = 30
    pendulum = [[math.cos(3.0 - 0.1 * t), math.sin(3.0 - 0.1 * t), -0.1] for t in range(n)]
    car = [[-0.5 + 0.4 * math.sin(0.2 * t), 0.0] for t in range(n)]
    acro = [[math.cos(0.1 * t), math.sin(0.1 * t), math.cos(0.2 * t), math.sin(0.2 * t), 0, 0]
            for t in range(n)]
    unknown = [[math.sin(0.2 * t + d) for d in range(5)] for t in range(n)]
    return [
        text_item("h1", "Which answer is kinder? <b>not bold</b>", SCRIPT_ANSWER,
                  "A plain answer."),
        text_item("h2", "Pick one & \"quote\"", "Another plain answer.", IMG_ANSWER),
        text_item("t1", "2 + 2 = ?", "4", "5"),
        text_item("t2", "Capital of France?", "Paris", "Lyon"),
        text_item("t3", "Say hi", "hi", "hello"),
        text_item("t4", "Say bye", "bye", "goodbye"),
        text_item("t5", "Colour of the sky", "blue", "green"),
        text_item("t6", "3 * 3 = ?", "6", "9"),
        segment_item("s1", "CartPole-v1", cartpole_obs(n, 0.2), cartpole_obs(n, -0.2)),
        segment_item("s2", "Reacher-v9", unknown, unknown[::-1]),
        segment_item("s3", "Pendulum-v1", pendulum, pendulum[::-1]),
        segment_item("s4", "MountainCar-v0", car, car[::-1]),
        segment_item("s5", "Acrobot-v1", acro, acro[::-1]),
    ]


# ---------------------------------------------------------------- the server


class LabelServer:
    """`rlab label --db DB --port 0 --token TOKEN` over a queue of the test's comparisons.

    Text pairs are queued as people queue them, with `rlab label add`. Segment comparisons come
    from a PbRL run's people teacher, too slow to start here, so the test writes them into the
    queue's comparisons table itself (feedback/label_queue.cc's schema) before serving."""

    def __init__(self, rlab, workdir, items):
        self.rlab = rlab
        self.workdir = workdir
        self.db = os.path.join(workdir, "labels.db")
        pairs = os.path.join(workdir, "pairs.jsonl")
        with open(pairs, "w") as f:
            for item in items:
                if item["kind"] == "text":
                    f.write(json.dumps(dict(item["payload"], id=item["id"])) + "\n")
        run([rlab, "label", "add", "--db", self.db, pairs])
        with sqlite3.connect(self.db) as db:
            db.executemany(
                "INSERT INTO comparisons (id, kind, payload, source, queued)"
                " VALUES (?, ?, ?, ?, ?)",
                [(i["id"], i["kind"], json.dumps(i["payload"]), "browser test",
                  "2026-12-07T00:00:00.000Z") for i in items if i["kind"] == "segments"])
        db.close()
        self.process = subprocess.Popen(
            [rlab, "label", "--db", self.db, "--port", "0", "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = read_line_within(self.process.stdout, WAIT_S)
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line or "")
        if not found:
            self.process.kill()
            fail("rlab label did not print its address within %gs; it printed %r, stderr %r"
                 % (WAIT_S, line, self.process.stderr.read()))
        self.port = int(found.group(1))

    def stored(self):
        """Every stored label as (comparison id, labeller, choice), from the database."""
        db = sqlite3.connect(self.db)
        try:
            return db.execute("SELECT comparison_id, labeller, choice FROM labels ORDER BY seq"
                              ).fetchall()
        finally:
            db.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            fail("rlab label did not stop within %gs of SIGTERM" % WAIT_S)
        if self.process.returncode != 0:
            fail("rlab label exited %d after SIGTERM" % self.process.returncode)


def read_line_within(stream, seconds):
    result = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    return result[0] if result else None


def run(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(command), done.returncode, done.stderr.strip()))
    return done.stdout


# ---------------------------------------------------------------- WebDriver over HTTP


class WebDriverError(Exception):
    pass


class Browser:
    """One headless Chromium session through chromedriver's W3C WebDriver HTTP API."""

    def __init__(self, chromium, chromedriver, profile):
        """Starts chromedriver; open_session() then starts the browser."""
        self.chromium, self.profile = chromium, profile
        self.port = free_port()
        self.driver = subprocess.Popen([chromedriver, "--port=%d" % self.port],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        self.session = None
        self.session_error = None

    def open_session(self):
        """Waits for chromedriver and starts Chromium (on a thread, beside the server's start)."""
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    if self.call("GET", "/status", timeout=1)["ready"]:
                        break
                except (OSError, WebDriverError):
                    pass
                if time.monotonic() > deadline:
                    fail("chromedriver did not become ready within 10s")
                time.sleep(0.05)
            capabilities = {"browserName": "chrome", "unhandledPromptBehavior": "ignore",
                            "goog:chromeOptions": {
                                "binary": self.chromium,
                                "args": CHROMIUM_FLAGS + ["--user-data-dir=" + self.profile]}}
            session = self.call("POST", "/session",
                                {"capabilities": {"alwaysMatch": capabilities}}, timeout=30)
            self.session = "/session/" + session["sessionId"]
        except (AssertionError, OSError, WebDriverError) as e:
            self.session_error = e

    def call(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as e:
            value = json.loads(e.read() or b"{}").get("value", {})
            raise WebDriverError("%s: %s" % (value.get("error"), value.get("message", "")[:300]))

    def do(self, method, path, body=None):
        return self.call(method, self.session + path, body)

    def open(self, url):
        self.do("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.do("POST", "/execute/sync", {"script": script, "args": list(args)})

    def alert_text(self):
        """The text of an open alert, or None."""
        try:
            return self.do("GET", "/alert/text")
        except WebDriverError as e:
            if "no such alert" in str(e):
                return None
            raise

    def click(self, selector):
        element = self.do("POST", "/element", {"using": "css selector", "value": selector})
        self.do("POST", "/element/%s/click" % list(element.values())[0], {})

    def type_into(self, selector, text):
        element = self.do("POST", "/element", {"using": "css selector", "value": selector})
        eid = list(element.values())[0]
        self.do("POST", "/element/%s/clear" % eid, {})
        self.do("POST", "/element/%s/value" % eid, {"text": text})

    def press(self, key):
        self.do("POST", "/actions", {"actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.do("GET", "/screenshot")))

    def wait_for(self, what, script, *args):
        """Polls `script` until it returns a truthy value; fails after WAIT_S."""
        deadline = time.monotonic() + WAIT_S
        while True:
            value = self.js(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                fail("waited %gs for %s; the page shows: %s"
                     % (WAIT_S, what, self.js("return document.body.innerText")[:600]))
            time.sleep(0.03)

    def close(self):
        if self.session:
            try:
                self.do("DELETE", "")
            except (OSError, WebDriverError):
                pass
            self.session = None
        self.driver.terminate()
        try:
            self.driver.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.driver.kill()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(message):
    raise AssertionError(message)


# ---------------------------------------------------------------- the checks

SHOWN = ("var c = document.getElementById('comparison');"
         " return !c.hidden && c.dataset.id === arguments[0];")
STATE = """
var answers = Array.from(document.querySelectorAll('.answer')).map(function (a) {
  return {text: a.textContent, children: a.childElementCount}; });
var prompt = document.querySelector('.prompt');
return {answers: answers, prompt: prompt ? prompt.textContent : null,
        injected: window.__injected === undefined ? null : window.__injected,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        error: document.getElementById('error').textContent,
        counts: document.getElementById('counts').textContent};
"""
SCENE = """
return Array.from(document.querySelectorAll('.side svg')).map(function (svg) {
  return {scene: svg.dataset.scene, box: svg.getBoundingClientRect().width,
          lines: svg.querySelectorAll('line').length,
          polylines: svg.querySelectorAll('polyline').length,
          drawing: svg.innerHTML.length,
          step: document.querySelector('.player span').textContent}; });
"""


def expect(condition, message):
    if not condition:
        fail(message)


def check_not_injected(browser, cid):
    state = browser.js(STATE)
    expect(state["injected"] is None, "%s: injected code ran (window.__injected = %r)"
           % (cid, state["injected"]))
    expect(browser.alert_text() is None, "%s: an alert is open" % cid)
    expect(state["images"] == 0, "%s: an <img> was inserted" % cid)
    expect(state["scripts"] == 1, "%s: a <script> element was inserted" % cid)
    expect(all(a["children"] == 0 for a in state["answers"]),
           "%s: an answer holds elements: %r" % (cid, state["answers"]))
    return state


def wait_scene(browser, cid, scene):
    browser.wait_for("%s drawn as %s" % (cid, scene),
                     "var s = document.querySelectorAll('.side svg');"
                     " return s.length === 2 && s[0].dataset.scene === arguments[0]"
                     " && s[1].dataset.scene === arguments[0];", scene)


def check_animates(browser, cid, selector, attribute):
    """The drawing at `selector` moves: its attribute changes within the deadline."""
    first = browser.js("return document.querySelector(arguments[0]).getAttribute(arguments[1]);",
                       selector, attribute)
    browser.wait_for("%s to animate (%s %s)" % (cid, selector, attribute),
                     "return document.querySelector(arguments[0]).getAttribute(arguments[1])"
                     " !== arguments[2];", selector, attribute, first)


def exercise(browser, url, server, shots):
    def shot(name):
        if shots:
            browser.screenshot(os.path.join(shots, "label_page_%s.png" % name))

    # Without the token: the page says what is wrong instead of showing nothing.
    browser.open(url)
    browser.js("localStorage.clear();")
    browser.open(url + "#")
    browser.js("location.reload();")
    browser.wait_for("the name prompt", "return document.getElementById('message').textContent"
                     ".indexOf('name') >= 0;")
    browser.type_into("#labeller", "ada\ue007")  # Enter: load at once
    browser.wait_for("the 401 error", "return document.getElementById('error').textContent"
                     ".indexOf('401') >= 0;")

    # With the token and the name kept from before (localStorage).
    browser.open(url + "#token=" + TOKEN)
    browser.js("location.reload();")
    browser.wait_for("h1 shown", SHOWN, "h1")
    expect(browser.js("return document.getElementById('labeller').value;") == "ada",
           "the name was not kept in localStorage")
    state = check_not_injected(browser, "h1")
    expect(state["answers"][0]["text"] == SCRIPT_ANSWER, "h1: the script answer is not shown as "
           "text: %r" % state["answers"])
    expect(state["prompt"] == "Which answer is kinder? <b>not bold</b>", "h1 prompt: %r"
           % state["prompt"])
    expect(state["error"] == "", "h1: error shown: %r" % state["error"])
    expect(re.fullmatch(r"0 / 13 labelled", state["counts"]), "counts: %r" % state["counts"])
    shot("text")

    # Clicks: left, right, tie, skip.
    browser.click('button[data-choice="left"]')
    browser.wait_for("h2 shown", SHOWN, "h2")
    time.sleep(0.05)  # an onerror handler would have fired by now
    state = check_not_injected(browser, "h2")
    expect(state["answers"][1]["text"] == IMG_ANSWER, "h2: %r" % state["answers"])
    browser.click('button[data-choice="right"]')
    browser.wait_for("t1 shown", SHOWN, "t1")
    browser.click('button[data-choice="tie"]')
    browser.wait_for("t2 shown", SHOWN, "t2")
    browser.click('button[data-choice="skip"]')

    # Keys.
    for cid, key in [("t3", ARROW_LEFT), ("t4", ARROW_RIGHT), ("t5", "1"), ("t6", "2")]:
        browser.wait_for(cid + " shown", SHOWN, cid)
        browser.press(key)

    browser.wait_for("s1 shown", SHOWN, "s1")
    wait_scene(browser, "s1", "cartPole")
    check_animates(browser, "s1", '.side.left line.pole', "x2")
    scenes = browser.js(SCENE)
    expect(all(s["box"] > 300 for s in scenes), "s1: the scenes are too small: %r" % scenes)
    shot("cartpole")
    browser.press("T")

    browser.wait_for("s2 shown", SHOWN, "s2")
    wait_scene(browser, "s2", "state-plot")
    scenes = browser.js(SCENE)
    expect(all(s["polylines"] == 5 for s in scenes), "s2: one line per state dimension "
           "expected: %r" % scenes)
    check_animates(browser, "s2", '.side.right line.cursor', "x1")
    shot("state_plot")
    browser.press("0")

    for cid, scene, moving, key in [("s3", "pendulum", "line.rod", "s"),
                                    ("s4", "mountainCar", "g", "S"),
                                    ("s5", "acrobot", "circle.joint", "t")]:
        browser.wait_for(cid + " shown", SHOWN, cid)
        wait_scene(browser, cid, scene)
        attribute = "transform" if moving == "g" else ("cx" if "circle" in moving else "x2")
        check_animates(browser, cid, ".side.left " + moving, attribute)
        shot(scene)
        browser.press(key)

    browser.wait_for("the end message",
                     "return document.getElementById('comparison').hidden && document"
                     ".getElementById('message').textContent.indexOf('Nothing left') >= 0;")
    state = browser.js(STATE)
    # Labelled (not skipped): h1 h2 t1 t3 t4 t5 t6 s1 s2 s5.
    expect(state["counts"] == "10 / 13 labelled", "final counts: %r" % state["counts"])
    expect(browser.alert_text() is None, "an alert is open at the end")

    expected = {"h1": "left", "h2": "right", "t1": "tie", "t2": "skip", "t3": "left",
                "t4": "right", "t5": "left", "t6": "right", "s1": "tie", "s2": "tie",
                "s3": "skip", "s4": "skip", "s5": "tie"}
    stored = server.stored()
    got = {cid: choice for cid, who, choice in stored if who == "ada"}
    expect(got == expected, "stored labels differ:\n got      %r\n expected %r" % (got, expected))
    expect(len(stored) == len(expected), "one label per answer expected, stored %r" % stored)
    stats = api_stats(server.port)
    expect(stats["counts"] == {"comparisons": 13, "labelled": 10, "labels": 13},
           "/api/stats counts: %r" % stats["counts"])
    expect(stats["labellers"] == {"ada": {"labels": 13, "skips": 3, "left": 3, "right": 3,
                                          "tie": 4}},
           "/api/stats labellers: %r" % stats["labellers"])


def check_served_page(port, page):
    """The page compiled into rlab is the source file, byte for byte (label_page.h)."""
    with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=WAIT_S) as response:
        served = response.read()
        content_type = response.headers.get("Content-Type", "")
    with open(page, "rb") as f:
        expect(served == f.read(), "GET / does not serve %s as it is (%d bytes served)"
               % (page, len(served)))
    expect(content_type.startswith("text/html"), "GET / is served as %r" % content_type)


def api_stats(port):
    request = urllib.request.Request("http://127.0.0.1:%d/api/stats" % port,
                                     headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=WAIT_S) as response:
        return json.loads(response.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rlab", required=True, help="the rlab binary (serves `rlab label`)")
    parser.add_argument("--page", help="label_page.html, which GET / must serve byte for byte")
    parser.add_argument("--screenshots", help="a folder for a screenshot of each kind")
    args = parser.parse_args()
    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser")
                     if os.path.exists(p)), None)
    chromedriver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium or not chromedriver:
        print("skipping: the labelling page's browser test needs chromium and chromedriver "
              "(apt-get install chromium chromium-driver)")
        return SKIP
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rlab-label-browser-") as workdir:
        items = queue_items()
        browser = Browser(chromium, chromedriver, os.path.join(workdir, "profile"))
        opening = threading.Thread(target=browser.open_session, daemon=True)
        opening.start()
        server = None
        try:
            server = LabelServer(args.rlab, workdir, items)
            if args.page:
                check_served_page(server.port, args.page)
            opening.join(40)
            if not browser.session:
                fail("no browser session: %s" % (browser.session_error or "not within 40s"))
            exercise(browser, "http://127.0.0.1:%d/" % server.port, server, args.screenshots)
            browser.close()
            server.stop()
        except AssertionError as e:
            print("FAILED: %s" % e)
            browser.close()
            if server:
                server.process.kill()
            return 1
    print("passed in %.1fs" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
