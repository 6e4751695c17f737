"""Lessons, their steps and checks, and each learner's progress through them."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cluster.sim.controllers.kubelet.stages import override_problems
from cluster.sim.manifests.loader import ManifestError, check_type_meta, load_manifests, resolve_kind
from cluster.sim.settings import LESSON_SETTINGS, Settings
from tutorial.checks import REGISTRY, validate_params

# Cluster settings a lesson may choose, with the JSON types the engine's Settings fields take.
CLUSTER_SETTINGS = Settings.json_types(LESSON_SETTINGS)
ACTION_KINDS = ("load", "run")


class Lesson(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="one or two sentences for the lesson list (Markdown)")
    order = models.PositiveIntegerField(default=100)
    published = models.BooleanField(default=False, help_text="learners see published lessons only; a lesson is "
                                                             "published once its self-test passes")
    builtin = models.BooleanField(default=False, editable=False,
                                  help_text="shipped with Podium; import_lessons keeps it in step with its files")
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    settings = models.JSONField(default=dict, blank=True,
                                help_text='cluster settings, e.g. {"seed": 7, "service_cidr": "10.68.0.0/16", '
                                          '"workers": 2, "time_scale": 1.0}')
    setup = models.TextField(blank=True, help_text="manifests applied when a learner's sandbox is created or reset")
    setup_commands = models.JSONField(default=list, blank=True,
                                      help_text='kubectl lines run after the setup manifests, e.g. '
                                                '["scale deployment nginx --replicas=3"]')
    setup_age = models.PositiveIntegerField(default=120, help_text="seconds the setup has been running when the "
                                                                   "learner arrives")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lesson", args=[self.slug])

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        setting_errors = validate_cluster_settings(self.settings)
        if setting_errors:
            errors["settings"] = setting_errors
        if self.setup.strip():
            problem = manifest_problem(self.setup)
            if problem:
                errors["setup"] = [problem]
        if not isinstance(self.setup_commands, list) or not all(isinstance(c, str) for c in self.setup_commands):
            errors["setup_commands"] = ["a list of kubectl lines (strings)"]
        if errors:
            raise ValidationError(errors)

    def checks(self) -> list[Check]:
        return [check for step in self.steps.all() for check in step.checks.all()]


class Step(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown; ```run and ```load code blocks become buttons")
    starter = models.TextField(blank=True, help_text="a manifest the step offers to load into the editor")
    actions = models.JSONField(default=list, blank=True,
                               help_text='buttons: [{"label": "Show the pods", "kind": "run", '
                                         '"payload": "get pods -o wide"}]; kind is "load" or "run"')
    hints = models.JSONField(default=list, blank=True, help_text="hints shown one at a time, as a list of strings")
    solution = models.JSONField(default=list, blank=True,
                                help_text='the reference solution: [{"apply": "<yaml>"}, {"run": "delete pod -l '
                                          'run=httpd"}, {"wait": 30}]')

    class Meta:
        ordering = ["lesson", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["lesson", "order"], name="unique_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        action_errors = validate_actions(self.actions)
        if action_errors:
            errors["actions"] = action_errors
        if not isinstance(self.hints, list) or not all(isinstance(h, str) for h in self.hints):
            errors["hints"] = ["a list of strings"]
        solution_errors = validate_solution(self.solution)
        if solution_errors:
            errors["solution"] = solution_errors
        if self.starter.strip():
            problem = manifest_problem(self.starter, allow_removed=True)
            if problem:
                errors["starter"] = [problem]
        if errors:
            raise ValidationError(errors)


class Check(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="checks")
    order = models.PositiveIntegerField(default=1)
    check_id = models.SlugField(max_length=80, help_text="stable id, unique within the lesson")
    title = models.CharField(max_length=200, help_text="what the learner achieves, e.g. “httpd-svc has 2 endpoints”")
    kind = models.CharField(max_length=40, help_text="a check from the registry (tutorial/checks.py)")
    params = models.JSONField(default=dict, blank=True)
    hint = models.TextField(blank=True, help_text="shown while the check fails")

    class Meta:
        ordering = ["step", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["step", "check_id"], name="unique_check_per_step")]

    def __str__(self) -> str:
        return self.check_id

    def clean(self) -> None:
        if self.kind not in REGISTRY:
            raise ValidationError({"kind": f"unknown check {self.kind!r}; choose one of: "
                                           f"{', '.join(sorted(REGISTRY))}"})
        problems = validate_params(self.kind, self.params)
        if problems:
            raise ValidationError({"params": problems})
        if self.step_id is not None:
            clash = Check.objects.filter(step__lesson_id=self.step.lesson_id, check_id=self.check_id)
            if clash.exclude(pk=self.pk).exclude(step_id=self.step_id).exists():
                raise ValidationError({"check_id": f"another step of this lesson already has a check "
                                                   f"{self.check_id!r}"})


class Progress(models.Model):
    """One learner in one lesson: their sandbox, the step they reached and the checks they have passed."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="lesson_progress")
    sandbox = models.OneToOneField("cluster.Sandbox", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="progress")
    step_reached = models.PositiveIntegerField(default=1)
    passed = models.JSONField(default=list, blank=True, help_text="ids of the checks passed at least once")
    completed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "progress"
        constraints = [
            models.UniqueConstraint(fields=["lesson", "user"], condition=models.Q(user__isnull=False),
                                    name="one_progress_per_user"),
            models.UniqueConstraint(fields=["lesson", "session_key"], condition=models.Q(user__isnull=True),
                                    name="one_progress_per_guest"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.lesson.slug}"

    @property
    def learner(self) -> str:
        """A user's name, or for a guest a label derived from the session key that does not reveal it (a
        session key is all it takes to act as that learner)."""
        if self.user_id:
            return str(self.user.get_username())
        return f"guest {hashlib.sha256(self.session_key.encode()).hexdigest()[:8]}"


# ---- validation shared by the admin and the lesson pack loader -----------------------------------------


def validate_cluster_settings(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return ["a JSON object of cluster settings"]
    problems = []
    for key, item in value.items():
        expected = CLUSTER_SETTINGS.get(key)
        if expected is None:
            problems.append(f"unknown setting {key!r}; known: {', '.join(sorted(CLUSTER_SETTINGS))}")
        elif isinstance(item, bool) or not isinstance(item, expected):
            problems.append(f"{key}: wrong type {type(item).__name__}")
    if isinstance(value.get("stages"), dict):
        problems += override_problems(value["stages"])
    cidr = value.get("service_cidr")
    if isinstance(cidr, str):
        try:
            ipaddress.ip_network(cidr)
        except ValueError as err:
            problems.append(f"service_cidr: {err}")
    return problems


def validate_actions(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["a list of {label, kind, payload} objects"]
    problems = []
    for i, action in enumerate(value):
        if not isinstance(action, dict) or set(action) - {"label", "kind", "payload"}:
            problems.append(f"action {i + 1}: needs exactly label, kind and payload")
            continue
        if action.get("kind") not in ACTION_KINDS:
            problems.append(f"action {i + 1}: kind must be \"load\" or \"run\", not {action.get('kind')!r}")
        if not isinstance(action.get("label"), str) or not action.get("label"):
            problems.append(f"action {i + 1}: label must be a non-empty string")
        if not isinstance(action.get("payload"), str) or not action.get("payload"):
            problems.append(f"action {i + 1}: payload must be a non-empty string")
    return problems


def _is_wait(key: str, item: Any) -> bool:
    return key == "wait" and isinstance(item, int | float) and not isinstance(item, bool) and 0 <= item <= 3600


def _is_traffic(key: str, item: Any) -> bool:
    return (key == "traffic" and isinstance(item, dict) and isinstance(item.get("from"), str)
            and isinstance(item.get("url"), str) and set(item) <= {"from", "url", "count"})


def validate_solution(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ['a list of moves: {"apply": "<yaml>"}, {"run": "<kubectl line>"}, {"wait": <seconds>} or '
                '{"traffic": {"from": "outside", "url": "http://{service:NAME}:PORT/"}}']
    problems = []
    for i, move in enumerate(value):
        if not isinstance(move, dict) or len(move) != 1:
            problems.append(f"move {i + 1}: one of apply, run, wait or traffic")
            continue
        (key, item), = move.items()
        if key in ("apply", "run") and isinstance(item, str) and item.strip():
            if key == "apply":
                problem = manifest_problem(item)
                if problem:
                    problems.append(f"move {i + 1}: {problem}")
        elif not (_is_wait(key, item) or _is_traffic(key, item)):
            problems.append(f"move {i + 1}: {key!r} needs a manifest, a kubectl line, 0–3600 seconds, or "
                            "{from, url[, count]} for traffic")
    return problems


def manifest_problem(text: str, *, allow_removed: bool = False) -> str:
    """Why a manifest text cannot be applied as it stands ('' when it reads fine)."""
    try:
        for doc in load_manifests(text):
            check_type_meta(doc)
            if not allow_removed:
                resolve_kind(doc)
    except ManifestError as err:
        return f"line {err.line}: {err.message}" if err.line else err.message
    return ""

