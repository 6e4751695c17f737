"""An instructor in a real headless Chromium: the admin loads all its assets, and a lesson is written, self-tested
and published there, then found by a learner. Screenshots land in test-artifacts/e2e/
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ARTIFACTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

pytestmark = pytest.mark.e2e

SETUP_WITH_A_TYPO = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 0
"""
SETUP = SETUP_WITH_A_TYPO.replace("containerPort: 0", "containerPort: 80")
BODY = "The pod `web` answers on port 80. **Delete it**:\n\n```run\nkubectl delete pod web\n```\n"


def sign_in(page: Page, base: str, instructor: tuple[str, str]) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", instructor[0])
    page.fill("#id_password", instructor[1])
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def watch_assets(page: Page) -> list[str]:
    """Every stylesheet or script the page asks for that the server refuses, as 'STATUS URL'."""
    refused: list[str] = []

    def seen(response: Response) -> None:
        if response.request.resource_type in ("stylesheet", "script") and response.status >= 400:
            refused.append(f"{response.status} {response.url}")

    page.on("response", seen)
    return refused


def type_into_editor(page: Page, field: str, text: str) -> None:
    """Replace the text of the YAML editor that stands for the form field `field`."""
    content = page.locator(f'.pd-editor[data-for="{field}"] .cm-content')
    content.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_the_admin_loads_every_stylesheet_and_script(page: Page, podium_url: str, instructor: tuple[str, str],
                                                     screenshot: Callable[[str], Path]) -> None:
    refused = watch_assets(page)
    page.goto(podium_url + "/admin/login/")
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") == "flex"  # base.css
    screenshot("admin-login")
    sign_in(page, podium_url, instructor)
    page.goto(podium_url + "/admin/tutorial/lesson/")
    page.click("text=NodePort: reaching a Service from outside the cluster")
    page.wait_for_selector('.pd-editor[data-for="setup"] .cm-content')  # the admin bundle mounted the editor
    page.wait_for_selector("#steps-group .pd-handle")
    page.wait_for_selector('.pd-editor-status[data-state="ok"]')
    screenshot("admin-lesson")
    page.click("text=Open the step >> nth=0")
    page.wait_for_selector("#checks-group .add-row a")  # inlines.js gives the checks an "add" link
    page.wait_for_selector(".pd-md-preview code")
    assert page.locator('#checks-0 .pd-params-kind[data-kind="service_type"]').is_visible()
    assert not page.locator('#checks-0 .pd-params-kind[data-kind="object_exists"]').is_visible()
    screenshot("admin-step")
    assert refused == []


def test_steps_are_reordered_by_dragging(page: Page, podium_url: str, instructor: tuple[str, str]) -> None:
    sign_in(page, podium_url, instructor)
    page.goto(podium_url + "/admin/tutorial/lesson/")
    page.click("text=Session affinity")
    rows = page.locator("#steps-group tbody tr.form-row:not(.empty-form)")
    titles = [rows.nth(i).locator('input[name$="-title"]').input_value() for i in range(3)]
    rows.nth(2).locator(".pd-grip").drag_to(rows.nth(0), target_position={"x": 20, "y": 2})
    moved = [rows.nth(i).locator('input[name$="-title"]').input_value() for i in range(3)]
    assert moved == [titles[2], titles[0], titles[1]]
    assert [rows.nth(i).locator('input[name$="-order"]').input_value() for i in range(3)] == ["1", "2", "3"]
    page.locator("#steps-group tbody tr.form-row").nth(0).get_by_label("Move down").click()
    assert rows.nth(1).locator('input[name$="-title"]').input_value() == titles[2]


def test_an_instructor_writes_self_tests_and_publishes_a_lesson_that_learners_then_see(
        page: Page, browser: Browser, podium_url: str, instructor: tuple[str, str],
        screenshot: Callable[[str], Path]) -> None:
    refused = watch_assets(page)
    sign_in(page, podium_url, instructor)

    # the lesson: a title (the slug follows), setup manifests in the YAML editor, one step by title
    page.goto(podium_url + "/admin/tutorial/lesson/add/")
    page.locator("#id_title").press_sequentially("Delete a pod")  # typed: the slug follows as you type
    assert page.input_value("#id_slug") == "delete-a-pod"
    type_into_editor(page, "setup", SETUP_WITH_A_TYPO)
    status = page.locator('.pd-editor[data-for="setup"] + .pd-editor-status')
    status.locator("text=line 12: spec.containers[0].ports[0].containerPort").wait_for()
    assert status.get_attribute("data-state") == "error"
    page.wait_for_selector('.pd-editor[data-for="setup"] .cm-lintRange-error')  # underlined at its line
    screenshot("authoring-setup-error")
    type_into_editor(page, "setup", SETUP)
    page.wait_for_selector('.pd-editor[data-for="setup"] + .pd-editor-status[data-state="ok"]')
    page.click("#steps-group .add-row a")
    page.fill('input[name="steps-0-title"]', "Delete the pod")
    page.click('input[name="_continue"]')
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".pd-status-draft").first.is_visible()

    # the step: its text with a live preview, its solution as a move, one check through its kind's form
    page.click("a.pd-open-step")
    page.fill("#id_body", BODY)
    page.wait_for_selector(".pd-md-preview .snippet-run button.action")
    assert page.locator(".pd-md-preview strong").inner_text() == "Delete it"
    page.select_option('select[name="solution-0-move"]', "run")
    assert not page.locator('textarea[name="solution-0-apply"]').locator("..").is_visible()
    page.fill('input[name="solution-0-run"]', "kubectl delete pod web")
    page.click("#checks-group .add-row a")
    page.locator('input[name="checks-0-title"]').press_sequentially("The pod web is gone")
    assert page.input_value('input[name="checks-0-check_id"]') == "the-pod-web-is-gone"
    page.select_option('select[name="checks-0-kind"]', "object_absent")
    params = page.locator('#checks-0 .pd-params-kind[data-kind="object_absent"]')
    assert params.is_visible() and page.locator("#checks-0 .pd-params-kind:visible").count() == 1
    params.locator('select[name="checks-0-object_absent-kind"]').select_option("Pod")
    screenshot("authoring-step")
    page.click('input[name="_save"]')  # back to the lesson

    # a parameter left out is refused beside its field; then the self-test, and publishing
    page.wait_for_selector(".errornote")
    assert params.locator(".pd-param.errors").inner_text().startswith("This field is required.")
    params.locator('input[name="checks-0-object_absent-name"]').fill("web")
    page.click('input[name="_save"]')
    page.wait_for_selector(".messagelist .success")
    page.click("a.pd-selftest-link")
    page.wait_for_selector('.pd-report[data-ok="true"]')
    assert "afterwards the-pod-web-is-gone passes" in page.inner_text(".pd-report")
    screenshot("authoring-self-test")
    page.click("#publish-button")
    page.wait_for_selector("text=published — learners see it now")

    learner = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        home = learner.new_page()
        home.goto(podium_url + "/")
        card = home.locator('[data-lesson="delete-a-pod"]')
        assert card.locator("h2").inner_text() == "Delete a pod"
        card.locator("h2 a").click()
        home.wait_for_selector("#connection-state[data-state=live]")
        assert "Delete it" in home.inner_text(".pd-guide")
        home.screenshot(path=str(ARTIFACTS / "authoring-learner.png"))
    finally:
        learner.close()
    assert refused == []
