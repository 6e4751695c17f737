"""The kubelet's pod lifecycle as a table of stages (KWOK-style), and a lesson's overrides of it.

A pod moves through the stages one timer at a time. Each stage waits for something (`waits_for`) for `delay`
seconds of cluster time, then its action (a Kubelet method, by name in `Kubelet.actions`) writes the pod's
status and schedules the next stage. The kubelet's delays are scaled by `Settings.time_scale` and get up to
0.3 s of jitter. A stage whose delay is None takes it from the pod: the image's pull time (the images catalog),
the container's command, the probe's periods, the grace period.

A lesson changes delays with one setting, `Settings.stages`, keyed by stage name; back-off stages also take
`max`, the cap their doubling delay stops at:

    {"stages": {"sandbox": {"delay": 5}, "restart": {"delay": 2, "max": 20}}}

Failures themselves come from what the learner applies (an image that does not exist, a command that exits, a
probe that fails, a ConfigMap not yet created); the failure stages here say how long each takes to show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Stage:
    """One step of the pod lifecycle: what it waits for, for how long, and the Kubelet action that runs then."""

    name: str
    waits_for: str
    delay: float | None  # seconds before the action runs; None: the pod decides (see waits_for)
    action: str  # a key of Kubelet.actions
    max: float | None = None  # back-off stages: the delay doubles on each repeat up to this


STAGES: tuple[Stage, ...] = (
    Stage("sandbox", "the pod bound to this node and admitted (Pending, ContainerCreating)", 0.6, "set_up_sandbox"),
    Stage("mount_retry", "a ConfigMap or Secret volume that was missing (FailedMount), before mounting again", 120.0,
          "set_up_sandbox"),
    Stage("pull_failed", "the registry to refuse an image it does not have (ErrImagePull)", 1.5, "fail_pull"),
    Stage("pull_backoff", "the kubelet's next sync after ErrImagePull", 1.0, "back_off_pull"),
    Stage("pull_retry", "the image pull back-off (ImagePullBackOff), doubling up to max", 10.0, "pull_image",
          max=300.0),
    Stage("pulled", "the image pull: the image's pull_seconds in the images catalog", None, "finish_pull"),
    Stage("cached_pull", "the registry to confirm a cached image (imagePullPolicy: Always)", 0.4, "finish_pull"),
    Stage("create", "an image already present on the node", 0.0, "create_container"),
    Stage("config_retry", "a ConfigMap or Secret that env refers to and that was missing (CreateContainerConfigError)",
          20.0, "create_container"),
    Stage("started", "a created container to start", 0.3, "start_container"),
    Stage("probe", "the probe's initialDelaySeconds, then its periodSeconds", None, "probe"),
    Stage("exited", "the container's command to end (what the images catalog says the command does)", None,
          "end_container"),
    Stage("backoff", "the kubelet to notice an exited container", 1.0, "back_off_restart"),
    Stage("restart", "the crash-loop back-off (CrashLoopBackOff), doubling up to max", 10.0, "restart_container",
          max=300.0),
    Stage("stopped", "the containers to stop after SIGTERM, at most the grace period (not scaled)", None,
          "delete_pod"),
)
OVERRIDABLE = ("delay", "max")


class Slot(NamedTuple):
    """Which container a stage is about: `spec.initContainers[1]` is Slot("initContainers", 1)."""

    field: str  # "initContainers" or "containers"
    position: int

    @property
    def init(self) -> bool:
        return self.field == "initContainers"

    @property
    def status_field(self) -> str:
        return "initContainerStatuses" if self.init else "containerStatuses"

    def next(self) -> Slot:
        return Slot(self.field, self.position + 1)


def override_problems(overrides: Any) -> list[str]:
    """What is wrong with a lesson's `stages` setting, in words its author can act on; [] when nothing is."""
    if not isinstance(overrides, dict):
        return ['stages: a JSON object of stage overrides, e.g. {"sandbox": {"delay": 5}}']
    known = {stage.name: stage for stage in STAGES}
    problems = []
    for name, change in overrides.items():
        stage = known.get(name)
        if stage is None:
            problems.append(f"stages: unknown stage {name!r}; known: {', '.join(known)}")
            continue
        if not isinstance(change, dict):
            problems.append(f'stages.{name}: a JSON object such as {{"delay": 5}}')
            continue
        for key, value in change.items():
            if key not in OVERRIDABLE:
                problems.append(f"stages.{name}: unknown field {key!r}; a stage takes {' and '.join(OVERRIDABLE)}")
            elif getattr(stage, key) is None:
                problems.append(f"stages.{name}.{key}: not a setting of this stage"
                                + (f" (it waits for {stage.waits_for})" if key == "delay" else
                                   "; only back-off stages have a max"))
            elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or value < 0:
                problems.append(f"stages.{name}.{key}: a number of seconds, 0 or more")
    return problems


class Stages:
    """The stage table with a lesson's overrides applied, by stage name."""

    def __init__(self, overrides: dict[str, dict[str, float]] | None = None) -> None:
        overrides = overrides or {}
        problems = override_problems(overrides)
        if problems:
            raise ValueError("; ".join(problems))
        self._by_name = {}
        for stage in STAGES:
            change = overrides.get(stage.name, {})
            self._by_name[stage.name] = replace(stage, delay=change.get("delay", stage.delay),
                                                max=change.get("max", stage.max))

    def __getitem__(self, name: str) -> Stage:
        return self._by_name[name]

    def delay(self, name: str) -> float:
        """The stage's own delay (before time_scale and jitter)."""
        delay = self._by_name[name].delay
        if delay is None:
            raise ValueError(f"stage {name!r} takes its delay from the pod")
        return delay
