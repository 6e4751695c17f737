"""The built-in kubectl, driven as a learner drives it, against a real simulated cluster."""

from __future__ import annotations

import json

import pytest
import yaml

from cluster.sim import kubectl
from cluster.sim.apimachinery.timeutil import rfc3339
from cluster.sim.kubectl.cmd import MemoryFiles, Result
from cluster.sim.teaching.seed import SEED_DEPLOYMENT_V1BETA1, SEED_SERVICE
from tests.sim.factories import NOW, cluster, deployment, pod, service

SEED = yaml.safe_dump_all([deployment("httpd", 2, "httpd"), service()], sort_keys=False)
NGINX = yaml.safe_dump(deployment("nginx", 3, "nginx", {"app": "nginx"}), sort_keys=False)
CLASSIC = SEED_DEPLOYMENT_V1BETA1 + "---\n" + SEED_SERVICE


class Terminal:
    """A learner's terminal: one cluster, some files, and kubectl lines typed one after another."""

    def __init__(self, **files: str) -> None:
        self.cluster = cluster(7, service_cidr="10.68.0.0/16")
        self.files = MemoryFiles({"httpd.yaml": SEED, "nginx.yaml": NGINX, **files})

    def __call__(self, line: str, stdin: str = "") -> Result:
        return kubectl.run_line(self.cluster, line, stdin=stdin, files=self.files)

    def ok(self, line: str) -> str:
        result = self(line)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def pods(self, **selector: str) -> list[str]:
        return [p["metadata"]["name"] for p in self.cluster.store.list("Pod", "default", selector or None)]

    def seed(self) -> Terminal:
        self.ok("apply -f httpd.yaml")
        self.ok("apply -f nginx.yaml")
        self.cluster.advance_by(60)
        return self


@pytest.fixture
def term() -> Terminal:
    return Terminal()


@pytest.fixture
def seeded() -> Terminal:
    return Terminal().seed()


# ---- apply ---------------------------------------------------------------------------------------------------

def test_applying_the_seed_creates_then_leaves_unchanged_then_configures(term: Terminal) -> None:
    first = term("apply -f httpd.yaml")
    assert (first.stdout, first.stderr, first.exit_code, first.changed) == (
        "deployment.apps/httpd created\nservice/httpd-svc created\n", "", 0, True)
    again = term("apply -f httpd.yaml")
    assert again.stdout == "deployment.apps/httpd unchanged\nservice/httpd-svc unchanged\n"
    assert not again.changed
    term.files.files["httpd.yaml"] = SEED.replace("replicas: 2", "replicas: 3")
    third = term("apply -f httpd.yaml")
    assert third.stdout == "deployment.apps/httpd configured\nservice/httpd-svc unchanged\n"
    assert term.cluster.store.get("Deployment", "default", "httpd")["spec"]["replicas"] == 3


def test_the_classic_apps_v1beta1_manifest_is_refused_while_its_service_is_created() -> None:
    term = Terminal(**{"classic.yaml": CLASSIC})
    result = term("apply -f classic.yaml")
    assert result.stdout == "service/httpd-svc created\n"
    assert result.stderr == (
        'error: resource mapping not found for name: "httpd" namespace: "" from "classic.yaml": no matches for kind '
        '"Deployment" in version "apps/v1beta1"\nensure CRDs are installed first\n')
    assert result.exit_code == 1
    assert result.errors[0]["line"] == 2
    assert "apps/v1" in result.hint
    assert term.cluster.store.get("Deployment", "default", "httpd") is None


def test_a_deployment_without_selector_is_invalid_and_points_at_its_lines() -> None:
    term = Terminal(**{"nosel.yaml": CLASSIC.replace("apps/v1beta1", "apps/v1")})
    result = term("apply -f nosel.yaml")
    assert result.stderr == (
        'The Deployment "httpd" is invalid: \n'
        "* spec.selector: Required value\n"
        '* spec.template.metadata.labels: Invalid value: map[string]string{"run":"httpd"}: `selector` does not '
        "match template `labels`\n")
    assert result.exit_code == 1
    assert [e["line"] for e in result.errors] == [5, 9]
    assert term.cluster.store.get("Deployment", "default", "httpd") is None


