"""Lesson authoring in the Django admin: steps and checks inline, a preview link, checked check definitions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from tutorial.checks import REGISTRY
from tutorial.models import Check, Lesson, Progress, Step

JSON_WIDGET = forms.Textarea(attrs={"rows": 3, "cols": 60, "style": "font-family: monospace"})
CODE_WIDGET = forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"})


def check_kind_choices() -> list[tuple[str, str]]:
    return [(kind.id, f"{kind.id} — {kind.summary}") for kind in sorted(REGISTRY.values(), key=lambda k: k.id)]


def check_reference() -> str:
    """Help text listing every check and its parameters."""
    return format_html_join(
        "", "<p><code>{}</code> — {}<br><small>{}</small></p>",
        ((kind.id, kind.summary, ", ".join(f"{p.name}{'' if p.required else '?'}: {p.help or p.type}"
                                          for p in kind.params))
         for kind in sorted(REGISTRY.values(), key=lambda k: k.id)))


class CheckForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=check_kind_choices)

    class Meta:
        model = Check
        fields = ["order", "check_id", "title", "kind", "params", "hint"]
        widgets = {"params": JSON_WIDGET, "hint": forms.Textarea(attrs={"rows": 2, "cols": 50})}


class CheckInline(admin.StackedInline):
    model = Check
    form = CheckForm
    extra = 0
    classes = ["collapse"]


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["order", "title", "body", "starter", "actions", "hints", "solution"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "cols": 80}), "starter": CODE_WIDGET,
                   "actions": JSON_WIDGET, "hints": JSON_WIDGET, "solution": CODE_WIDGET}


class StepInline(admin.StackedInline):
    model = Step
    form = StepForm
    extra = 0
    show_change_link = True
    fields = ["order", "title", "body", "starter", "actions", "hints", "solution"]


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["slug", "title", "summary", "order", "published", "settings", "setup", "setup_commands",
                  "setup_age"]
        widgets = {"settings": JSON_WIDGET, "setup": CODE_WIDGET, "setup_commands": JSON_WIDGET,
                   "summary": forms.Textarea(attrs={"rows": 2, "cols": 80})}


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    inlines = [StepInline]
    list_display = ["title", "slug", "order", "published", "builtin", "step_count", "learners", "links"]
    list_editable = ["order", "published"]
    list_filter = ["published", "builtin"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["builtin"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_steps=Count("steps", distinct=True),
                                                      n_learners=Count("progress", distinct=True))

    @admin.display(description="steps")
    def step_count(self, lesson: Lesson) -> int:
        return getattr(lesson, "n_steps", 0)

    @admin.display(description="learners")
    def learners(self, lesson: Lesson) -> int:
        return getattr(lesson, "n_learners", 0)

    @admin.display(description="")
    def links(self, lesson: Lesson) -> str:
        return format_html('<a href="{}" target="_blank">preview</a> · <a href="{}" target="_blank">open</a>',
                           reverse("lesson-preview", args=[lesson.slug]), lesson.get_absolute_url())

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        if change and obj.builtin and form.has_changed():
            obj.builtin = False
            messages.info(request, "This built-in lesson is now yours: load_lessons will no longer update it.")
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change and form.instance.builtin and any(fs.has_changed() for fs in formsets):
            form.instance.builtin = False
            form.instance.save(update_fields=["builtin"])
            messages.info(request, "This built-in lesson is now yours: load_lessons will no longer update it.")
        super().save_related(request, form, formsets, change)


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    form = StepForm
    inlines = [CheckInline]
    list_display = ["__str__", "lesson", "check_count"]
    list_filter = ["lesson"]
    list_select_related = ["lesson"]
    fields = ["lesson", "order", "title", "body", "starter", "actions", "hints", "solution", "preview"]
    readonly_fields = ["preview"]

    def get_form(self, request: HttpRequest, obj: Step | None = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["fields"] = [f for f in self.fields if f != "preview"]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="checks")
    def check_count(self, step: Step) -> int:
        return step.checks.count()

    @admin.display(description="preview")
    def preview(self, step: Step) -> str:
        if not step.pk:
            return "save the step to preview it"
        return format_html('<a href="{}#step-{}" target="_blank">preview this step</a>'
                           "<details><summary>Checks you can use</summary>{}</details>",
                           reverse("lesson-preview", args=[step.lesson.slug]), step.order, check_reference())

    def save_model(self, request: HttpRequest, obj: Step, form: Any, change: bool) -> None:
        if obj.lesson.builtin:
            Lesson.objects.filter(pk=obj.lesson_id).update(builtin=False)
            messages.info(request, "This built-in lesson is now yours: load_lessons will no longer update it.")
        super().save_model(request, obj, form, change)


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["learner", "lesson", "step_reached", "checks_passed", "sandbox", "completed_at", "updated_at"]
    list_filter = ["lesson", "completed_at"]
    list_select_related = ["lesson", "user", "sandbox"]
    readonly_fields = ["lesson", "session_key", "user", "sandbox", "passed", "started_at", "updated_at"]

    @admin.display(description="checks passed")
    def checks_passed(self, progress: Progress) -> int:
        return len(progress.passed)
