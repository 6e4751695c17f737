"""One sandbox per learner per lesson: who the learner is, their sandbox, its reset, and their progress."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.utils import timezone

from cluster import limits, runtime
from cluster.models import Sandbox
from cluster.sim.cluster import Cluster
from tutorial.checks import evaluate
from tutorial.lessons import build_cluster, cluster_settings
from tutorial.models import Check, Lesson, Progress

# The session keys this browser has had: logging in rotates the key, and the guest's work must follow.
SESSION_KEYS = "podium.session_keys"
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class Learner:
    session_key: str
    user: Any = None  # a user when logged in


def learner_for(request: HttpRequest) -> Learner:
    """The learner behind a request: the logged-in user, else the browser session (created if needed)."""
    session = request.session
    if not session.session_key:
        session.save()
    key = str(session.session_key)
    known = session.get(SESSION_KEYS, [])
    if key not in known:
        session[SESSION_KEYS] = [*known, key][-10:]
    user = request.user if request.user.is_authenticated else None
    return Learner(key, user)


def progress_for(learner: Learner, lesson: Lesson) -> Progress | None:
    if learner.user is not None:
        return Progress.objects.filter(lesson=lesson, user=learner.user).select_related("sandbox").first()
    return Progress.objects.filter(lesson=lesson, user=None, session_key=learner.session_key) \
        .select_related("sandbox").first()


def progress_by_lesson(request: HttpRequest) -> dict[int, Progress]:
    """This learner's progress in every lesson, without creating a session for a first-time visitor."""
    if request.user.is_authenticated:
        rows = Progress.objects.filter(user=request.user)
    elif request.session.session_key:
        rows = Progress.objects.filter(user=None, session_key=request.session.session_key)
    else:
        return {}
    return {row.lesson_id: row for row in rows}


