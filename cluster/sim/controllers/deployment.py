"""The Deployment controller (pkg/controller/deployment): ReplicaSets per template, rollouts, status."""

from __future__ import annotations

from typing import Any

from cluster.sim.apimachinery import errors
from cluster.sim.apimachinery.timeutil import parse_rfc3339
from cluster.sim.apiserver.store import Obj, clone
from cluster.sim.controllers import deploymentutil as du
from cluster.sim.controllers.base import Controller
from cluster.sim.controllers.podutil import controller_ref, is_active, owner_ref, selector_matches
from cluster.sim.controllers.recreate import rollout_recreate
from cluster.sim.controllers.rolling import rollout_rolling

COMPONENT = "deployment-controller"


class DeploymentController(Controller):
    name = "deployment-controller"

    def on_change(self, type_: str, obj: Obj, old: Obj | None) -> None:
        kind = obj["kind"]
        if kind == "Deployment":
            self.enqueue((obj["metadata"]["namespace"], obj["metadata"]["name"]))
        elif kind == "ReplicaSet":
            ref = controller_ref(obj)
            if ref and ref.get("kind") == "Deployment":
                self.enqueue((obj["metadata"]["namespace"], ref["name"]))
        elif kind == "Pod" and type_ == "DELETED":
            # Recreate waits for old pods to be gone
            ref = controller_ref(obj)
            if ref and ref.get("kind") == "ReplicaSet":
                rs = self.cluster.store.get("ReplicaSet", obj["metadata"]["namespace"], ref["name"])
                owner = controller_ref(rs) if rs else None
                if owner and owner.get("kind") == "Deployment":
                    self.enqueue((obj["metadata"]["namespace"], owner["name"]))

    def timers(self) -> dict[str, Any]:
        return {"deployment.resync": lambda ns, name: self.enqueue((ns, name))}

    # ---- reading --------------------------------------------------------------------------------------

    def replica_sets(self, d: Obj) -> list[Obj]:
        """ReplicaSets this Deployment controls, adopting matching orphans (getReplicaSetsForDeployment)."""
        store = self.cluster.store
        uid = d["metadata"]["uid"]
        owned = [rs for rs in store.owned("ReplicaSet", uid) if (controller_ref(rs) or {}).get("uid") == uid]
        for rs in store.list("ReplicaSet", d["metadata"]["namespace"]):
            if controller_ref(rs) is None and selector_matches(d["spec"].get("selector"),
                                                               rs["metadata"].get("labels")):
                adopted = clone(rs)
                adopted["metadata"]["ownerReferences"] = [*(rs["metadata"].get("ownerReferences") or []),
                                                          owner_ref(d)]
                owned.append(store.update(adopted, check_version=False))
        return sorted(owned, key=lambda rs: (rs["metadata"]["creationTimestamp"], rs["metadata"]["name"]))

    def pods_of(self, rs: Obj) -> list[Obj]:
        return self.cluster.store.owned("Pod", rs["metadata"]["uid"])

    def find_new(self, d: Obj, rss: list[Obj]) -> Obj | None:
        """FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's."""
        for rs in rss:
            if du.template_without_hash(rs) == d["spec"]["template"]:
                return rs
        return None

    # ---- sync -----------------------------------------------------------------------------------------

    def sync(self, key: tuple[str, str]) -> None:
        d = self.cluster.store.get("Deployment", *key)
        if d is None or d["metadata"].get("deletionTimestamp"):
            return
        # a working copy: this sync changes only annotations and status locally
        d = dict(d, metadata=dict(d["metadata"], annotations=dict(d["metadata"].get("annotations") or {})),
                 status=clone(d.get("status") or {}))
        rss = self.replica_sets(d)
        if d["spec"].get("paused"):
            self.scale_if_needed(d, rss)
            self.sync_status(d, False)
            return
        new = self.find_new(d, rss)
        if new is not None and self.is_scaling_event(d, rss):
            self.scale(d, new, [rs for rs in rss if rs is not new])
            self.sync_status(d, False)
            return
        if du.is_rolling(d):
            rollout_rolling(self, d, rss)
        else:
            rollout_recreate(self, d, rss)

    def scale_if_needed(self, d: Obj, rss: list[Obj]) -> None:
        new = self.find_new(d, rss)
        if self.is_scaling_event(d, rss):
            self.scale(d, new, [rs for rs in rss if rs is not new])

    def is_scaling_event(self, d: Obj, rss: list[Obj]) -> bool:
        """isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas."""
        replicas = d["spec"].get("replicas", 1)
        for rs in rss:
            if rs["spec"].get("replicas", 0) <= 0:
                continue
            desired = (rs["metadata"].get("annotations") or {}).get(du.DESIRED_REPLICAS)
            if desired is not None and int(desired) != replicas:
                return True
        return False

    def new_replica_set(self, d: Obj, rss: list[Obj], create: bool) -> Obj | None:
        """getNewReplicaSet: find or create the ReplicaSet for the current template, syncing its revision."""
        old = [rs for rs in rss if du.template_without_hash(rs) != d["spec"]["template"]]
        max_old = max((du.revision(rs) for rs in old), default=0)
        new_revision = str(max_old + 1)
        existing = self.find_new(d, rss)
        now = self.cluster.timestamp()
        if existing is not None:
            annotations = existing["metadata"].get("annotations") or {}
            changed = self._set_rs_annotations(d, existing, new_revision if du.revision(existing) <= max_old
                                               else annotations.get(du.REVISION, new_revision))
            if changed:
                existing = self.cluster.store.update(changed, check_version=False)
            if (d["metadata"].get("annotations") or {}).get(du.REVISION) != existing["metadata"]["annotations"][du.REVISION]:
                d.setdefault("metadata", {}).setdefault("annotations", {})[du.REVISION] = \
                    existing["metadata"]["annotations"][du.REVISION]
                self._write(d, status=False)
            status = dict(d.get("status") or {})
            if not any(c["type"] == "Progressing" for c in status.get("conditions") or []):
                du.set_condition(status, du.new_condition(
                    "Progressing", "True", "FoundNewReplicaSet",
                    f'Found new replica set "{existing["metadata"]["name"]}"', now))
                d["status"] = status
            return existing
        if not create:
            return None
        collision = (d.get("status") or {}).get("collisionCount")
        template = clone(d["spec"]["template"])
        hash_ = du.compute_hash(template, collision)
        template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = hash_
        selector = clone(d["spec"]["selector"])
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = hash_
        name = f"{d['metadata']['name']}-{hash_}"
        replicas = self.new_rs_replicas(d, rss, None)
        rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": d["metadata"]["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "annotations": {},
                "ownerReferences": [owner_ref(d)],
            },
            "spec": {"replicas": replicas, "minReadySeconds": d["spec"].get("minReadySeconds", 0),
                     "selector": selector, "template": template},
        }
        if not rs["spec"]["minReadySeconds"]:
            del rs["spec"]["minReadySeconds"]
        annotated = self._set_rs_annotations(d, rs, new_revision) or rs
        try:
            created = self.cluster.api.create(annotated, trusted=True)  # built from the validated Deployment
        except errors.ApiError as err:
            if err.reason != "AlreadyExists":
                raise
            # hash collision: bump collisionCount and retry on the next sync
            status = dict(d.get("status") or {})
            status["collisionCount"] = (status.get("collisionCount") or 0) + 1
            d["status"] = status
            self._write(d, status=True)
            self.enqueue((d["metadata"]["namespace"], d["metadata"]["name"]))
            return None
        if replicas > 0:
            self.cluster.recorder.record(d, "Normal", "ScalingReplicaSet",
                                         f"Scaled up replica set {name} to {replicas}", COMPONENT)
        d.setdefault("metadata", {}).setdefault("annotations", {})[du.REVISION] = new_revision
        self._write(d, status=False)
        status = dict(d.get("status") or {})
        du.set_condition(status, du.new_condition("Progressing", "True", "NewReplicaSetCreated",
                                                  f'Created new replica set "{name}"', now))
        d["status"] = status
        return created

    def _set_rs_annotations(self, d: Obj, rs: Obj, revision: str) -> Obj | None:
        """SetNewReplicaSetAnnotations + SetReplicasAnnotations; returns the changed copy or None."""
        annotations = dict(rs["metadata"].get("annotations") or {})
        updated = dict(rs, metadata=dict(rs["metadata"], annotations=annotations))
        for key, value in (d["metadata"].get("annotations") or {}).items():
            if key not in (du.REVISION, "kubectl.kubernetes.io/last-applied-configuration",
                           du.DESIRED_REPLICAS, du.MAX_REPLICAS, "deployment.kubernetes.io/revision-history"):
                annotations[key] = value
        annotations[du.REVISION] = revision
        replicas = d["spec"].get("replicas", 1)
        annotations[du.DESIRED_REPLICAS] = str(replicas)
        annotations[du.MAX_REPLICAS] = str(replicas + du.max_surge(d))
        return updated if updated != rs else None

    def new_rs_replicas(self, d: Obj, rss: list[Obj], new: Obj | None) -> int:
        """NewRSNewReplicas."""
        replicas = int(d["spec"].get("replicas", 1))
        if not du.is_rolling(d):
            return replicas
        current = sum(int(rs["spec"].get("replicas", 0)) for rs in rss)
        max_total = replicas + du.max_surge(d)
        new_replicas = int(new["spec"].get("replicas", 0)) if new else 0
        if current >= max_total:
            return new_replicas
        scale_up = min(max_total - current, replicas - new_replicas)
        return new_replicas + scale_up

    def scale_rs(self, d: Obj, rs: Obj, replicas: int) -> Obj:
        """scaleReplicaSetAndRecordEvent."""
        old_replicas = rs["spec"].get("replicas", 0)
        updated = clone(rs)
        updated["spec"]["replicas"] = replicas
        annotated = self._set_rs_annotations(d, updated, (rs["metadata"].get("annotations") or {}).get(
            du.REVISION, "1"))
        if annotated is not None:
            updated = annotated
        if updated == rs:
            return rs
        result: Obj = self.cluster.store.update(updated, check_version=False)
        if old_replicas != replicas:
            direction = "up" if replicas > old_replicas else "down"
            self.cluster.recorder.record(
                d, "Normal", "ScalingReplicaSet",
                f"Scaled {direction} replica set {rs['metadata']['name']} to {replicas} from {old_replicas}",
                COMPONENT)
        return result

    def scale(self, d: Obj, new: Obj | None, old: list[Obj]) -> None:
        """sync.go scale(): one active ReplicaSet takes the new size; several share it proportionally."""
        replicas = d["spec"].get("replicas", 1)
        active = [rs for rs in [*old, *([new] if new else [])] if rs["spec"].get("replicas", 0) > 0]
        if len(active) <= 1:
            target = active[0] if active else (new or (old[-1] if old else None))
            if target is not None and target["spec"].get("replicas", 0) != replicas:
                self.scale_rs(d, target, replicas)
            elif target is not None:
                refreshed = self._set_rs_annotations(d, target, (target["metadata"].get("annotations") or {}).get(
                    du.REVISION, "1"))
                if refreshed is not None:
                    self.cluster.store.update(refreshed, check_version=False)
            return
        if new is not None and new["spec"].get("replicas", 0) == replicas and \
                (new.get("status") or {}).get("availableReplicas", 0) == replicas:
            for rs in old:
                if rs["spec"].get("replicas", 0) > 0:
                    self.scale_rs(d, rs, 0)
            return
        # proportional scaling (GetProportion), biggest first; leftovers go to the largest
        allowed = replicas + du.max_surge(d) if replicas > 0 else 0
        total = sum(rs["spec"].get("replicas", 0) for rs in active)
        to_add = allowed - total
        if to_add == 0:
            return
        order = sorted(active, key=lambda rs: (-rs["spec"].get("replicas", 0),
                                               rs["metadata"]["creationTimestamp"]),
                       reverse=False)
        if to_add > 0:
            order = sorted(active, key=lambda rs: (-rs["spec"].get("replicas", 0),
                                                   _negated(rs["metadata"]["creationTimestamp"])))
        added = 0
        sizes = {}
        for rs in order:
            share = rs["spec"].get("replicas", 0) * to_add // total if total else 0
            if to_add < 0:
                share = -((rs["spec"].get("replicas", 0) * -to_add) // total) if total else 0
            share = max(share, -rs["spec"].get("replicas", 0))
            sizes[rs["metadata"]["name"]] = rs["spec"].get("replicas", 0) + share
            added += share
        leftover = to_add - added
        first = order[0]["metadata"]["name"]
        sizes[first] = max(0, sizes[first] + leftover)
        for rs in order:
            self.scale_rs(d, rs, sizes[rs["metadata"]["name"]])

    def cleanup(self, d: Obj, old: list[Obj]) -> None:
        """cleanupDeployment: keep revisionHistoryLimit old ReplicaSets that no longer run pods."""
        limit = d["spec"].get("revisionHistoryLimit", 10)
        idle = [rs for rs in old if rs["spec"].get("replicas", 0) == 0 and
                (rs.get("status") or {}).get("replicas", 0) == 0 and not rs["metadata"].get("deletionTimestamp")]
        excess = len(idle) - limit
        if excess <= 0:
            return
        for rs in sorted(idle, key=du.revision)[:excess]:
            self.cluster.api.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])

    # ---- status ---------------------------------------------------------------------------------------

    def sync_status(self, d: Obj, rolling_out: bool) -> None:
        """syncRolloutStatus / calculateStatus, with the Available and Progressing conditions."""
        store = self.cluster.store
        rss = self.replica_sets(d)
        new = self.find_new(d, rss)
        replicas = d["spec"].get("replicas", 1)
        now_text = self.cluster.timestamp()
        old_status = d.get("status") or {}
        status: dict[str, Any] = {
            "observedGeneration": d["metadata"].get("generation", 1),
            "replicas": sum((rs.get("status") or {}).get("replicas", 0) for rs in rss),
            "updatedReplicas": (new.get("status") or {}).get("replicas", 0) if new else 0,
            "readyReplicas": sum((rs.get("status") or {}).get("readyReplicas", 0) for rs in rss),
            "availableReplicas": sum((rs.get("status") or {}).get("availableReplicas", 0) for rs in rss),
        }
        total_spec = sum(rs["spec"].get("replicas", 0) for rs in rss)
        status["unavailableReplicas"] = max(0, total_spec - status["availableReplicas"])
        if old_status.get("collisionCount"):
            status["collisionCount"] = old_status["collisionCount"]
        status["conditions"] = [dict(c) for c in old_status.get("conditions") or []]
        if status["availableReplicas"] >= replicas - du.max_unavailable(d):
            du.set_condition(status, du.new_condition("Available", "True", "MinimumReplicasAvailable",
                                                      "Deployment has minimum availability.", now_text))
        else:
            du.set_condition(status, du.new_condition("Available", "False", "MinimumReplicasUnavailable",
                                                      "Deployment does not have minimum availability.", now_text))
        self._progress(d, status, old_status, new)
        for key in ("updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "replicas"):
            if not status.get(key):
                status.pop(key, None)
        fresh = store.get("Deployment", d["metadata"]["namespace"], d["metadata"]["name"])
        if fresh is None:
            return
        if fresh.get("status") != status:
            store.update(dict(fresh, status=status), check_version=False)

    def _progress(self, d: Obj, status: dict[str, Any], old_status: dict[str, Any], new: Obj | None) -> None:
        if d["spec"].get("paused"):
            return
        now_text = self.cluster.timestamp()
        replicas = d["spec"].get("replicas", 1)
        name = new["metadata"]["name"] if new else ""
        complete = (status.get("updatedReplicas", 0) == replicas and status.get("replicas", 0) == replicas
                    and status.get("availableReplicas", 0) == replicas
                    and status["observedGeneration"] >= d["metadata"].get("generation", 1))
        current = next((c for c in status["conditions"] if c["type"] == "Progressing"), None)
        if complete and new is not None:
            cond = du.new_condition("Progressing", "True", "NewReplicaSetAvailable",
                                    f'ReplicaSet "{name}" has successfully progressed.', now_text)
            if current is not None and current["reason"] != "NewReplicaSetAvailable":
                cond["lastTransitionTime"] = current["lastTransitionTime"] if current["status"] == "True" \
                    else now_text
                status["conditions"] = [c for c in status["conditions"] if c["type"] != "Progressing"]
            du.set_condition(status, cond)
            return
        progressing = (
            status.get("updatedReplicas", 0) > old_status.get("updatedReplicas", 0)
            or status.get("readyReplicas", 0) > old_status.get("readyReplicas", 0)
            or status.get("availableReplicas", 0) > old_status.get("availableReplicas", 0)
            or status.get("replicas", 0) - status.get("updatedReplicas", 0)
            < old_status.get("replicas", 0) - old_status.get("updatedReplicas", 0)
        )
        deadline = d["spec"].get("progressDeadlineSeconds", 600)
        if progressing and new is not None:
            cond = du.new_condition("Progressing", "True", "ReplicaSetUpdated",
                                    f'ReplicaSet "{name}" is progressing.', now_text)
            if current is not None:
                if current["status"] == "True":
                    cond["lastTransitionTime"] = current["lastTransitionTime"]
                status["conditions"] = [c for c in status["conditions"] if c["type"] != "Progressing"]
            status["conditions"].append(cond)
            self.cluster.clock.at(self.cluster.now + deadline + 1, "deployment.resync",
                                  d["metadata"]["namespace"], d["metadata"]["name"])
        elif current is not None and current["status"] == "True" and current["reason"] != "NewReplicaSetAvailable":
            last = parse_rfc3339(current["lastUpdateTime"])
            if last + deadline < self.cluster.now:
                du.set_condition(status, du.new_condition(
                    "Progressing", "False", "ProgressDeadlineExceeded",
                    f'ReplicaSet "{name}" has timed out progressing.', now_text))
            else:
                self.cluster.clock.at(last + deadline + 1, "deployment.resync",
                                      d["metadata"]["namespace"], d["metadata"]["name"])

    def _write(self, d: Obj, *, status: bool) -> None:
        fresh = self.cluster.store.get("Deployment", d["metadata"]["namespace"], d["metadata"]["name"])
        if fresh is None:
            return
        if status:
            updated = dict(fresh, status=clone(d.get("status") or {}))
        else:
            updated = dict(fresh, metadata=dict(fresh["metadata"],
                                                annotations=dict(d["metadata"].get("annotations") or {})))
        self.cluster.store.update(updated, check_version=False)

    def old_pods_running(self, old: list[Obj]) -> bool:
        """Recreate waits until no pod of an old ReplicaSet is still there (terminating ones included)."""
        return any(p for rs in old for p in self.pods_of(rs)
                   if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"))


def _negated(timestamp: str) -> float:
    return -parse_rfc3339(timestamp)


__all__ = ["DeploymentController", "is_active"]
