"""The lesson workspace in a real headless Chromium, on the demo page: a replay of frames the real server sent.

static/src/demo-frames.json is recorded by tools/record_demo.py (lesson 1 through the seed scenario, and the
answers to what a visitor may ask at its end); tests/cluster/test_demo_recording.py keeps it current.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cluster.sim.teaching.seed import SEED_DEPLOYMENT_V1BETA1

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DEMO = Path(__file__).resolve().parents[2] / "static" / "src" / "demo.html"
RECORDING = DEMO.with_name("demo-frames.json")
SERVICE_RANGE = ipaddress.ip_network("10.68.0.0/16")  # lesson 1's service CIDR

pytestmark = pytest.mark.e2e



@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(DEMO.as_uri() + "?fast")
    # The recorded tape (httpd applied, a typo'd pod, the Service, requests, a pod killed and replaced,
    # requests again) has played once the page says so; from then on the recording answers commands.
    page.wait_for_selector('#demo-status[data-state="idle"]')
    yield page
    page.close()
    assert errors == []


def pod_statuses(page: Page) -> dict[str, str]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "g.pod:not(.leaving)", "els => Object.fromEntries(els.map(e => [e.dataset.name, e.dataset.status]))"
    )


def total_hits(page: Page) -> int:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "#hit-chart [data-pod]", "els => els.reduce((n, e) => n + Number(e.dataset.hits), 0)"
    )


def cluster_ip(page: Page) -> str:
    ip = page.get_attribute('g.service[data-name="httpd-svc"]', "data-cluster-ip")
    assert ip is not None
    return ip


def test_the_page_replays_the_committed_recording(page: Page) -> None:
    # static/dist/demo.js bundles the recording: a bundle built before the last recording fails here
    assert page.evaluate("() => window.podiumDemo.recording") == json.loads(RECORDING.read_text())
    assert "step 7 of 7" not in page.inner_text("#demo-status")  # the tape is over: the page says what to try


def test_the_diagram_shows_every_pod_with_its_status_and_ip(page: Page) -> None:
    statuses = pod_statuses(page)
    assert sorted(s for name, s in statuses.items() if name.startswith("httpd-")) == ["Running", "Running"]
    assert statuses["web"] == "ImagePullBackOff"
    assert ipaddress.ip_address(cluster_ip(page)) in SERVICE_RANGE
    ips = page.eval_on_selector_all("g.pod", "els => els.map(e => e.dataset.ip)")
    assert all(ip.startswith("10.244.") for ip in ips)
    assert "Successfully assigned default/httpd-" in page.inner_text("#event-log")


def test_killing_a_pod_gives_its_replacement_a_new_ip(page: Page) -> None:
    victim = next(name for name in pod_statuses(page) if name.startswith("httpd-"))
    old_ip = page.get_attribute(f'g.pod[data-name="{victim}"]', "data-ip")
    page.click(f'g.pod[data-name="{victim}"]')
    assert victim in page.inner_text("#pod-details")
    page.click("#kill-pod")
    page.wait_for_selector(f'g.pod[data-name="{victim}"][data-status="Terminating"]')
    page.wait_for_function(
        """([victim]) => {
          const pods = [...document.querySelectorAll('g.pod:not(.leaving)')].filter(e => e.dataset.name.startsWith('httpd-'));
          return pods.length === 2 && pods.every(e => e.dataset.status === 'Running' && e.dataset.name !== victim);
        }""",
        arg=[victim],
    )
    ips = page.eval_on_selector_all('g.pod[data-name^="httpd-"]:not(.leaving)', "els => els.map(e => e.dataset.ip)")
    assert old_ip not in ips


def test_requests_through_the_service_are_counted_per_pod(page: Page) -> None:
    before = total_hits(page)
    page.select_option("#traffic-from", "node/podium-worker")
    # a node resolves names without the cluster's DNS: it reaches the Service by its ClusterIP
    page.fill("#traffic-url", f"http://{cluster_ip(page)}:8080/")
    page.click('[data-traffic-count="10"]')
    page.wait_for_function(f"() => [...document.querySelectorAll('#hit-chart [data-pod]')].reduce((n, e) => n + Number(e.dataset.hits), 0) === {before + 10}")
    pods = page.eval_on_selector_all("#hit-chart [data-pod]", "els => els.map(e => e.dataset.pod)")
    assert pods and all(p.startswith("httpd-") for p in pods)


def test_requests_from_outside_to_a_cluster_ip_fail_with_a_reason(page: Page) -> None:
    page.select_option("#traffic-from", "outside")
    page.fill("#traffic-url", f"http://{cluster_ip(page)}:8080/")
    page.click('[data-traffic-count="1"]')
    page.wait_for_selector("#hit-chart .hit-row.failed")
    assert "not reachable from outside the cluster" in page.inner_text("#traffic-summary")


def test_an_apps_v1beta1_manifest_is_underlined_and_its_apps_v1_form_can_be_loaded(page: Page) -> None:
    page.evaluate("text => window.podium.loadManifest(text)", SEED_DEPLOYMENT_V1BETA1)
    page.click("#apply-button")
    page.wait_for_selector("#apply-output .apply-stderr")
    assert 'no matches for kind "Deployment" in version "apps/v1beta1"' in page.inner_text("#apply-output")
    page.wait_for_selector("#editor .cm-lintRange-error")
    page.click("#load-hint")
    assert "apiVersion: apps/v1\n" in page.evaluate("() => document.querySelector('#editor .cm-content').innerText")


def test_the_terminal_runs_kubectl_and_completes_pod_names(page: Page) -> None:
    page.click("#terminal")
    page.keyboard.type("kubectl get svc\n")
    page.wait_for_function("(ip) => document.querySelector('#terminal').innerText.includes(ip)", arg=cluster_ip(page))
    page.keyboard.type("kubectl get pods web")
    page.keyboard.press("Backspace")
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.querySelector('#terminal').innerText.includes('$ kubectl get pods web')")


def test_the_why_panel_shows_which_labels_matched(page: Page) -> None:
    page.click('g.service[data-name="httpd-svc"]')
    page.wait_for_selector("#why-panel .why-pods")
    text = page.inner_text("#why-panel")
    assert "run=httpd" in text
    assert "run: missing (wants httpd)" in text
    assert "KUBE-SVC-" in text


def test_checks_are_rendered_for_the_lesson_page(page: Page) -> None:
    page.wait_for_selector('#podium-checks [data-check-id="curl-cluster-ip"][data-passed="true"]')
    assert page.get_attribute('#podium-checks [data-check-id="three-endpoints"]', "data-passed") == "false"


def test_a_command_the_recording_has_no_answer_for_says_so(page: Page) -> None:
    page.click("#terminal")
    page.keyboard.type("kubectl get configmaps\n")
    # xterm wraps long lines: read the terminal's text with its line breaks taken out
    page.wait_for_function("() => document.querySelector('#terminal').innerText.replaceAll('\\n', '')"
                           ".includes('has no answer for kubectl get configmaps')")


def test_the_wide_button_gives_the_terminal_room_for_get_pods_o_wide(page: Page) -> None:
    def columns() -> int:
        return page.evaluate("() => window.podium.terminal.cols")  # type: ignore[no-any-return]

    narrow = columns()
    page.click("#terminal-wide")
    assert page.get_attribute("#terminal-wide", "aria-pressed") == "true"
    page.wait_for_function("(n) => window.podium.terminal.cols > n", arg=narrow)
    assert columns() >= 130  # `kubectl get pods -o wide` rows fit on one line
    editor_top = page.eval_on_selector("#editor", "e => e.getBoundingClientRect().top")
    terminal_top = page.eval_on_selector("#terminal", "e => e.getBoundingClientRect().top")
    assert terminal_top < editor_top  # the terminal moves above the editor
    page.click("#terminal-wide")
    page.wait_for_function("(n) => window.podium.terminal.cols === n", arg=narrow)