def test_two_failing_objects_print_the_long_form_one_line_each() -> None:
    broken = CLASSIC.replace("apps/v1beta1", "apps/v1") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  " \
        "name: other\nspec:\n  ports:\n  - port: 70000\n"
    term = Terminal(**{"two.yaml": broken})
    result = term("apply -f two.yaml")
    assert result.stdout == "service/httpd-svc created\n"
    assert result.stderr.splitlines() == [
        'Error from server (Invalid): error when creating "two.yaml": Deployment.apps "httpd" is invalid: '
        '[spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"run":'
        '"httpd"}: `selector` does not match template `labels`]',
        'Error from server (Invalid): error when creating "two.yaml": Service "other" is invalid: '
        "[spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, "
        "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]"]


def test_a_tab_in_the_indentation_is_a_parse_error_with_its_line() -> None:
    term = Terminal(**{"tab.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n"})
    result = term("apply -f tab.yaml")
    assert result.stderr == ("error: error parsing tab.yaml: error converting YAML to JSON: yaml: line 4: found "
                             "character that cannot start any token\n")
    assert result.errors == [{"line": 4, "column": 1, "message": result.stderr[len("error: "):-1]}]
    assert not result.changed


def test_apply_reads_stdin_and_directories_and_says_when_a_path_is_missing(term: Terminal) -> None:
    term.files.files["manifests/nginx.yaml"] = NGINX
    term.files.files["manifests/notes.txt"] = "not a manifest"
    assert term.ok("apply -f manifests") == "deployment.apps/nginx created\n"
    assert term("apply -f -", stdin=SEED).stdout == "deployment.apps/httpd created\nservice/httpd-svc created\n"
    missing = term("apply -f nope.yaml")
    assert (missing.stderr, missing.exit_code) == ('error: the path "nope.yaml" does not exist\n', 1)
    assert term("apply").stderr == "error: must specify one of -f and -k\n"


def test_dry_runs_print_what_would_happen_and_change_nothing(term: Terminal) -> None:
    assert term.ok("apply -f httpd.yaml --dry-run=client") == (
        "deployment.apps/httpd created (dry run)\nservice/httpd-svc created (dry run)\n")
    assert term.ok("apply -f httpd.yaml --dry-run=server") == (
        "deployment.apps/httpd created (server dry run)\nservice/httpd-svc created (server dry run)\n")
    assert term.cluster.store.get("Service", "default", "httpd-svc") is None
    assert term("apply -f httpd.yaml --dry-run").stderr == (
        'error: --dry-run flag without a value was specified. A value must be set: "none", "server", or '
        '"client".\n')


def test_create_refuses_what_already_exists(seeded: Terminal) -> None:
    result = seeded("create -f httpd.yaml")
    assert result.stderr.splitlines() == [
        'Error from server (AlreadyExists): error when creating "httpd.yaml": deployments.apps "httpd" already '
        "exists",
        'Error from server (AlreadyExists): error when creating "httpd.yaml": services "httpd-svc" already exists']
    assert result.exit_code == 1


def test_create_generators_make_the_objects_kubectl_would(term: Terminal) -> None:
    assert term.ok("create deployment web --image=nginx:1.27 --replicas=2 --port=80") == \
        "deployment.apps/web created\n"
    web = term.cluster.store.get("Deployment", "default", "web")
    assert web["metadata"]["labels"] == {"app": "web"}
    assert web["spec"]["template"]["spec"]["containers"][0]["name"] == "nginx"
    assert term.ok("create service clusterip web --tcp=8080:80") == "service/web created\n"
    assert term.cluster.store.get("Service", "default", "web")["spec"]["ports"][0]["name"] == "8080-80"
    assert term.ok("create namespace lab") == "namespace/lab created\n"
    assert term.ok("create configmap conf --from-literal=a=1") == "configmap/conf created\n"
    assert term.ok("create secret generic pw --from-literal=p=s3cret") == "secret/pw created\n"
    assert term.cluster.store.get("Secret", "default", "pw")["data"] == {"p": "czNjcmV0"}
    assert term("create deployment x").stderr == 'error: required flag(s) "image" not set\n'


def test_create_deployment_dry_run_prints_the_manifest_to_start_from(term: Terminal) -> None:
    assert term.ok("create deployment web --image=nginx --dry-run=client -o yaml") == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n"
        "  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n"
        "  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: web\n    spec:\n"
        "      containers:\n      - image: nginx\n        name: nginx\n        resources: {}\nstatus: {}\n")


