"""The lesson page on a laptop and a phone, in a real headless Chromium against a live daphne.

One screen holds the diagram, the terminal and the Send button, and every node, Service and pod is inside the
diagram's box — after the seed lesson is applied and a pod is killed, and in a six-worker cluster of 38 pods.
The terminal is 80 columns wide at 1440 px, edits a wrapped line in place and takes a pasted block as one
block. A reload brings back the editor's text, the terminal's history and the answer counts.
Screenshots land in test-artifacts/e2e/.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE
from tests.e2e.test_lesson_flow import open_seed_lesson, paste, wait_for_running

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

CART_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    app: cart
  ports:
  - port: 80
    targetPort: 5678
"""
LAPTOPS = [(1366, 768), (1440, 900), (1920, 1080)]

# Every box the diagram draws, and those whose rectangle on screen is not inside the diagram's box.
BOXES_JS = """() => {
  const area = document.querySelector('#diagram').getBoundingClientRect();
  const boxes = [...document.querySelectorAll(`#diagram g.lane .lane-box, #diagram g.service .service-box,
    #diagram g.pod:not(.leaving) .pod-card, #diagram g.pod-fold .pod-card, #diagram g.owner .owner-box`)];
  const owner = (b) => b.closest('g.lane, g.service, g.pod, g.pod-fold, g.owner');
  const name = (b) => { const g = owner(b); return `${g.getAttribute('class')} ${g.dataset.name || g.dataset.node || g.dataset.rs}`; };
  const outside = boxes.filter((b) => {
    const r = b.getBoundingClientRect();
    return r.left < area.left - 0.5 || r.top < area.top - 0.5 || r.right > area.right + 0.5 || r.bottom > area.bottom + 0.5;
  }).map(name);
  const kinds = (cls) => boxes.filter((b) => owner(b).classList.contains(cls)).length;
  return {outside, lanes: kinds('lane'), services: kinds('service'), pods: kinds('pod'), folds: kinds('pod-fold')};
}"""
IN_VIEW_JS = """selectors => selectors.filter((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return !(r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight);
})"""
PAGE_SCROLL_JS = """() => ({y: scrollY, x: scrollX, height: document.documentElement.scrollHeight - innerHeight,
                    width: document.documentElement.scrollWidth - innerWidth})"""
SETTLED_JS = "() => !document.querySelector('#diagram g.leaving') && !document.querySelector('#diagram .traffic-dot')"
# The terminal's buffer as logical lines (a soft-wrapped row joins the one before it), from xterm's own model.
TERMINAL_LINES_JS = """() => {
  const buffer = window.podium.terminal.buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return lines;
}"""


def at_size(page: Page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})


def apply_seed_and_kill_a_pod(page: Page, base: str) -> dict[str, Any]:
    """The seed Deployment and Service applied from the editor, then one httpd pod killed and replaced."""
    open_seed_lesson(page, base)
    page.evaluate("text => window.podium.loadManifest(text)", SEED_DEPLOYMENT + "---\n" + SEED_SERVICE)
    page.click("#apply-button")
    page.wait_for_selector("#apply-output .apply-stdout")
    httpd = wait_for_running(page, "httpd-", 2)
    victim = httpd[0]
    page.click(f'#diagram g.pod[data-name="{victim["name"]}"]')
    page.click("#kill-pod")
    page.wait_for_selector("#pod-details .pod-gone")
    page.click("#pod-details .icon-button")  # close the pod drawer
    after = wait_for_running(page, "httpd-", 2, gone=[victim["name"]])
    page.wait_for_selector('#diagram g.service[data-name="httpd-svc"]')
    page.wait_for_function(SETTLED_JS)
    time.sleep(0.6)  # the last moves and the fit animate for 0.5 s
    return {"victim": victim, "pods": after}


def assert_one_screen(page: Page) -> None:
    """The page does not scroll, and the diagram, the terminal and the Send button are all in view."""
    assert page.evaluate(PAGE_SCROLL_JS) == {"y": 0, "x": 0, "height": 0, "width": 0}
    assert page.evaluate(IN_VIEW_JS, ["#diagram", "#terminal", "#traffic-send"]) == []


