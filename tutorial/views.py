"""Pages of the learning side: the lesson list, a lesson with its sandbox, and the class overview."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from tutorial import services
from tutorial.check_forms import describe_params
from tutorial.markdown import render as markdown
from tutorial.models import Check, Lesson, Progress, Step


def visible_lessons(request: HttpRequest) -> Any:
    """Staff see every lesson; learners only published ones, and never one without steps."""
    lessons = Lesson.objects.all()
    if request.user.is_staff:
        return lessons
    return lessons.filter(Exists(Step.objects.filter(lesson=OuterRef("pk"))), published=True)


def home(request: HttpRequest) -> HttpResponse:
    progress = services.progress_by_lesson(request)
    lessons = visible_lessons(request).annotate(check_count=Count("steps__checks"))
    rows = []
    for lesson in lessons:
        mine = progress.get(lesson.pk)
        done = len(mine.passed) if mine else 0
        rows.append({"lesson": lesson, "summary": markdown(lesson.summary), "progress": mine, "done": done,
                     "percent": round(100 * done / lesson.check_count) if lesson.check_count else 0})
    return render(request, "home.html", {"rows": rows})


def favicon(request: HttpRequest) -> FileResponse:
    """The site icon at the address browsers ask for by themselves."""
    response = FileResponse((settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def lesson_page(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(visible_lessons(request), slug=slug)
    if not lesson.steps.exists():  # only staff get here: a draft still being written
        messages.info(request, "This lesson has no steps yet: add one in the admin, then open it with a sandbox.")
        return redirect("lesson-preview", slug=lesson.slug)
    try:
        sandbox = services.sandbox_for(request, lesson)
    except services.TooManySandboxes as refused:
        response = render(request, "too_many.html", {"message": refused.refusal.message}, status=429)
        response["Retry-After"] = str(refused.refusal.retry_after)
        return response
    results = {r["id"]: r for r in services.checks_now(sandbox)}
    progress = Progress.objects.get(sandbox=sandbox)
    steps = lesson.steps.prefetch_related(Prefetch("checks", queryset=Check.objects.order_by("order", "pk")))
    return render(request, "tutorial/lesson.html", {
        "lesson": lesson,
        "steps": [step_context(step, results, progress) for step in steps],
        "progress": progress,
        "sandbox_name": sandbox.name,
        "ws_url": f"/ws/sandbox/{sandbox.name}/",
        "storage_key": f"{sandbox.name}:{lesson.slug}",
        "kubeconfig_url": kubeconfig_url(sandbox.name),
        "lessons": visible_lessons(request).only("slug", "title"),
    })


def step_context(step: Step, results: dict[str, dict[str, Any]], progress: Progress) -> dict[str, Any]:
    checks = []
    for check in step.checks.all():
        result = results.get(check.check_id, {})
        checks.append({"id": check.check_id, "title": check.title, "passed": bool(result.get("passed")),
                       "done": check.check_id in progress.passed, "hint": result.get("hint", check.hint)})
    return {
        "step": step,
        "body": markdown(step.body),
        "actions": step.actions,
        "checks": checks,
        "current": step.order == progress.step_reached,
        "complete": bool(checks) and all(c["done"] for c in checks),
    }


def kubeconfig_url(name: str) -> str | None:
    """The kubeconfig download, when the Kubernetes API for sandboxes is installed."""
    try:
        return reverse("kubeconfig-download", args=[name])
    except NoReverseMatch:
        return None


@require_POST
def start_over(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(visible_lessons(request), slug=slug)
    services.start_over(request, lesson)
    return redirect(lesson)


@staff_member_required
def classroom(request: HttpRequest) -> HttpResponse:
    """Every learner's sandbox and progress, lesson by lesson, and what each is working on, for the instructor."""
    return render(request, "tutorial/classroom.html", {"overview": services.class_overview()})


def lesson_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff preview of a lesson's text (no sandbox), linked from the admin."""
    if not request.user.is_staff:
        raise Http404
    lesson = get_object_or_404(Lesson, slug=slug)
    steps = lesson.steps.prefetch_related("checks")
    return render(request, "tutorial/preview.html", {
        "lesson": lesson,
        "steps": [{"step": s, "body": markdown(s.body), "actions": s.actions,
                   "checks": [{"check": c, "params": describe_params(c.kind, c.params)} for c in s.checks.all()]}
                  for s in steps],
    })
