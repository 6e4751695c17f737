"""What `kubectl exec client -- curl …` and `wget …` print for the requests kube-proxy's model routes."""

import pytest

from cluster.sim.kubectl.curl import METER_HEADER, UsageError, parse_http_client, render, run_in_pod
from tests.sim.test_network import (
    CLIENT,
    HTTPD_PAGE,
    HTTPD_PODS,
    HTTPD_SLICE,
    endpoint_slice,
    network,
    service,
)


def routed(url: str, *objs: dict) -> dict:
    net = network(*objs) if objs else network(*HTTPD_PODS, service("httpd-svc", "10.96.12.7"), HTTPD_SLICE)
    return net.route(CLIENT, url, now=1_800_000_000.0)


def curl(line: str, event: dict, **kw) -> tuple[str, str, int]:
    return render(parse_http_client(line.split()), event, client_node="podium-worker", **kw)


def test_curl_silent_prints_the_page_and_nothing_else():
    assert curl("curl -s http://httpd-svc:8080", routed("http://httpd-svc:8080")) == (HTTPD_PAGE, "", 0)


def test_curl_without_s_shows_the_progress_meter_on_stderr():
    out, err, code = curl("curl http://httpd-svc:8080", routed("http://httpd-svc:8080"))
    assert out == HTTPD_PAGE and code == 0
    assert err == (METER_HEADER + "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"
                   "\r100    45  100    45    0     0  22500      0 --:--:-- --:--:-- --:--:-- 22500\n")


def test_curl_to_a_service_without_endpoints_cannot_connect():
    event = routed("http://10.96.12.7:8080/", service("httpd-svc", "10.96.12.7"), endpoint_slice("httpd-svc", 80))
    out, err, code = curl("curl -sS http://10.96.12.7:8080/", event)
    assert (out, code) == ("", 7)
    assert err == "curl: (7) Failed to connect to 10.96.12.7 port 8080 after 0 ms: Couldn't connect to server\n"
    assert curl("curl -s http://10.96.12.7:8080/", event) == ("", "", 7)


def test_curl_with_a_wrong_target_port_is_refused_by_the_pod_on_another_node():
    event = routed("http://httpd-svc:8080/", *HTTPD_PODS, service("httpd-svc", "10.96.12.7", target=8080),
                   endpoint_slice("httpd-svc", 8080, ("10.244.2.4", "podium-worker2", "httpd-7c79c4bf97-q8wzt", True)))
    _, err, code = curl("curl -sS httpd-svc:8080", event)
    assert (err, code) == ("curl: (7) Failed to connect to httpd-svc port 8080 after 1 ms: Couldn't connect to "
                           "server\n", 7)


def test_curl_timeouts_report_the_time_waited():
    event = routed("http://10.96.12.7:9999/")
    assert curl("curl -sS -m 10 http://10.96.12.7:9999/", event)[1:] == (
        "curl: (28) Failed to connect to 10.96.12.7 port 9999 after 10002 ms: Timeout was reached\n", 28)
    assert curl("curl -sS --connect-timeout 3 http://10.96.12.7:9999/", event)[1] == (
        "curl: (28) Failed to connect to 10.96.12.7 port 9999 after 3002 ms: Timeout was reached\n")
    assert curl("curl -sS http://10.96.12.7:9999/", event)[1] == (
        "curl: (28) Failed to connect to 10.96.12.7 port 9999 after 134117 ms: Couldn't connect to server\n")
    _, err, _ = curl("curl -m 10 http://10.96.12.7:9999/", event)
    assert "--:--:--  0:00:10 --:--:--" in err


def test_curl_cannot_resolve_unknown_names():
    assert curl("curl -sS http://foo/", routed("http://foo/")) == ("", "curl: (6) Could not resolve host: foo\n", 6)


def test_curl_include_prints_the_status_line_and_the_servers_headers():
    event = routed("http://httpd-svc:8080")
    headers = [("Date", "Fri, 15 Jan 2027 08:00:00 GMT"), ("Server", "Apache/2.4.62 (Unix)"),
               ("Content-Length", "45"), ("Content-Type", "text/html")]
    out, _, _ = curl("curl -si http://httpd-svc:8080", event, headers=headers)
    assert out == ("HTTP/1.1 200 OK\r\nDate: Fri, 15 Jan 2027 08:00:00 GMT\r\nServer: Apache/2.4.62 (Unix)\r\n"
                   "Content-Length: 45\r\nContent-Type: text/html\r\n\r\n" + HTTPD_PAGE)
    head, _, _ = curl("curl -sI http://httpd-svc:8080", event, headers=headers)
    assert head.endswith("Content-Type: text/html\r\n\r\n")