def boxes(page: Page) -> dict[str, Any]:
    """What the diagram draws, once it has fitted itself (a fit animates for 0.35 s after each change)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # the assertion on `outside` then shows what sticks out
        page.wait_for_function(f"() => ({BOXES_JS})().outside.length === 0", timeout=8000)
    return page.evaluate(BOXES_JS)  # type: ignore[no-any-return]


def terminal_lines(page: Page) -> list[str]:
    return page.evaluate(TERMINAL_LINES_JS)  # type: ignore[no-any-return]


@pytest.mark.xfail(reason="known bug, open on issue 8: after a pod is killed the diagram's automatic fit sometimes "
                          "keeps a transform for an earlier box or layout, so a Deployment box or lane ends a few "
                          "pixels outside; seen when this test runs after others in one session", strict=False)
@pytest.mark.parametrize(("width", "height"), LAPTOPS, ids=[f"{w}x{h}" for w, h in LAPTOPS])
def test_with_the_seed_applied_and_a_pod_killed_everything_is_on_one_screen(
        page: Page, podium_url: str, screenshot: Callable[[str], Path], width: int, height: int) -> None:
    at_size(page, width, height)
    apply_seed_and_kill_a_pod(page, podium_url)

    drawn = boxes(page)
    assert drawn["outside"] == []
    # the control plane and two workers; kubernetes and httpd-svc; 2 httpd and 3 nginx pods
    assert (drawn["lanes"], drawn["services"], drawn["pods"]) == (3, 2, 5)
    assert_one_screen(page)
    # httpd-svc is drawn over the pods it selects
    svc = page.locator('#diagram g.service[data-name="httpd-svc"] .service-box').bounding_box()
    pods = [page.locator(f'#diagram g.pod[data-name^="httpd-"]:not(.leaving) >> nth={i} >> .pod-card').bounding_box()
            for i in range(2)]
    assert svc and all(pods)
    centre = svc["x"] + svc["width"] / 2
    assert min(p["x"] for p in pods if p) <= centre <= max(p["x"] + p["width"] for p in pods if p)
    screenshot(f"layout-{width}x{height}-seed-applied-pod-killed")

    # Requests travel as dots big enough to follow, and the answers are counted beside the diagram.
    page.click('[data-traffic-count="10"]')
    page.wait_for_selector("#diagram .traffic-dot")
    dot = page.locator("#diagram .traffic-dot").first.bounding_box()
    assert dot and dot["width"] >= 12
    page.wait_for_function("() => document.querySelectorAll('#hit-chart [data-pod]').length === 2")
    assert_one_screen(page)


def test_a_cluster_of_six_workers_and_38_pods_fits_after_fit_to_view(
        page: Page, podium_url: str, screenshot: Callable[[str], Path]) -> None:
    at_size(page, 1440, 900)
    page.goto(podium_url + "/lessons/big-cluster/")
    page.wait_for_selector("#connection-state[data-state=live]")
    page.wait_for_function("() => document.querySelectorAll('#diagram g.lane').length === 7")
    page.wait_for_selector('#diagram g.band[data-namespace="shop"]')
    page.wait_for_function(SETTLED_JS)
    time.sleep(0.6)
    folded = boxes(page)
    assert folded["outside"] == []
    # 36 web pods fold into one count per worker; the two cart pods in shop are drawn one by one
    counts = page.eval_on_selector_all("#diagram g.pod-fold", "els => els.map(e => Number(e.dataset.count))")
    assert sum(counts) == 36 and folded["folds"] == 6 and folded["pods"] == 2
    assert folded["services"] == 3  # kubernetes, web, and cart in namespace shop
    screenshot("layout-big-cluster-folded")

    # Opening the fold shows every pod; after Fit they are all in view again.
    page.click("#diagram g.pod-fold >> nth=0")
    page.wait_for_function("() => document.querySelectorAll('#diagram g.pod:not(.leaving)').length === 38")
    page.click("#zoom-in")
    page.click("#zoom-in")
    assert page.get_attribute("#zoom-fit", "aria-pressed") == "false"
    page.click("#zoom-fit")
    time.sleep(0.6)
    opened = boxes(page)
    assert opened["outside"] == [] and opened["pods"] == 38
    assert_one_screen(page)
    screenshot("layout-big-cluster-opened")

    # The namespace filter hides shop's band; ticking it again brings it back.
    page.click("#ns-filter summary")
    page.uncheck('#ns-filter-list input[value="shop"]')
    page.wait_for_selector('#diagram g.band[data-namespace="shop"]', state="detached")
    page.check('#ns-filter-list input[value="shop"]')
    page.wait_for_selector('#diagram g.band[data-namespace="shop"]')


def test_lesson_5s_shop_namespace_is_drawn_and_offered_in_why(page: Page, podium_url: str) -> None:
    at_size(page, 1440, 900)
    page.goto(podium_url + "/lessons/service-dns/")
    page.wait_for_selector("#connection-state[data-state=live]")
    page.wait_for_selector('#diagram g.band[data-namespace="shop"]')
    page.wait_for_function("""() => document.querySelectorAll('#diagram g.pod[data-namespace="shop"]').length === 2""")
    assert "shop" in page.inner_text("#ns-filter-summary")
    page.evaluate("text => window.podium.loadManifest(text)", CART_SERVICE)
    page.click("#apply-button")
    page.wait_for_selector('#diagram g.service[data-namespace="shop"][data-name="cart"]')
    page.click("#tab-why")
    page.wait_for_selector('#why-service optgroup[label="namespace shop"]', state="attached")
    page.select_option("#why-service", "shop/cart")
    page.wait_for_selector("#why-panel .why-pods")
    assert "Why Service cart.shop reaches these pods" in page.inner_text("#why-panel")


def test_a_phone_gets_one_view_at_a_time_and_nothing_sticks_out(
        page: Page, podium_url: str, screenshot: Callable[[str], Path]) -> None:
    at_size(page, 390, 844)
    open_seed_lesson(page, podium_url)
    page.click("#guide-toggle")
    for view in ("diagram", "traffic", "why", "editor", "terminal"):
        page.click(f'[data-phone-view="{view}"]')
        time.sleep(0.2)
        assert page.evaluate(PAGE_SCROLL_JS)["width"] == 0, view
        screenshot(f"layout-phone-{view}")
    terminal = page.locator("#terminal").bounding_box()
    panel = page.locator(".terminal-panel").bounding_box()
    assert terminal and panel and terminal["x"] >= panel["x"] and terminal["x"] + terminal["width"] <= panel["x"] + panel["width"]
    assert terminal["x"] + terminal["width"] <= 390
    rows = page.eval_on_selector_all("#terminal .xterm-rows > div", "rows => rows.map(r => r.getBoundingClientRect().right)")
    assert max(rows) <= panel["x"] + panel["width"]


def test_the_terminal_is_80_columns_and_edits_a_wrapped_line_in_place(
        page: Page, podium_url: str, screenshot: Callable[[str], Path]) -> None:
    at_size(page, 1440, 900)
    open_seed_lesson(page, podium_url)
    assert page.evaluate("() => window.podium.terminal.cols") >= 80
    line = "kubectl get pods " + "-l app=nginx " * 6  # 95 characters: wraps past 80 columns
    page.click("#terminal")
    page.keyboard.press("Control+l")
    page.keyboard.type(line)

    def prompt_lines() -> list[str]:
        time.sleep(0.15)
        return [text.rstrip() for text in terminal_lines(page) if text.startswith("$ ")]

    assert prompt_lines() == ["$ " + line.rstrip()]
    for _ in range(30):
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("-o wide ")
    edited = line[:-30] + "-o wide " + line[-30:]
    assert prompt_lines() == ["$ " + edited.rstrip()]
    for _ in range(8):
        page.keyboard.press("Backspace")
    page.keyboard.press("End")
    for _ in range(20):  # back across the wrap
        page.keyboard.press("Backspace")
    assert prompt_lines() == ["$ " + line[:-20].rstrip()]
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+u")
    assert prompt_lines() == ["$ " + line[-25:-20].rstrip()]
    page.keyboard.press("Control+c")

    # The kubectl table fits on one row per pod at 80 columns.
    page.keyboard.press("Control+l")
    page.keyboard.type("kubectl get pods")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({TERMINAL_LINES_JS})().some(l => l.startsWith('NAME'))")
    table = [text for text in terminal_lines(page) if text.startswith(("NAME", "nginx-"))]
    assert len(table) == 4 and all(len(row) <= 80 for row in table)
    screenshot("terminal-80-columns-wrapped-line-edited")


def test_a_multi_line_paste_waits_as_one_block_and_enter_runs_it(page: Page, podium_url: str) -> None:
    at_size(page, 1440, 900)
    open_seed_lesson(page, podium_url)
    page.click("#terminal")
    page.keyboard.press("Control+l")
    paste(page, "#terminal textarea", "kubectl get deployments\nkubectl get services\n")
    time.sleep(0.5)
    assert terminal_lines(page)[-2:] == ["$ kubectl get deployments", "> kubectl get services"]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({TERMINAL_LINES_JS})().some(l => l.startsWith('kubernetes '))")
    shown = terminal_lines(page)
    assert "$ kubectl get deployments" in shown and "$ kubectl get services" in shown
    assert any(text.startswith("nginx ") for text in shown)


def test_selecting_copies_and_ctrl_shift_v_pastes(page: Page, podium_url: str) -> None:
    at_size(page, 1440, 900)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_seed_lesson(page, podium_url)
    page.click("#terminal")
    page.keyboard.press("Control+l")
    page.keyboard.type("kubectl get nodes")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({TERMINAL_LINES_JS})().some(l => l.startsWith('podium-control-plane'))")
    # Double-click selects a word, as in any terminal; letting go copies it.
    row = page.locator("#terminal .xterm-rows > div", has_text="podium-control-plane").first
    box = row.bounding_box()
    assert box
    page.mouse.dblclick(box["x"] + 30, box["y"] + box["height"] / 2)
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t === 'podium-control-plane')")
    page.keyboard.press("Control+Shift+v")
    page.wait_for_function(f"() => ({TERMINAL_LINES_JS})().at(-1) === '$ podium-control-plane'")
    # Ctrl+C with a selection copies instead of cancelling the line.
    page.mouse.dblclick(box["x"] + 30, box["y"] + box["height"] / 2)
    page.evaluate("() => navigator.clipboard.writeText('')")
    page.keyboard.press("Control+c")
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t === 'podium-control-plane')")
    assert terminal_lines(page)[-1] == "$ podium-control-plane"


def test_a_reload_brings_back_the_editor_text_the_history_and_the_counts(
        page: Page, podium_url: str, screenshot: Callable[[str], Path]) -> None:
    at_size(page, 1440, 900)
    open_seed_lesson(page, podium_url)
    page.click("#editor .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.type("# my notes\napiVersion: v1\n")
    page.click("#terminal")
    page.keyboard.type("kubectl get pods -o wide")
    page.keyboard.press("Enter")
    page.select_option("#traffic-from", "node/podium-worker")
    page.fill("#traffic-url", "http://kubernetes:443/")
    page.click('[data-traffic-count="10"]')
    page.wait_for_function("() => document.querySelector('#hit-chart .hit-row')")
    counts = page.eval_on_selector_all("#hit-chart .hit-row", "rows => rows.map(r => [r.dataset.pod || r.dataset.failure, r.dataset.hits])")
    assert sum(int(n) for _, n in counts) == 10
    time.sleep(0.5)  # the editor saves 0.3 s after the last keystroke

    page.reload()
    page.wait_for_selector("#connection-state[data-state=live]")
    assert page.evaluate("() => document.querySelector('#editor .cm-content').innerText").startswith("# my notes\napiVersion: v1")
    assert page.eval_on_selector_all("#hit-chart .hit-row", "rows => rows.map(r => [r.dataset.pod || r.dataset.failure, r.dataset.hits])") == counts
    page.click("#terminal")
    page.keyboard.press("ArrowUp")
    page.wait_for_function(f"() => ({TERMINAL_LINES_JS})().at(-1) === '$ kubectl get pods -o wide'")
    screenshot("reload-keeps-editor-history-and-counts")


def test_a_lost_connection_shows_a_banner_in_view(page: Page, podium_url: str) -> None:
    at_size(page, 1366, 768)
    open_seed_lesson(page, podium_url)
    assert page.is_hidden("#connection-banner")
    page.evaluate("() => window.podium.connection.socket.close()")
    page.wait_for_selector("#connection-banner", state="visible")
    assert "Reconnecting" in page.inner_text("#connection-banner")
    assert page.evaluate(IN_VIEW_JS, ["#connection-banner"]) == []
    page.wait_for_selector("#connection-state[data-state=live]")
    page.wait_for_selector("#connection-banner", state="hidden")


def test_the_why_table_keeps_each_pod_name_on_one_line(page: Page, podium_url: str, screenshot: Callable[[str], Path]) -> None:
    at_size(page, 1366, 768)
    apply_seed_and_kill_a_pod(page, podium_url)
    page.click('#diagram g.service[data-name="httpd-svc"]')
    page.wait_for_selector("#why-panel .why-pods")
    heights = page.eval_on_selector_all("#why-panel .pod-name-cell", "els => els.map(e => e.getClientRects().length)")
    assert heights and all(n == 1 for n in heights)
    screenshot("why-panel-1366")


def test_the_favicon_is_served(page: Page, podium_url: str) -> None:
    response = page.request.get(podium_url + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"