# ---- get --------------------------------------------------------------------------------------------------------

def test_get_pods_wide_shows_each_pods_ip_and_node(seeded: Terminal) -> None:
    lines = seeded.ok("get pods -o wide").splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
                                "READINESS", "GATES"]
    assert len(lines) == 6
    for p in seeded.cluster.store.list("Pod", "default"):
        row = next(line for line in lines if line.startswith(p["metadata"]["name"] + " "))
        assert row.split() == [p["metadata"]["name"], "1/1", "Running", "0", "60s", p["status"]["podIP"],
                               p["spec"]["nodeName"], "<none>", "<none>"]


def test_get_all_prints_one_table_per_kind_with_kind_prefixes(seeded: Terminal) -> None:
    tables = seeded.ok("get all").split("\n\n")
    assert [t.splitlines()[0].split()[:2] for t in tables] == [["NAME", "READY"], ["NAME", "TYPE"],
                                                               ["NAME", "READY"], ["NAME", "DESIRED"]]
    assert tables[1].splitlines()[1].split()[:2] == ["service/httpd-svc", "ClusterIP"]
    assert "deployment.apps/httpd   2/2     2            2           60s" in tables[2]
    assert all(line.startswith("replicaset.apps/") for line in tables[3].splitlines()[1:])


def test_get_services_shows_the_cluster_ip_and_port(seeded: Terminal) -> None:
    ip = seeded.cluster.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
    width = max(len("CLUSTER-IP"), len(ip)) + 3  # the tabwriter pads each column to its widest cell + 3
    assert seeded.ok("get svc httpd-svc") == (
        f"NAME        TYPE        {'CLUSTER-IP':<{width}}EXTERNAL-IP   PORT(S)    AGE\n"
        f"httpd-svc   ClusterIP   {ip:<{width}}<none>        8080/TCP   60s\n")


def test_get_errors_read_as_kubectl_prints_them(seeded: Terminal) -> None:
    assert seeded("get deploymnts").stderr == 'error: the server doesn\'t have a resource type "deploymnts"\n'
    missing = seeded("get pod nope")
    assert (missing.stdout, missing.stderr, missing.exit_code) == (
        "", 'Error from server (NotFound): pods "nope" not found\n', 1)
    empty = seeded("get pods -l app=none")
    assert (empty.stdout, empty.stderr, empty.exit_code) == ("", "No resources found in default namespace.\n", 0)
    assert seeded("get pods -n lab").stderr == "No resources found in lab namespace.\n"
    assert seeded("get pods x -A").stderr == "error: a resource cannot be retrieved by name across all namespaces\n"
    assert seeded("get deploy -o foo").exit_code == 1


def test_label_selectors_pick_pods_as_the_api_server_does(seeded: Terminal) -> None:
    httpd = sorted(seeded.pods(run="httpd"))
    nginx = sorted(seeded.pods(app="nginx"))
    assert seeded.ok("get pods -l run=httpd -o name").split() == [f"pod/{n}" for n in httpd]
    assert seeded.ok("get pods -l run!=httpd -o name").split() == [f"pod/{n}" for n in nginx]
    assert seeded.ok("get pods -l 'app in (nginx,web)' -o name").split() == [f"pod/{n}" for n in nginx]
    assert seeded.ok("get pods -l '!run' -o name").split() == [f"pod/{n}" for n in nginx]
    assert seeded.ok("get pods -l run,pod-template-hash -o name").split() == [f"pod/{n}" for n in httpd]