def test_curl_write_out_prints_the_status_code_only():
    assert curl("curl -s -o /dev/null -w %{http_code} http://httpd-svc:8080", routed("http://httpd-svc:8080")) == \
        ("200", "", 0)


def test_curl_fail_turns_http_errors_into_exit_code_22():
    event = routed("http://httpd-svc:8080/missing")
    assert event["status"] == 404
    assert curl("curl -sSf http://httpd-svc:8080/missing", event) == (
        "", "curl: (22) The requested URL returned error: 404\n", 22)


def test_curl_verbose_shows_the_connection_and_the_request():
    _, err, _ = curl("curl -sv http://httpd-svc:8080/", routed("http://httpd-svc:8080/"))
    assert "*   Trying 10.96.12.7:8080...\n* Connected to httpd-svc (10.96.12.7) port 8080\n" in err
    assert "> GET / HTTP/1.1\n> Host: httpd-svc:8080\n> User-Agent: curl/8.11.1\n" in err


def test_a_database_closes_the_connection_without_a_reply():
    redis = {**HTTPD_PODS[0], "spec": {"nodeName": "podium-worker",
                                        "containers": [{"name": "c", "image": "redis:7"}]}}
    event = routed("http://10.244.1.5:6379/", redis)
    assert curl("curl -sS http://10.244.1.5:6379/", event) == ("", "curl: (52) Empty reply from server\n", 52)


def test_wget_quiet_to_stdout_prints_the_page():
    assert render(parse_http_client(["wget", "-qO-", "http://httpd-svc:8080"]), routed("http://httpd-svc:8080")) == \
        (HTTPD_PAGE, "", 0)


def test_wget_tells_where_it_connects_and_what_it_wrote():
    out, err, code = render(parse_http_client(["wget", "-O", "-", "httpd-svc:8080"]), routed("http://httpd-svc:8080"))
    assert (out, code) == (HTTPD_PAGE, 0)
    assert err == ("Connecting to httpd-svc:8080 (10.96.12.7:8080)\nwriting to stdout\n"
                   "-                    100% |********************************|    45  0:00:00 ETA\n"
                   "written to stdout\n")


def test_wget_failures_as_busybox_prints_them():
    refused = routed("http://10.96.12.7:8080/", service("httpd-svc", "10.96.12.7"), endpoint_slice("httpd-svc", 80))
    assert render(parse_http_client(["wget", "-qO-", "http://httpd-svc:8080/"]), refused) == (
        "", "wget: can't connect to remote host (10.96.12.7): Connection refused\n", 1)
    assert render(parse_http_client(["wget", "-qO-", "http://foo/"]), routed("http://foo/")) == (
        "", "wget: bad address 'foo'\n", 1)
    assert render(parse_http_client(["wget", "-qO-", "foo:8080"]), routed("http://foo:8080/")) == (
        "", "wget: bad address 'foo:8080'\n", 1)
    missing = routed("http://httpd-svc:8080/missing")
    assert render(parse_http_client(["wget", "-qO-", "http://httpd-svc:8080/missing"]), missing) == (
        "", "wget: server returned error: HTTP/1.1 404 Not Found\n", 1)


@pytest.mark.parametrize(("argv", "message"), [
    (["curl", "--data-binary", "x", "http://a"], "curl: option --data-binary: is unknown"),
    (["curl"], "curl: no URL specified"),
    (["wget", "--spider", "http://a"], "wget: unrecognized option '--spider'"),
])
def test_unsupported_flags_get_a_clear_message(argv, message):
    with pytest.raises(UsageError) as err:
        parse_http_client(argv)
    assert err.value.stderr.startswith(message)


def test_run_in_pod_routes_prints_and_shows_the_request_on_the_diagram():
    from cluster.sim.network.kubeproxy import Client
    from tests.sim.factories import NOW, seed_cluster

    c = seed_cluster()
    nginx = c.store.list("Pod", "default", {"app": "nginx"})[0]
    client = Client("pod", nginx["metadata"]["name"], nginx["status"]["podIP"], nginx["spec"]["nodeName"])
    out, err, code = run_in_pod(c, client, ["curl", "-si", "httpd-svc:8080"])
    assert code == 0 and err == ""
    assert out.startswith("HTTP/1.1 200 OK\r\nDate: Fri, 15 Jan 2027 08:01:00 GMT\r\nServer: Apache/2.4.62 (Unix)\r\n")
    assert out.endswith("Content-Type: text/html\r\n\r\n" + HTTPD_PAGE)
    assert c.now == NOW + 60
    assert [e["result"] for e in c.drain_traffic()] == ["answered"]
    assert c.state.requests[-1]["result"] == "answered"
    assert run_in_pod(c, client, ["curl", "-z", "x"])[2] == 2
