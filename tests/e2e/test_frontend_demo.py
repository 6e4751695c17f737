"""The lesson workspace in a real headless Chromium, driven against the demo page's fake sandbox."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "static" / "src" / "demo.html"
BROWSER = os.environ.get("PODIUM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH (apt-get install chromium, or set PODIUM_CHROMIUM)"),
]

V1BETA1 = """apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: httpd
spec:
  replicas: 2
  template:
    metadata:
      labels:
        run: httpd
    spec:
      containers:
      - name: httpd
        image: httpd
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(DEMO.as_uri() + "?fast")
    # The demo's script (a pod dies and is replaced, then 10 requests) is over once answers are counted.
    page.wait_for_selector("#hit-chart [data-pod]")
    yield page
    page.close()
    assert errors == []


def pod_statuses(page: object) -> dict[str, str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined, no-any-return]
        "g.pod:not(.leaving)", "els => Object.fromEntries(els.map(e => [e.dataset.name, e.dataset.status]))"
    )


def total_hits(page: object) -> int:
    return page.eval_on_selector_all(  # type: ignore[attr-defined, no-any-return]
        "#hit-chart [data-pod]", "els => els.reduce((n, e) => n + Number(e.dataset.hits), 0)"
    )


def test_the_diagram_shows_every_pod_with_its_status_and_ip(page: object) -> None:
    statuses = pod_statuses(page)
    assert sorted(s for name, s in statuses.items() if name.startswith("httpd-")) == ["Running", "Running"]
    assert statuses["web"] == "ImagePullBackOff"
    assert page.get_attribute('g.service[data-name="httpd-svc"]', "data-cluster-ip") == "10.68.236.129"  # type: ignore[attr-defined]
    ips = page.eval_on_selector_all("g.pod", "els => els.map(e => e.dataset.ip)")  # type: ignore[attr-defined]
    assert all(ip.startswith("10.244.") for ip in ips)
    assert "Successfully assigned default/httpd-" in page.inner_text("#event-log")  # type: ignore[attr-defined]


def test_killing_a_pod_gives_its_replacement_a_new_ip(page: object) -> None:
    victim = next(name for name in pod_statuses(page) if name.startswith("httpd-"))
    old_ip = page.get_attribute(f'g.pod[data-name="{victim}"]', "data-ip")  # type: ignore[attr-defined]
    page.click(f'g.pod[data-name="{victim}"]')  # type: ignore[attr-defined]
    assert victim in page.inner_text("#pod-details")  # type: ignore[attr-defined]
    page.click("#kill-pod")  # type: ignore[attr-defined]
    page.wait_for_selector(f'g.pod[data-name="{victim}"][data-status="Terminating"]')  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """([victim]) => {
          const pods = [...document.querySelectorAll('g.pod:not(.leaving)')].filter(e => e.dataset.name.startsWith('httpd-'));
          return pods.length === 2 && pods.every(e => e.dataset.status === 'Running' && e.dataset.name !== victim);
        }""",
        arg=[victim],
    )
    ips = page.eval_on_selector_all('g.pod[data-name^="httpd-"]:not(.leaving)', "els => els.map(e => e.dataset.ip)")  # type: ignore[attr-defined]
    assert old_ip not in ips


def test_requests_through_the_service_are_counted_per_pod(page: object) -> None:
    before = total_hits(page)
    page.select_option("#traffic-from", "node/podium-worker")  # type: ignore[attr-defined]
    page.fill("#traffic-url", "http://httpd-svc:8080/")  # type: ignore[attr-defined]
    page.click('[data-traffic-count="10"]')  # type: ignore[attr-defined]
    page.wait_for_function(f"() => [...document.querySelectorAll('#hit-chart [data-pod]')].reduce((n, e) => n + Number(e.dataset.hits), 0) === {before + 10}")  # type: ignore[attr-defined]
    pods = page.eval_on_selector_all("#hit-chart [data-pod]", "els => els.map(e => e.dataset.pod)")  # type: ignore[attr-defined]
    assert pods and all(p.startswith("httpd-") for p in pods)


def test_requests_from_outside_to_a_cluster_ip_fail_with_a_reason(page: object) -> None:
    page.select_option("#traffic-from", "outside")  # type: ignore[attr-defined]
    page.fill("#traffic-url", "http://10.68.236.129:8080/")  # type: ignore[attr-defined]
    page.click('[data-traffic-count="1"]')  # type: ignore[attr-defined]
    page.wait_for_selector("#hit-chart .hit-row.failed")  # type: ignore[attr-defined]
    assert "not reachable from outside the cluster" in page.inner_text("#traffic-summary")  # type: ignore[attr-defined]


def test_an_apps_v1beta1_manifest_is_underlined_and_its_apps_v1_form_can_be_loaded(page: object) -> None:
    page.evaluate("text => window.podium.loadManifest(text)", V1BETA1)  # type: ignore[attr-defined]
    page.click("#apply-button")  # type: ignore[attr-defined]
    page.wait_for_selector("#apply-output .apply-stderr")  # type: ignore[attr-defined]
    assert 'no matches for kind "Deployment" in version "apps/v1beta1"' in page.inner_text("#apply-output")  # type: ignore[attr-defined]
    page.wait_for_selector("#editor .cm-lintRange-error")  # type: ignore[attr-defined]
    page.click("#load-hint")  # type: ignore[attr-defined]
    assert "apiVersion: apps/v1\n" in page.evaluate("() => document.querySelector('#editor .cm-content').innerText")  # type: ignore[attr-defined]


def test_the_terminal_runs_kubectl_and_completes_pod_names(page: object) -> None:
    page.click("#terminal")  # type: ignore[attr-defined]
    page.keyboard.type("kubectl get svc\n")  # type: ignore[attr-defined]
    page.wait_for_function("() => document.querySelector('#terminal').innerText.includes('10.68.236.129')")  # type: ignore[attr-defined]
    page.keyboard.type("kubectl get pods web")  # type: ignore[attr-defined]
    page.keyboard.press("Backspace")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.wait_for_function("() => document.querySelector('#terminal').innerText.includes('$ kubectl get pods web')")  # type: ignore[attr-defined]


def test_the_why_panel_shows_which_labels_matched(page: object) -> None:
    page.click('g.service[data-name="httpd-svc"]')  # type: ignore[attr-defined]
    page.wait_for_selector("#why-panel .why-pods")  # type: ignore[attr-defined]
    text = page.inner_text("#why-panel")  # type: ignore[attr-defined]
    assert "run=httpd" in text
    assert "run: missing (wants httpd)" in text
    assert "KUBE-SVC-" in text


def test_checks_are_rendered_for_the_lesson_page(page: object) -> None:
    page.wait_for_selector('#podium-checks [data-check-id="curl-from-node"][data-passed="true"]')  # type: ignore[attr-defined]