def test_field_selectors_and_sort_by(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    assert seeded.ok(f"get pods --field-selector metadata.name={name} -o name") == f"pod/{name}\n"
    assert len(seeded.ok("get pods --field-selector status.phase=Running --no-headers").splitlines()) == 5
    refused = seeded("get pods --field-selector spec.image=x")
    assert refused.stderr == ('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
                              'selector "", field selector "spec.image=x": field label not supported: spec.image\n')
    ips = seeded.ok("get pods --sort-by=.status.podIP -o jsonpath={.items[*].status.podIP}").split()
    assert ips == sorted(ips)



def test_a_field_selector_reads_a_replica_set_as_the_api_and_the_built_in_kubectl_alike(seeded: Terminal) -> None:
    seeded.ok("scale deployment nginx --replicas=0")
    seeded.cluster.run_until_idle()
    scaled_down = seeded.ok("get rs -l app=nginx -o name").split()
    # ReplicaSetToSelectableFields prints status.replicas with strconv.Itoa: a ReplicaSet with none reads "0"
    assert seeded.ok("get rs --field-selector status.replicas=0 -o name").split() == scaled_down
    assert seeded.ok("get rs --field-selector status.replicas!=0 -o name").split() == \
        seeded.ok("get rs -l run=httpd -o name").split()


def test_a_label_selector_that_does_not_parse_is_the_api_servers_bad_request(seeded: Terminal) -> None:
    refused = seeded("get pods -l 'app in nginx'")
    assert refused.exit_code == 1
    assert refused.stderr == ('Error from server (BadRequest): unable to parse requirement: invalid label selector '
                              '"app in nginx": expected \'(\'\n')

def test_output_forms_yaml_json_jsonpath_and_custom_columns(seeded: Terminal) -> None:
    assert yaml.safe_load(seeded.ok("get deploy httpd -o yaml"))["spec"]["replicas"] == 2
    listed = json.loads(seeded.ok("get deploy -o json"))
    assert (listed["kind"], [d["metadata"]["name"] for d in listed["items"]]) == ("List", ["httpd", "nginx"])
    assert seeded.ok("get svc httpd-svc -o jsonpath={.spec.ports[0].port}") == "8080"
    assert seeded.ok("get deploy -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas") == (
        "NAME    REPLICAS\nhttpd   2\nnginx   3\n")
    assert seeded.ok("get deploy --show-labels -L run").splitlines()[0].split()[-2:] == ["RUN", "LABELS"]


def test_watching_lists_now_and_leaves_a_watch_for_the_terminal_to_stream(seeded: Terminal) -> None:
    result = seeded("get pods -w")
    assert result.exit_code == 0
    assert "NAME" in result.stdout
    assert result.stderr == "" and result.watch is not None


def test_get_events_lists_what_the_controllers_did(seeded: Terminal) -> None:
    lines = seeded.ok("get events").splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rs = seeded.cluster.store.list("ReplicaSet", "default", {"run": "httpd"})[0]["metadata"]["name"]
    assert any(line.split()[1:4] == ["Normal", "ScalingReplicaSet", "deployment/httpd"]
               and line.endswith(f"Scaled up replica set {rs} to 2") for line in lines)
    by_time = seeded.ok("get events --sort-by=.lastTimestamp").splitlines()
    assert by_time[1].split()[0] == "11m"


# ---- describe -----------------------------------------------------------------------------------------------------

def test_describe_service_lists_the_endpoints_of_the_httpd_pods(seeded: Terminal) -> None:
    text = seeded.ok("describe svc httpd-svc")
    ips = sorted(p["status"]["podIP"] for p in seeded.cluster.store.list("Pod", "default", {"run": "httpd"}))
    assert f"Endpoints:                {ips[0]}:80,{ips[1]}:80\n" in text
    assert text.startswith("Name:                     httpd-svc\nNamespace:                default\n")


def test_describe_matches_a_name_prefix_and_reports_what_is_missing(seeded: Terminal) -> None:
    text = seeded.ok("describe pods httpd")
    assert text.count("\nName:") + text.startswith("Name:") == 2
    assert seeded("describe pod zzz").stderr == 'Error from server (NotFound): pods "zzz" not found\n'
    assert seeded.ok("describe deploy").count("StrategyType:") == 2


# ---- delete ---------------------------------------------------------------------------------------------------------

def test_deleting_a_pod_waits_until_it_is_gone(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    start = seeded.cluster.now
    result = seeded(f"delete pod {name}")
    assert (result.stdout, result.stderr, result.exit_code, result.changed) == (f'pod "{name}" deleted\n', "", 0,
                                                                                 True)
    assert seeded.cluster.store.get("Pod", "default", name) is None
    assert 0 < seeded.cluster.now - start <= 35
    assert len(seeded.pods(run="httpd")) == 2  # the ReplicaSet made a replacement


def test_delete_without_waiting_leaves_the_pod_terminating(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    assert seeded.ok(f"delete pod/{name} --wait=false") == f'pod "{name}" deleted\n'
    assert "Terminating" in seeded.ok(f"get pod {name}")


def test_force_deletion_warns_and_says_force_deleted(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    result = seeded(f"delete pod {name} --force")
    assert result.stdout == f'pod "{name}" force deleted\n'
    assert result.stderr == ("Warning: Immediate deletion does not wait for confirmation that the running resource "
                             "has been terminated. The resource may continue to run on the cluster indefinitely.\n")
    assert seeded(f"delete pod {name} --force --grace-period=5").stderr == (
        "error: --force and --grace-period greater than 0 cannot be specified together\n")


def test_delete_by_selector_file_and_all(seeded: Terminal) -> None:
    assert seeded.ok("delete pods -l run=nope") == "No resources found\n"
    assert seeded("delete pods").stderr == "error: resource(s) were provided, but no name was specified\n"
    assert seeded.ok("delete -f httpd.yaml") == 'deployment.apps "httpd" deleted\nservice "httpd-svc" deleted\n'
    assert seeded("delete svc httpd-svc").stderr == 'Error from server (NotFound): services "httpd-svc" not found\n'
    out = seeded.ok("delete deploy --all")
    assert out == 'deployment.apps "nginx" deleted\n'


# ---- scale and rollout -------------------------------------------------------------------------------------------

def test_scale_and_its_precondition(seeded: Terminal) -> None:
    assert seeded.ok("scale deploy/httpd --replicas=3") == "deployment.apps/httpd scaled\n"
    assert seeded.cluster.store.get("Deployment", "default", "httpd")["spec"]["replicas"] == 3
    assert seeded("scale deployment httpd --replicas=1 --current-replicas=2").stderr == (
        "error: Expected replicas to be 2, was 3\n")
    assert seeded("scale deploy httpd").stderr == 'error: required flag(s) "replicas" not set\n'


def test_rollout_status_follows_a_new_image_until_it_is_rolled_out(seeded: Terminal) -> None:
    assert seeded.ok("set image deploy/httpd httpd=httpd:2.4") == "deployment.apps/httpd image updated\n"
    result = seeded("rollout status deploy/httpd")
    assert result.stdout == (
        'Waiting for deployment "httpd" rollout to finish: 1 out of 2 new replicas have been updated...\n'
        'Waiting for deployment "httpd" rollout to finish: 1 old replicas are pending termination...\n'
        'deployment "httpd" successfully rolled out\n')
    assert result.exit_code == 0
    assert seeded.ok("rollout status deploy/httpd") == 'deployment "httpd" successfully rolled out\n'


def test_rollout_status_fails_when_the_image_never_pulls(seeded: Terminal) -> None:
    seeded.ok("set image deploy/httpd httpd=htpd")
    result = seeded("rollout status deploy/httpd --timeout=30s")
    assert result.stderr == "error: timed out waiting for the condition\n"
    assert result.exit_code == 1
    deadline = seeded("rollout status deploy/httpd")
    assert deadline.stderr == 'error: deployment "httpd" exceeded its progress deadline\n'


def test_rollout_history_undo_and_restart(seeded: Terminal) -> None:
    seeded.ok("set image deploy/httpd httpd=httpd:2.4")
    seeded.ok("rollout status deploy/httpd")
    assert seeded.ok("rollout history deploy/httpd") == (
        "deployment.apps/httpd \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert seeded.ok("rollout undo deploy/httpd --to-revision=2") == (
        "deployment.apps/httpd skipped rollback (current template already matches revision 2)\n")
    assert seeded.ok("rollout undo deploy/httpd") == "deployment.apps/httpd rolled back\n"
    image = seeded.cluster.store.get("Deployment", "default", "httpd")["spec"]["template"]["spec"]["containers"][0]
    assert image["image"] == "httpd"
    seeded.ok("rollout status deploy/httpd")
    assert seeded.ok("rollout history deploy/httpd").splitlines()[2:] == ["2         <none>", "3         <none>", ""]
    assert seeded("rollout undo deploy/httpd --to-revision=9").stderr == (
        "error: unable to find specified revision 9 in history\n")
    assert seeded.ok("rollout restart deploy/httpd") == "deployment.apps/httpd restarted\n"
    annotations = seeded.cluster.store.get("Deployment", "default", "httpd")["spec"]["template"]["metadata"]
    assert annotations["annotations"] == {"kubectl.kubernetes.io/restartedAt": rfc3339(seeded.cluster.now)}


def test_pause_and_resume(seeded: Terminal) -> None:
    assert seeded.ok("rollout pause deploy/httpd") == "deployment.apps/httpd paused\n"
    assert seeded("rollout pause deploy/httpd").stderr == 'error: deployments.apps "httpd" is already paused\n'
    assert seeded("rollout restart deploy/httpd").stderr == (
        'error: deployments.apps "httpd" can\'t restart paused deployment (run rollout resume first)\n')
    assert seeded.ok("rollout resume deploy/httpd") == "deployment.apps/httpd resumed\n"
    assert seeded("rollout resume deploy/httpd").stderr == 'error: deployments.apps "httpd" is not paused\n'


# ---- label, expose, run ------------------------------------------------------------------------------------------

def test_labels_are_added_guarded_and_removed(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    assert seeded.ok(f"label pods {name} tier=web") == f"pod/{name} labeled\n"
    assert seeded(f"label pods {name} tier=db").stderr == (
        "error: 'tier' already has a value (web), and --overwrite is false\n")
    assert seeded.ok(f"label pods {name} tier=db --overwrite") == f"pod/{name} labeled\n"
    assert seeded.ok(f"label pod/{name} tier=db") == f"pod/{name} not labeled\n"
    assert seeded.ok(f"label pod/{name} tier-") == f"pod/{name} unlabeled\n"
    assert "tier" not in seeded.cluster.store.get("Pod", "default", name)["metadata"]["labels"]


def test_a_relabelled_pod_leaves_the_service(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    seeded.ok(f"label pod {name} run=debug --overwrite")
    seeded.cluster.settle()
    endpoints = seeded.ok("get endpoints httpd-svc")
    ip = seeded.cluster.store.get("Pod", "default", name)["status"]["podIP"]
    assert ip not in endpoints


def test_expose_makes_a_service_on_the_deployment_selector(seeded: Terminal) -> None:
    assert seeded.ok("expose deployment httpd --port=8081 --target-port=80 --name=web --type=NodePort") == \
        "service/web exposed\n"
    svc = seeded.cluster.store.get("Service", "default", "web")
    assert svc["spec"]["selector"] == {"run": "httpd"}
    assert svc["spec"]["ports"][0]["targetPort"] == 80
    assert seeded.ok("expose deploy nginx") == "service/nginx exposed\n"
    assert seeded.cluster.store.get("Service", "default", "nginx")["spec"]["ports"][0]["port"] == 80


def test_run_creates_a_pod_labelled_run(term: Terminal) -> None:
    assert term.ok("run client --image=busybox --restart=Never -- sleep 3600") == "pod/client created\n"
    created = term.cluster.store.get("Pod", "default", "client")
    assert created["metadata"]["labels"] == {"run": "client"}
    assert created["spec"]["containers"][0]["args"] == ["sleep", "3600"]
    assert created["spec"]["restartPolicy"] == "Never"
    assert term("run x").stderr == 'error: required flag(s) "image" not set\n'


# ---- logs and exec -------------------------------------------------------------------------------------------------

def test_logs_of_an_httpd_pod_and_of_one_still_starting(term: Terminal) -> None:
    term.ok("apply -f httpd.yaml")
    term.cluster.advance_by(1)
    name = term.pods(run="httpd")[0]
    assert term(f"logs {name}").stderr == (f'Error from server (BadRequest): container "httpd" in pod "{name}" is '
                                           "waiting to start: ContainerCreating\n")
    term.cluster.advance_by(60)
    ip = term.cluster.store.get("Pod", "default", name)["status"]["podIP"]
    lines = term.ok(f"logs {name}").splitlines()
    assert lines[0] == (f"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, "
                        f"using {ip}. Set the 'ServerName' directive globally to suppress this message")
    assert lines[2].endswith("AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations")
    assert term(f"logs {name} --previous").stderr == (
        f'Error from server (BadRequest): previous terminated container "httpd" in pod "{name}" not found\n')


def test_exec_answers_hostname_resolv_conf_and_env(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    dns = seeded.cluster.store.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
    svc_ip = seeded.cluster.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
    assert seeded.ok(f"exec {name} -- hostname") == f"{name}\n"
    assert seeded.ok(f"exec {name} -- cat /etc/resolv.conf") == (
        f"search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver {dns}\noptions ndots:5\n")
    env = seeded.ok(f"exec {name} -- env").splitlines()
    assert f"HTTPD_SVC_SERVICE_HOST={svc_ip}" in env
    assert f"HTTPD_SVC_PORT_8080_TCP=tcp://{svc_ip}:8080" in env
    assert "KUBERNETES_SERVICE_PORT=443" in env


def test_exec_of_a_program_the_image_lacks_fails_like_containerd(seeded: Terminal) -> None:
    name = seeded.pods(run="httpd")[0]
    result = seeded(f"exec {name} -- curl localhost")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: Internal error occurred: error executing command in container: failed "
                                    'to exec in container: failed to start exec "')
    assert result.stderr.endswith('": OCI runtime exec failed: exec failed: unable to start container process: '
                                  'exec: "curl": executable file not found in $PATH: unknown\n')
    assert seeded(f"exec {name} ls").stderr.startswith("error: exec [POD] [COMMAND] is not supported anymore.")


def test_nslookup_from_busybox_finds_the_service(seeded: Terminal) -> None:
    seeded.ok("run bb --image=busybox -- sleep 3600")
    seeded.cluster.advance_by(30)
    dns = seeded.cluster.store.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
    svc_ip = seeded.cluster.store.get("Service", "default", "httpd-svc")["spec"]["clusterIP"]
    assert seeded.ok("exec bb -- nslookup httpd-svc") == (
        f"Server:\t\t{dns}\nAddress:\t{dns}:53\n\nName:\thttpd-svc.default.svc.cluster.local\n"
        f"Address: {svc_ip}\n\n")
    missing = seeded("exec bb -- nslookup nope")
    assert missing.stdout.endswith("** server can't find nope: NXDOMAIN\n\n")
    assert (missing.stderr, missing.exit_code) == ("command terminated with exit code 1\n", 1)


# ---- the command line itself ----------------------------------------------------------------------------------------

def test_unknown_commands_and_flags_read_as_cobra_prints_them(term: Terminal) -> None:
    assert term("gte pods").stderr == 'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n'
    assert term("frobnicate").stderr == 'error: unknown command "frobnicate" for "kubectl"\n'
    assert term("get pods --foo").stderr == "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
    assert term("get pods -Z").stderr == "error: unknown shorthand flag: 'Z' in -Z\nSee 'kubectl get --help' for " \
                                         "usage.\n"
    assert term("scale deploy/x --replicas=abc").stderr.startswith(
        'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax\n')
    assert "not part of Podium's built-in kubectl" in term("edit deploy/httpd").stderr


def test_version_help_api_resources_and_cluster_info(term: Terminal) -> None:
    assert term.ok("version") == "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.32.4\n"
    assert term.ok("kubectl version --client") == "Client Version: v1.32.4\nKustomize Version: v5.5.0\n"
    assert "  get             Display one or many resources" in term.ok("help")
    resources = term.ok("api-resources").splitlines()
    assert resources[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert "deployments      deploy       apps/v1               true         Deployment" in resources
    assert term.ok("cluster-info").startswith("Kubernetes control plane is running at https://")


def test_namespaces_from_flags_in_every_spelling(term: Terminal) -> None:
    term.ok("create namespace lab")
    term.cluster.api.create(pod("solo"), namespace="lab")
    for line in ("get pods -n lab -o name", "-n lab get pods -o name", "get pods --namespace=lab -o name",
                 "get pods -nlab -o name", "get pods --namespace lab -o name"):
        assert term.ok(line) == "pod/solo\n", line
    assert any(line.split()[:2] == ["lab", "solo"] for line in term.ok("get pods -A --no-headers").splitlines())


def test_a_quoting_mistake_is_reported(term: Terminal) -> None:
    result = term("get pods -l 'run=httpd")
    assert (result.stderr, result.exit_code) == ("error: No closing quotation\n", 1)


def test_results_keep_the_clock_where_it_was_for_reads(seeded: Terminal) -> None:
    before = seeded.cluster.now
    assert not seeded("get pods").changed
    assert not seeded("describe deploy httpd").changed
    assert seeded.cluster.now == before == NOW + 60


def test_curl_from_a_pod_to_the_service_spreads_over_both_httpd_pods(seeded: Terminal) -> None:
    seeded.ok("run client --image=curlimages/curl -- sleep infinity")
    seeded.cluster.advance_by(30)
    seen: set[str] = set()
    for _ in range(20):
        assert seeded.ok("exec client -- curl -s httpd-svc:8080") == "<html><body><h1>It works!</h1></body></html>\n"
        seen.add(seeded.cluster.traffic[-1]["endpoint"]["pod"])
    assert seen == set(seeded.pods(run="httpd"))
    typed = seeded("curl httpd-svc:8080")
    assert (typed.stdout, typed.exit_code, typed.changed) == ("<html><body><h1>It works!</h1></body></html>\n", 0,
                                                              True)
    unknown = seeded("exec client -- curl -sS nope:8080")
    assert unknown.stderr == "curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6\n"
    assert unknown.exit_code == 6


def test_label_checks_the_value_itself_and_leaves_the_key_to_the_api_server(seeded: Terminal) -> None:
    bad_value = seeded("label deploy nginx tier=web_")
    assert bad_value.stderr.startswith('error: invalid label value: "tier=web_": a valid label must be an empty '
                                       "string or consist of alphanumeric characters")
    bad_key = seeded("label deploy nginx 'bad key=1'")
    assert bad_key.stderr.startswith('The Deployment "nginx" is invalid: metadata.labels: Invalid value: "bad key": '
                                     "name part must consist of alphanumeric characters")
    assert "bad key" not in (seeded.cluster.store.get("Deployment", "default", "nginx") or {})["metadata"].get("labels", {})


def test_kubectl_output_pipes_into_grep_and_wc_as_in_a_shell(seeded: Terminal) -> None:
    assert seeded.ok("get pods | grep httpd | wc -l") == "2\n"
    assert seeded.ok("kubectl get pods -o wide | grep -v NAME | wc -l") == "5\n"
    no_match = seeded("get pods | grep nosuch")
    assert (no_match.stdout, no_match.exit_code) == ("", 1)
    assert seeded.ok("get pods | grep -E 'httpd|nginx' -c") == "5\n"
    literal_bar = seeded("get pods | grep 'httpd|nginx'")  # a basic regex: `|` is a literal bar
    assert (literal_bar.stdout, literal_bar.exit_code) == ("", 1)


def test_head_tail_sort_and_uniq_work_on_kubectl_tables(seeded: Terminal) -> None:
    table = seeded.ok("get pods").splitlines()
    assert seeded.ok("get pods | head -n 1").splitlines() == table[:1]
    assert seeded.ok("get pods | tail -2").splitlines() == table[-2:]
    assert seeded.ok("get pods | tail -n +2 | sort -r").splitlines() == sorted(table[1:], reverse=True)
    assert seeded.ok("get pods --show-labels | grep -o 'run=[a-z]*' | sort | uniq -c") == "      2 run=httpd\n"


def test_a_pipe_into_a_command_the_terminal_lacks_says_so(seeded: Terminal) -> None:
    missing = seeded("get pods | awk '{print $1}'")
    assert missing.exit_code == 127
    assert missing.stderr.startswith("awk: command not found")
    broken = seeded("get pods | | wc -l")
    assert (broken.exit_code, broken.stderr) == (2, "bash: syntax error near unexpected token `|'\n")
    quoted = seeded.ok("get pods -l 'run in (httpd)' | wc -l")
    assert quoted == "3\n"


def test_an_escape_sequence_in_an_object_is_shown_not_obeyed_by_the_terminal(seeded: Terminal) -> None:
    seeded.ok("label deploy nginx tier=web")
    deployment = seeded.cluster.store.get("Deployment", "default", "nginx")
    assert deployment is not None
    seeded.cluster.api.patch("Deployment", "default", "nginx",
                             {"metadata": {"annotations": {"note": "\x1b]0;pwned\x07\x1b[2J"}}}, "merge")
    described = seeded.ok("describe deploy nginx")
    assert "\x1b" not in described and "\x07" not in described
    assert "note: ^[]0;pwned^G^[[2J" in described
