"""Lesson authoring in the Django admin.

A lesson's page holds its cluster settings, its setup manifests (in the YAML editor) and its steps, ordered by
dragging; a step's page holds its Markdown text with a live preview, its starter manifest, buttons, hints, the
reference solution as moves, and its checks, each with a form for its kind's parameters. A lesson is a draft
until it is published, and it can only be published while its self-test passes.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from cluster.sim.settings import Settings
from tutorial.check_forms import ParamsForm, params_form
from tutorial.checks import REGISTRY
from tutorial.markdown import render as render_markdown
from tutorial.models import Check, Lesson, Progress, Step, manifest_problem
from tutorial.packs import lesson_data
from tutorial.selftest import Report, self_test
from tutorial.widgets import MarkdownEditor, YamlEditor, actions_field, hints_field, solution_field

YOURS_NOW = "This built-in lesson is now yours: importing the built-in pack will no longer update it."
MAX_MANIFEST_BYTES = 256 * 1024
ORDER_SHIFT = 1_000_000  # steps step aside to this far while their order numbers are rewritten


class AuthoringMedia:
    css = {"all": ["dist/podium-admin.css"]}
    js = ["dist/podium-admin.js"]


def check_kind_choices() -> list[tuple[str, str]]:
    return [("", "— choose what to check —")] + [
        (kind.id, f"{kind.id} — {kind.summary}") for kind in sorted(REGISTRY.values(), key=lambda k: k.id)]


# ---- checks, with a form per kind ---------------------------------------------------------------------------


class CheckParamsWidget(forms.Widget):
    """Every kind's parameter form; the admin bundle shows the one the kind select names."""

    template_name = "tutorial/widgets/check_params.html"
    param_forms: dict[str, ParamsForm]

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kind_field"] = name.removesuffix("params") + "kind"
        context["widget"]["kinds"] = [{"kind": REGISTRY[kind], "form": form}
                                      for kind, form in getattr(self, "param_forms", {}).items()]
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> None:
        return None  # each kind's form reads its own inputs

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class CheckParamsField(forms.Field):
    widget = CheckParamsWidget

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, label="Parameters", **kwargs)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False  # CheckForm.has_changed asks the chosen kind's form


class CheckForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=check_kind_choices, label="Check")
    params = CheckParamsField()

    class Meta:
        model = Check
        fields = ["order", "title", "check_id", "kind", "params", "hint"]
        labels = {"check_id": "Id"}
        widgets = {"hint": forms.Textarea(attrs={"rows": 2, "cols": 60}),
                   "title": forms.TextInput(attrs={"size": 70}), "order": forms.HiddenInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.param_forms: dict[str, ParamsForm] = {}
        for kind in sorted(REGISTRY):
            form_class = params_form(kind)
            initial = form_class.initial_for(self.instance.params) if kind == self.instance.kind else {}
            prefix = f"{self.prefix}-{kind}" if self.prefix else kind
            self.param_forms[kind] = form_class(self.data if self.is_bound else None, prefix=prefix,
                                                initial=initial)
        self.fields["params"].widget.param_forms = self.param_forms

    def chosen(self) -> ParamsForm | None:
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else self.instance.kind
        return self.param_forms.get(kind or "")

    def has_changed(self) -> bool:
        chosen = self.chosen()
        return super().has_changed() or bool(chosen and chosen.has_changed())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = self.param_forms.get(cleaned.get("kind", ""))
        if chosen is not None:
            if chosen.is_valid():
                cleaned["params"] = chosen.params()
            else:
                self.add_error("params", f"Some parameters of {chosen.check_kind.id} need fixing; see below.")
        return cleaned


class CheckFormSet(BaseInlineFormSet):
    """A step's checks; with a published lesson, the lesson's self-test must still pass with the changes."""

    def clean(self) -> None:
        super().clean()
        step: Step = self.instance
        if any(form.errors for form in self.forms) or step.lesson_id is None or not step.lesson.published:
            return
        kept = [f.instance for f in self.forms
                if not self._should_delete_form(f) and (f.instance.pk or f.has_changed())]
        checks = sorted(kept, key=lambda c: (c.order, c.pk or 0))
        lesson = step.lesson
        steps = [(step, checks) if s.pk == step.pk else (s, list(s.checks.all())) for s in lesson.steps.all()]
        if step.pk is None:
            steps.append((step, checks))
        refuse_if_failing(lesson, steps, f"“{lesson}” is published")


class CheckInline(admin.StackedInline):
    model = Check
    form = CheckForm
    formset = CheckFormSet
    extra = 0
    prepopulated_fields = {"check_id": ["title"]}
    classes = ["pd-checks", "pd-sortable"]
    verbose_name = "check"
    verbose_name_plural = "checks — what the learner must achieve in this step"


# ---- steps ------------------------------------------------------------------------------------------------


class StepForm(forms.ModelForm):
    actions = actions_field(label="Buttons", help_text="buttons beside the text; ```run and ```load blocks in "
                                                       "the text make buttons too")
    hints = hints_field(help_text="shown one at a time, when the learner asks for a hint")
    solution = solution_field(label="Reference solution", help_text="what a learner does to solve this step; "
                                                                    "the self-test plays it")

    class Meta:
        model = Step
        fields = ["lesson", "order", "title", "body", "starter", "actions", "hints", "solution"]
        labels = {"body": "Text", "starter": "Starter manifest"}
        widgets = {"body": MarkdownEditor(), "starter": YamlEditor("starter"),
                   "title": forms.TextInput(attrs={"size": 70})}
        help_texts = {"body": "Markdown. A ```run block becomes a button that runs its kubectl line in the "
                              "terminal; a ```load block one that loads its manifest into the editor.",
                      "starter": "a manifest the step offers to load into the learner's editor (optional); "
                                 "errors are shown as the learner would get them on Apply"}


class StepRowForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["order", "title"]
        widgets = {"order": forms.NumberInput(attrs={"class": "pd-order", "min": 0, "style": "width: 4em"}),
                   "title": forms.TextInput(attrs={"size": 70})}

    def validate_constraints(self) -> None:
        pass  # the formset checks order numbers across its rows; the database is rewritten in two phases


class StepFormSet(BaseInlineFormSet):
    """A lesson's steps as rows; order numbers may be swapped freely, and a published lesson must still pass."""

    def clean(self) -> None:
        super().clean()
        lesson: Lesson = self.instance
        if any(form.errors for form in self.forms) or not lesson.published:
            return
        kept = [f for f in self.forms if not self._should_delete_form(f) and (f.instance.pk or f.has_changed())]
        steps = sorted(((f.instance, list(f.instance.checks.all()) if f.instance.pk else []) for f in kept),
                       key=lambda pair: (pair[0].order, pair[0].pk or 0))
        refuse_if_failing(lesson, steps, "This lesson cannot be published")

    def save(self, commit: bool = True) -> Any:
        moving = [f.instance.pk for f in self.initial_forms
                  if f.instance.pk and ("order" in f.changed_data or self._should_delete_form(f))]
        if commit and moving:
            Step.objects.filter(pk__in=moving).update(order=F("order") + ORDER_SHIFT)
        return super().save(commit)


class StepInline(admin.TabularInline):
    model = Step
    form = StepRowForm
    formset = StepFormSet
    extra = 0
    fields = ["order", "title", "contents"]
    readonly_fields = ["contents"]
    show_change_link = True
    classes = ["pd-steps", "pd-sortable"]
    verbose_name_plural = "steps — drag to reorder; open a step to write its text, manifests and checks"

    @admin.display(description="holds")
    def contents(self, step: Step) -> str:
        if not step.pk:
            return "save, then open the step to write it"
        checks = step.checks.count()
        parts = [f"{checks} check{'s' if checks != 1 else ''}"]
        parts += [what for what, present in (("starter", step.starter), ("solution", step.solution),
                                             (f"{len(step.hints)} hints", step.hints)) if present]
        return format_html('<a href="{}" class="pd-open-step">Open the step</a> · {}',
                           reverse("admin:tutorial_step_change", args=[step.pk]), " · ".join(parts))


def renumber(lesson: Lesson) -> None:
    """Give the lesson's steps the order numbers 1, 2, 3… in their current order."""
    steps = list(lesson.steps.order_by("order", "pk"))
    if [s.order for s in steps] == list(range(1, len(steps) + 1)):
        return
    lesson.steps.update(order=F("order") + ORDER_SHIFT)
    for number, step in enumerate(steps, start=1):
        Step.objects.filter(pk=step.pk).update(order=number)


def refuse_if_failing(lesson: Lesson, steps: list[tuple[Step, list[Check]]], why: str) -> None:
    """Raise a ValidationError listing the self-test's failures for the lesson as it is about to be saved."""
    report = self_test(lesson_data(lesson, steps))
    if not report.ok:
        problems = report.problems()
        more = [f"… and {len(problems) - 8} more"] if len(problems) > 8 else []
        raise ValidationError([f"{why}: its self-test fails. Fix these, or untick “published” to save it as a "
                               "draft:", *problems[:8], *more])


# ---- lessons ----------------------------------------------------------------------------------------------


class LessonForm(forms.ModelForm):
    seed = forms.IntegerField(min_value=0, required=False, help_text="the same seed gives the same pod names, "
                                                                     f"IPs and routing (default {Settings.seed})")
    workers = forms.IntegerField(min_value=0, max_value=20, required=False,
                                 help_text=f"worker nodes beside the control plane (default {Settings.workers})")
    service_cidr = forms.CharField(required=False, label="Service range",
                                   help_text=f"where ClusterIPs come from (default {Settings.service_cidr})")
    cluster_cidr = forms.CharField(required=False, label="Pod range",
                                   help_text=f"where pod IPs come from (default {Settings.cluster_cidr})")
    time_scale = forms.FloatField(min_value=0.01, required=False,
                                  help_text="multiplies image pulls, probes and start-up times; 0.25 is 4× faster "
                                            "(default 1)")
    proxy_mode = forms.ChoiceField(choices=[("", "— (iptables)"), ("iptables", "iptables"), ("ipvs", "ipvs")],
                                   required=False, label="kube-proxy mode")
    more_settings = forms.CharField(
        required=False, label="More settings", widget=forms.Textarea(attrs={"rows": 3, "cols": 80,
                                                                            "class": "pd-mono"}),
        help_text="YAML for the other cluster settings, e.g. kubelet stage delays "
                  "(stages: {sandbox: {delay: 5}}, the table is in cluster/sim/controllers/kubelet/stages.py) or "
                  "extra images")
    commands = forms.CharField(
        required=False, label="Setup commands", widget=forms.Textarea(attrs={"rows": 3, "cols": 80,
                                                                             "class": "pd-mono"}),
        help_text="kubectl lines run after the setup manifests, one per line, e.g. kubectl scale deployment web "
                  "--replicas=3")
    SETTINGS = ("seed", "workers", "service_cidr", "cluster_cidr", "time_scale", "proxy_mode")

    class Meta:
        model = Lesson
        fields = ["title", "slug", "summary", "order", "published", "setup", "setup_age"]
        labels = {"setup": "Setup manifests", "setup_age": "Setup age (seconds)"}
        widgets = {"setup": YamlEditor("setup", rows=18), "summary": forms.Textarea(attrs={"rows": 2, "cols": 80}),
                   "title": forms.TextInput(attrs={"size": 70})}
        help_texts = {"setup": "applied to every learner's fresh cluster before they arrive (optional)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = self.instance.settings or {}
        for name in self.SETTINGS:
            self.fields[name].initial = settings.get(name)
        self.fields["commands"].initial = "\n".join(self.instance.setup_commands or [])
        more = {k: v for k, v in settings.items() if k not in self.SETTINGS}  # e.g. stages, images
        self.fields["more_settings"].initial = yaml.safe_dump(more, sort_keys=True, allow_unicode=True) \
            if more else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            more = yaml.safe_load(cleaned.get("more_settings") or "") or {}
        except yaml.YAMLError as err:
            self.add_error("more_settings", f"not YAML: {err}")
            more = {}
        if not isinstance(more, dict):
            self.add_error("more_settings", "a mapping of setting names to values, e.g. stages: {...}")
            more = {}
        settings = {k: v for k, v in more.items() if k not in self.SETTINGS}
        for name in self.SETTINGS:
            value = cleaned.get(name)
            if value not in (None, ""):
                settings[name] = value
        self.instance.settings = settings
        self.instance.setup_commands = [line.strip() for line in cleaned.get("commands", "").splitlines()
                                        if line.strip()]
        return cleaned


    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict") and "settings" in errors.error_dict:  # the model's words, shown here
            errors.error_dict["more_settings"] = errors.error_dict.pop("settings")
        super()._update_errors(errors)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    inlines = [StepInline]
    change_form_template = "admin/tutorial/lesson/change_form.html"
    list_display = ["title", "slug", "order", "status", "step_count", "learners", "links"]
    list_filter = ["published", "builtin"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "move_to_draft", "run_self_test"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "order", "published"]}),
        ("The learner's cluster", {"fields": [("seed", "workers"), ("service_cidr", "cluster_cidr"),
                                              ("time_scale", "proxy_mode"), "more_settings", "setup", "commands",
                                              "setup_age"]}),
    ]
    Media = AuthoringMedia

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_steps=Count("steps", distinct=True),
                                                      n_learners=Count("progress", distinct=True))

    @admin.display(description="status", ordering="published")
    def status(self, lesson: Lesson) -> str:
        return format_html('<span class="pd-status pd-status-{}">{}</span>', "published" if lesson.published
                           else "draft", "Published" if lesson.published else "Draft")

    @admin.display(description="steps")
    def step_count(self, lesson: Lesson) -> int:
        return getattr(lesson, "n_steps", 0)

    @admin.display(description="learners")
    def learners(self, lesson: Lesson) -> int:
        return getattr(lesson, "n_learners", 0)

    @admin.display(description="")
    def links(self, lesson: Lesson) -> str:
        return format_html('<a href="{}">self-test</a> · <a href="{}" target="_blank">preview</a> · '
                           '<a href="{}" target="_blank">open</a>',
                           reverse("admin:tutorial_lesson_selftest", args=[lesson.pk]),
                           reverse("lesson-preview", args=[lesson.slug]), lesson.get_absolute_url())

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/selftest/", wrap(self.self_test_view), name="tutorial_lesson_selftest"),
            path("<int:pk>/publish/", wrap(self.publish_view), name="tutorial_lesson_publish"),
            path("validate-manifest/", wrap(validate_manifest), name="tutorial_validate_manifest"),
            path("preview-markdown/", wrap(preview_markdown), name="tutorial_preview_markdown"),
            *super().get_urls(),
        ]

    # ---- saving: built-in lessons become the instructor's, steps keep 1, 2, 3…

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        if change and obj.builtin and form.has_changed():
            obj.builtin = False
            messages.info(request, YOURS_NOW)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change and form.instance.builtin and any(fs.has_changed() for fs in formsets):
            form.instance.builtin = False
            form.instance.save(update_fields=["builtin"])
            messages.info(request, YOURS_NOW)
        super().save_related(request, form, formsets, change)
        renumber(form.instance)

    # ---- self-test and publishing

    def self_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson, pk=pk)
        if not self.has_view_permission(request, lesson):
            raise PermissionDenied
        report = self_test(lesson_data(lesson))
        return TemplateResponse(request, "admin/tutorial/lesson/selftest.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "lesson": lesson, "report": report,
            "title": f"Self-test: {lesson.title}", "can_publish": self.has_change_permission(request, lesson),
        })

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, lesson):
            raise PermissionDenied
        if request.POST.get("draft"):
            self._set_published(request, Lesson.objects.filter(pk=pk), False)
        else:
            self._publish(request, lesson)
        return HttpResponseRedirect(request.POST.get("next") or
                                    reverse("admin:tutorial_lesson_selftest", args=[lesson.pk]))

    def _publish(self, request: HttpRequest, lesson: Lesson) -> Report:
        report = self_test(lesson_data(lesson))
        if report.ok:
            self._set_published(request, Lesson.objects.filter(pk=lesson.pk), True)
        else:
            problems = report.problems()
            messages.error(request, f"“{lesson}” was not published: its self-test fails ({problems[0]}"
                                    f"{f' and {len(problems) - 1} more' if len(problems) > 1 else ''}).")
        return report

    def _set_published(self, request: HttpRequest, lessons: QuerySet[Lesson], published: bool) -> None:
        changed = [lesson for lesson in lessons if lesson.published != published]
        for lesson in changed:
            lesson.published, lesson.builtin = published, False  # an instructor's choice: imports keep it
            lesson.save(update_fields=["published", "builtin", "updated_at"])
            self.log_change(request, lesson, "Published" if published else "Moved back to draft")
        if changed:
            names = ", ".join(f"“{lesson}”" for lesson in changed)
            messages.success(request, f"{names}: {'published — learners see it now' if published else 'now a draft'}.")

    @admin.action(description="Publish (after the self-test passes)")
    def publish(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        for lesson in queryset.filter(published=False):
            self._publish(request, lesson)

    @admin.action(description="Move back to draft (learners no longer see them)")
    def move_to_draft(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        self._set_published(request, queryset, False)

    @admin.action(description="Self-test")
    def run_self_test(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        for lesson in queryset:
            report = self_test(lesson_data(lesson))
            if report.ok:
                messages.success(request, f"“{lesson}”: the self-test passes.")
            else:
                messages.error(request, format_html('“{}”: the self-test fails: {}. <a href="{}">Full report</a>',
                                                    lesson, report.problems()[0],
                                                    reverse("admin:tutorial_lesson_selftest", args=[lesson.pk])))


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    form = StepForm
    inlines = [CheckInline]
    change_form_template = "admin/tutorial/step/change_form.html"
    list_display = ["__str__", "lesson", "check_count"]
    list_filter = ["lesson"]
    list_select_related = ["lesson"]
    fieldsets = [
        (None, {"fields": ["lesson", "order", "title"]}),
        ("What the learner reads", {"fields": ["body"]}),
        ("What the learner can use", {"fields": ["starter", "actions", "hints"]}),
        ("How to solve it", {"fields": ["solution"]}),
    ]
    Media = AuthoringMedia

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # steps are reached from their lesson

    def has_delete_permission(self, request: HttpRequest, obj: Step | None = None) -> bool:
        # a published lesson's steps are deleted on the lesson's page, where the self-test guards it
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.lesson.published)

    @admin.display(description="checks")
    def check_count(self, step: Step) -> int:
        return step.checks.count()

    def save_model(self, request: HttpRequest, obj: Step, form: Any, change: bool) -> None:
        if obj.lesson.builtin:
            Lesson.objects.filter(pk=obj.lesson_id).update(builtin=False)
            messages.info(request, YOURS_NOW)
        super().save_model(request, obj, form, change)

    def _back_to_lesson(self, request: HttpRequest, obj: Step, response: HttpResponse) -> HttpResponse:
        if "_continue" in request.POST or "_addanother" in request.POST or "_popup" in request.POST:
            return response
        return HttpResponseRedirect(reverse("admin:tutorial_lesson_change", args=[obj.lesson_id]))

    def response_change(self, request: HttpRequest, obj: Step) -> HttpResponse:
        return self._back_to_lesson(request, obj, super().response_change(request, obj))

    def response_add(self, request: HttpRequest, obj: Step, post_url_continue: str | None = None) -> HttpResponse:
        return self._back_to_lesson(request, obj, super().response_add(request, obj, post_url_continue))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if "lesson" in initial and "order" not in initial:
            last = Step.objects.filter(lesson_id=initial["lesson"]).order_by("-order").first()
            initial["order"] = (last.order + 1) if last else 1
        return initial


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["learner", "lesson", "step_reached", "checks_passed", "sandbox", "completed_at", "updated_at"]
    list_filter = ["lesson", "completed_at"]
    list_select_related = ["lesson", "user", "sandbox"]
    # never the guest's session key: whoever has it can act as that learner (and their sandbox's owner)
    exclude = ["session_key"]
    readonly_fields = ["learner", "lesson", "user", "sandbox", "passed", "started_at", "updated_at"]

    @admin.display(description="checks passed")
    def checks_passed(self, progress: Progress) -> int:
        return len(progress.passed)


# ---- the editors' helpers: manifest validation and Markdown preview -----------------------------------------


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ValidationError("a JSON object")
    return body


@require_POST
def validate_manifest(request: HttpRequest) -> JsonResponse:
    """The errors a manifest gets, each at its line: what saving refuses, and what the learner's Apply answers.

    `role` says what the manifest is: `setup` is applied to an empty cluster; `starter` and `apply` (a
    solution move) to the lesson's cluster after its setup. A starter may be refused on purpose (a lesson can
    start from an old manifest), so its Apply errors come back as warnings.
    """
    from cluster.sim import kubectl
    from tutorial.lessons import build_cluster

    try:
        body = _json_body(request)
    except ValidationError:
        return JsonResponse({"error": "send a JSON object: {text, role, lesson}"}, status=400)
    text, role = str(body.get("text", "")), body.get("role", "apply")
    if role not in ("setup", "starter", "apply"):
        return JsonResponse({"error": "role is setup, starter or apply"}, status=400)
    if len(text.encode()) > MAX_MANIFEST_BYTES:
        return JsonResponse({"errors": [{"line": 1, "message": "the manifest is over 256 KiB",
                                         "severity": "error"}]})
    if not text.strip():
        return JsonResponse({"errors": [], "output": ""})
    problem = manifest_problem(text, allow_removed=role == "starter")
    lesson = Lesson.objects.filter(pk=body.get("lesson") or 0).first() if str(body.get("lesson", "")).isdigit() \
        else None
    context: dict[str, Any] = {"settings": lesson.settings if lesson else {}, "setup_age": 0,
                               "setup": lesson.setup if lesson and role != "setup" else "",
                               "setup_commands": lesson.setup_commands if lesson and role != "setup" else []}
    try:
        cluster = build_cluster(context, 0.0)
    except Exception:  # a broken setup: check the manifest against an empty cluster instead
        cluster = build_cluster({"settings": context["settings"], "setup_age": 0}, 0.0)
    result = kubectl.run(cluster, ["apply", "-f", "-"], stdin=text)
    severity = "warning" if role == "starter" and not problem else "error"
    errors = [{"line": e.get("line") or 1, "message": e["message"], "severity": severity} for e in result.errors]
    if result.exit_code and not errors:
        errors = [{"line": 1, "message": result.stderr.strip().removeprefix("error: "), "severity": severity}]
    return JsonResponse({"errors": errors, "output": result.stdout, "hint": result.hint or ""})


@require_POST
def preview_markdown(request: HttpRequest) -> JsonResponse:
    """A step's Markdown as the learner will see it (the same markdown-it-py + nh3 pipeline as the lesson page)."""
    try:
        body = _json_body(request)
    except ValidationError:
        return JsonResponse({"error": "send a JSON object: {text}"}, status=400)
    return JsonResponse({"html": render_markdown(str(body.get("text", ""))[:200_000])})