class TooManySandboxes(Exception):
    """This address opened more new sandboxes than cluster/limits.py allows; the page says when to come back."""

    def __init__(self, refusal: limits.Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def sandbox_for(request: HttpRequest, lesson: Lesson) -> Sandbox:
    """The learner's sandbox for this lesson, created with the lesson's setup the first time."""
    learner = learner_for(request)
    progress = progress_for(learner, lesson)
    if progress is None:
        try:
            with transaction.atomic():
                progress = Progress.objects.create(lesson=lesson, user=learner.user,
                                                   session_key=learner.session_key)
        except IntegrityError:  # the same browser opened the lesson twice at once
            progress = progress_for(learner, lesson)
            assert progress is not None
    if progress.sandbox is not None:
        return progress.sandbox
    refused = limits.hit("address-sandboxes", request.META.get("REMOTE_ADDR", ""))
    if refused is not None:
        raise TooManySandboxes(refused)
    with transaction.atomic():
        locked = Progress.objects.select_for_update().get(pk=progress.pk)
        if locked.sandbox_id is not None:
            return Sandbox.objects.get(pk=locked.sandbox_id)
        row = runtime.create_sandbox(new_sandbox_name(lesson), settings=cluster_settings(lesson),
                                     owner_session=learner.session_key, owner_user=learner.user)
        locked.sandbox = row
        locked.save(update_fields=["sandbox", "updated_at"])
    rebuild(row.name, lesson)
    row.refresh_from_db()
    return row


def new_sandbox_name(lesson: Lesson) -> str:
    suffix = "".join(secrets.choice(NAME_ALPHABET) for _ in range(6))
    return f"l-{lesson.slug[:60].rstrip('-')}-{suffix}"


def rebuild(name: str, lesson: Lesson) -> runtime.Outcome:
    """Replace the sandbox's cluster with the lesson's starting state (the feed restarts)."""
    return runtime.act(name, lambda cluster: None, replace=lambda old: build_cluster(lesson, old.now))


def lesson_of(name: str) -> Lesson | None:
    progress = Progress.objects.filter(sandbox__name=name).select_related("lesson").first()
    return progress.lesson if progress else None


def reset_for_sandbox(name: str) -> runtime.Outcome:
    """Reset a sandbox: back to its lesson's starting state, or to an empty cluster outside lessons."""
    return runtime.act(name, lambda cluster: None, replace=lambda old: starting_cluster(name, old))


def start_over(request: HttpRequest, lesson: Lesson) -> Sandbox:
    """Reset the learner's sandbox for this lesson and forget their progress in it."""
    row = sandbox_for(request, lesson)
    rebuild(row.name, lesson)
    Progress.objects.filter(sandbox=row).update(passed=[], step_reached=1, completed_at=None,
                                                updated_at=timezone.now())
    return row


# ---- progress ---------------------------------------------------------------------------------------------


def lesson_checks(lesson: Lesson) -> list[Check]:
    return list(Check.objects.filter(step__lesson=lesson).select_related("step").order_by("step__order", "order"))


def step_reached(checks: list[Check], done: set[str], steps: int) -> int:
    """The first step with a check not yet passed; the last step once every check has passed."""
    for check in checks:
        if check.check_id not in done:
            return check.step.order
    return steps


def record_progress(name: str, cluster: Cluster) -> list[dict[str, Any]] | None:
    """Evaluate the checks of the sandbox's lesson and remember every check passed at least once."""
    progress = Progress.objects.filter(sandbox__name=name).select_related("lesson") \
        .annotate(step_count=Count("lesson__steps")).first()
    if progress is None:
        return None
    checks = lesson_checks(progress.lesson)
    results = evaluate(checks, cluster)
    done = set(progress.passed) | {r["id"] for r in results if r["passed"]}
    for check, result in zip(checks, results, strict=True):
        result["step"] = check.step.order
        result["done"] = check.check_id in done
    passed = [c.check_id for c in checks if c.check_id in done]
    reached = step_reached(checks, done, progress.step_count)
    finished = bool(checks) and len(passed) == len(checks)
    if passed != progress.passed or reached != progress.step_reached or finished != bool(progress.completed_at):
        with runtime.writing():
            Progress.objects.filter(pk=progress.pk).update(
                passed=passed, step_reached=reached, completed_at=(progress.completed_at or timezone.now())
                if finished else None, updated_at=timezone.now())
    return results


def checks_now(row: Sandbox) -> list[dict[str, Any]]:
    """The lesson's checks against the sandbox as it is now (loaded and advanced, not saved); none when it cannot
    load (the page's socket says why, and Reset starts it over)."""
    try:
        return runtime.read(row.name, lambda cluster: record_progress(row.name, cluster)) or []
    except runtime.SandboxBroken:
        return []


def starting_cluster(name: str, old: Cluster) -> Cluster:
    """What a reset starts the sandbox over with: its lesson's starting state, or a fresh cluster."""
    lesson = lesson_of(name)
    if lesson is None:
        return Cluster.create(old.settings, now=old.now)
    return build_cluster(lesson, old.now)


# ---- logging in keeps the guest's work ------------------------------------------------------------------------


def keep_guest_work(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging in keeps the sandboxes and progress the browser made as a guest (on user_logged_in)."""
    if request is not None:
        adopt_guest_work(request, user)


@transaction.atomic
def adopt_guest_work(request: HttpRequest, user: Any) -> None:
    """Give the user the sandboxes and progress this browser made as a guest (login rotates the session key)."""
    keys = list(request.session.get(SESSION_KEYS, []))
    current = request.session.session_key or ""
    keys = [k for k in {*keys, current} if k]
    for guest in Progress.objects.filter(user=None, session_key__in=keys).select_related("sandbox"):
        mine = Progress.objects.filter(lesson_id=guest.lesson_id, user=user).first()
        if mine is None:
            guest.user = user
            guest.save(update_fields=["user", "updated_at"])
            continue
        # The user already had this lesson elsewhere: keep the sandbox just worked in, and all checks passed.
        mine.passed = list(dict.fromkeys([*mine.passed, *guest.passed]))
        mine.step_reached = max(mine.step_reached, guest.step_reached)
        old_sandbox = mine.sandbox if guest.sandbox_id else None
        if guest.sandbox_id:
            mine.sandbox = guest.sandbox
            guest.sandbox = None
            guest.save(update_fields=["sandbox"])
        mine.save()
        guest.delete()
        if old_sandbox is not None:
            old_sandbox.delete()
    Sandbox.objects.filter(owner_session__in=keys, owner_user=None).update(owner_user=user, owner_session=current)
    if current and current not in keys:
        request.session[SESSION_KEYS] = [*keys, current][-10:]


def class_overview() -> list[dict[str, Any]]:
    """Every lesson with its learners: how far each got, and the check each is working on now."""
    lessons = Lesson.objects.prefetch_related(
        "steps__checks",
        Prefetch("progress", queryset=Progress.objects.select_related("user", "sandbox").order_by("-updated_at")))
    overview = []
    for lesson in lessons:
        checks = [(step, check) for step in lesson.steps.all() for check in step.checks.all()]
        rows = []
        for progress in lesson.progress.all():
            passed = set(progress.passed)
            working_on = next(((step, check) for step, check in checks if check.check_id not in passed), None)
            rows.append({"progress": progress, "working_on": working_on})
        overview.append({"lesson": lesson, "check_count": len(checks), "rows": rows,
                         "completed": sum(1 for row in rows if row["progress"].completed_at)})
    return overview
