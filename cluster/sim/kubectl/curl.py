"""What `kubectl exec POD -- curl …` / `wget …` print: curl 8.x and BusyBox 1.36 wget, for one routed request.

`parse_http_client` reads the command line; `render` turns a routing event (cluster/sim/network.py) into the
tool's stdout, stderr and exit code. Only the flags learners use are understood; others are refused with a
clear message instead of being ignored silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from cluster.sim.network.kubeproxy import Client, parse_url

CURL_VERSION = "8.11.1"
KERNEL_CONNECT_TIMEOUT_MS = 134117  # tcp_syn_retries=6: the kernel gives up after about two minutes
METER_HEADER = ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
                "                                 Dload  Upload   Total   Spent    Left  Speed\n")
WGET_USAGE = ("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
              "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
              "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
              "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")



def reason_phrase(status: int) -> str:
    """The reason phrase a server sends after the status code (404 Not Found); "" for a code without one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass
class ParsedRequest:
    """One curl or wget command line."""

    tool: str  # "curl" | "wget"
    url: str
    silent: bool = False  # curl -s / wget -q
    show_error: bool = False  # curl -S
    verbose: bool = False  # curl -v
    include: bool = False  # curl -i
    head: bool = False  # curl -I
    fail: bool = False  # curl -f
    timeout: float | None = None  # curl -m / --max-time / --connect-timeout, wget -T
    output: str | None = None  # curl -o FILE, wget -O FILE ("-" is stdout)
    write_out: str = ""  # curl -w
    progress: bool = True  # curl --no-progress-meter turns it off


class UsageError(Exception):
    """A command line the tool itself rejects: (stdout, stderr, exit code)."""

    def __init__(self, stderr: str, code: int) -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.code = code


CURL_FLAGS = {"-s": "silent", "--silent": "silent", "-S": "show_error", "--show-error": "show_error",
              "-v": "verbose", "--verbose": "verbose", "-i": "include", "--include": "include", "-I": "head",
              "--head": "head", "-f": "fail", "--fail": "fail"}
CURL_IGNORED = {"-L", "--location", "-k", "--insecure", "-4", "--ipv4", "-N", "--no-buffer", "--http1.1",
                "-#", "--progress-bar"}
CURL_VALUES = {"-m": "timeout", "--max-time": "timeout", "--connect-timeout": "timeout", "-o": "output",
               "--output": "output", "-w": "write_out", "--write-out": "write_out"}
CURL_IGNORED_VALUES = {"-H", "--header", "-A", "--user-agent", "-X", "--request", "--retry", "-e", "--referer"}


def parse_http_client(argv: list[str]) -> ParsedRequest:
    """curl [-s] [-S] [-v] [-i] [-I] [-f] [-m N] [-o FILE] [-w FMT] URL; wget [-q] [-O FILE|-] [-T N] URL."""
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    if tool == "curl":
        return _parse_curl(argv[1:])
    if tool == "wget":
        return _parse_wget(argv[1:])
    raise UsageError(f"{tool}: only curl and wget are simulated\n", 127)


def _parse_curl(args: list[str]) -> ParsedRequest:
    parsed = ParsedRequest("curl", "")
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in CURL_VALUES or name in CURL_IGNORED_VALUES:
            if eq:
                value = inline
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                raise UsageError(f"curl: option {arg}: requires parameter\n"
                                 "curl: try 'curl --help' or 'curl --manual' for more information\n", 2)
            if name in CURL_VALUES:
                _set_curl_value(parsed, CURL_VALUES[name], value, arg)
            if name in ("-X", "--request") and value.upper() == "HEAD":
                parsed.head = True
        elif arg in CURL_FLAGS:
            setattr(parsed, CURL_FLAGS[arg], True)
        elif arg == "--no-progress-meter":
            parsed.progress = False
        elif arg in CURL_IGNORED:
            pass
        elif arg.startswith("-") and not arg.startswith("--") and len(arg) > 2 and all(
                "-" + c in CURL_FLAGS or "-" + c in CURL_IGNORED for c in arg[1:]):
            for c in arg[1:]:  # bundled short flags: -sSL, -sv
                if "-" + c in CURL_FLAGS:
                    setattr(parsed, CURL_FLAGS["-" + c], True)
        elif arg.startswith("-") and len(arg) > 1:
            raise UsageError(f"curl: option {arg}: is unknown (Podium simulates -s -S -v -i -I -f -L -k -m "
                             "--connect-timeout -o -w -H -X)\n"
                             "curl: try 'curl --help' or 'curl --manual' for more information\n", 2)
        elif not parsed.url:
            parsed.url = arg
        i += 1
    if not parsed.url:
        raise UsageError("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
                         2)
    return parsed


def _set_curl_value(parsed: ParsedRequest, field_name: str, value: str, arg: str) -> None:
    if field_name == "timeout":
        try:
            parsed.timeout = float(value)
        except ValueError:
            raise UsageError(f"curl: option {arg}: expected a proper numerical parameter\n"
                             "curl: try 'curl --help' or 'curl --manual' for more information\n", 2) from None
    else:
        setattr(parsed, field_name, value)


def _parse_wget(args: list[str]) -> ParsedRequest:
    parsed = ParsedRequest("wget", "")
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-q", "--quiet"):
            parsed.silent = True
        elif arg.startswith("-O") or arg.startswith("-T") or arg in ("-U", "--header", "--user-agent"):
            flag, value = arg[:2], arg[2:]
            if not value and arg in ("-O", "-T", "-U", "--header", "--user-agent"):
                if i + 1 >= len(args):
                    raise UsageError(f"wget: option requires an argument -- '{arg.lstrip('-')[:1]}'\n" + WGET_USAGE,
                                     1)
                i += 1
                value = args[i]
            if flag == "-O":
                parsed.output = value
            elif flag == "-T":
                parsed.timeout = float(value) if value.replace(".", "", 1).isdigit() else None
        elif arg.startswith("-q") and set(arg[1:]) <= {"q", "O"}:
            parsed.silent = True  # -qO- style bundles
            if "O" in arg:
                tail = arg[arg.index("O") + 1:]
                if not tail and i + 1 < len(args):
                    i += 1
                    tail = args[i]
                parsed.output = tail or "-"
        elif arg.startswith("-qO"):
            parsed.silent, parsed.output = True, arg[3:] or "-"
        elif arg.startswith("-") and len(arg) > 1:
            raise UsageError(f"wget: unrecognized option '{arg}'\n" + WGET_USAGE, 1)
        elif not parsed.url:
            parsed.url = arg
        i += 1
    if not parsed.url:
        raise UsageError(WGET_USAGE, 1)
    return parsed


# ---- rendering ---------------------------------------------------------------------------------------------------

def render(parsed: ParsedRequest, event: dict[str, Any], *, headers: list[tuple[str, str]] | None = None,
           client_node: str = "") -> tuple[str, str, int]:
    """(stdout, stderr, exit code) as the tool prints them for the routing event."""
    if parsed.tool == "wget":
        return _render_wget(parsed, event)
    return _render_curl(parsed, event, headers or [], client_node)


def _host_port(url: str) -> tuple[str, int, str]:
    scheme, host, port, _ = parse_url(url)
    return host, port or (443 if scheme == "https" else 80), scheme


def _max5(n: int) -> str:
    """curl's max5data: a size or speed in at most five characters."""
    if n < 100000:
        return f"{n:5d}"
    if n < 10000 * 1024:
        return f"{n // 1024:4d}k"
    if n < 100 * 1024 * 1024:
        return f"{n // (1024 * 1024):2d}.{(n % (1024 * 1024)) * 10 // (1024 * 1024):d}M"
    return f"{n // (1024 * 1024):4d}M"


def _time(seconds: int) -> str:
    """curl's time2str: `--:--:--` for zero, else ` H:MM:SS`."""
    if seconds <= 0:
        return "--:--:--"
    return f"{seconds // 3600:2d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _meter_line(size: int, spent: int = 0) -> str:
    """One progress-meter line: everything received (size) or nothing yet (size 0)."""
    percent = "100" if size else "  0"
    speed = size * 500  # a LAN transfer takes about 2 ms
    return (f"{percent} {_max5(size)}  {percent} {_max5(size)}    0     0  {_max5(speed)}      0 "
            f"--:--:-- {_time(spent)} --:--:-- {_max5(speed)}")


def _render_curl(p: ParsedRequest, event: dict[str, Any], headers: list[tuple[str, str]],
                 client_node: str) -> tuple[str, str, int]:
    host, port, scheme = _host_port(str(event.get("url") or p.url))
    target = event.get("target") or {}
    ip = str(target.get("ip", host))
    meter = not p.silent and p.progress
    show_errors = not p.silent or p.show_error
    err: list[str] = []
    if meter:
        err.append(METER_HEADER + "\r" + _meter_line(0))
    result = event.get("result")
    status, body = int(event.get("status") or 0), str(event.get("body") or "")
    if target.get("kind") == "unresolved":
        return _curl_fail(p, err, meter, show_errors, 6, f"Could not resolve host: {host}")
    if p.verbose:
        err.append(f"* Host {host}:{port} was resolved.\n* IPv6: (none)\n* IPv4: {ip}\n*   Trying {ip}:{port}...\n")
    if result == "refused":
        endpoint = event.get("endpoint") or {}
        after = 0 if not endpoint or endpoint.get("node") in ("", client_node) else 1
        return _curl_fail(p, err, meter, show_errors, 7,
                          f"Failed to connect to {host} port {port} after {after} ms: Couldn't connect to server")
    if result == "timeout":
        if p.timeout is not None:
            spent = int(p.timeout * 1000) + 2
            message = f"Failed to connect to {host} port {port} after {spent} ms: Timeout was reached"
        else:
            spent = KERNEL_CONNECT_TIMEOUT_MS
            message = f"Failed to connect to {host} port {port} after {spent} ms: Couldn't connect to server"
        if meter:
            err.append("\r" + _meter_line(0, spent // 1000))
        return _curl_fail(p, err, meter, show_errors, 28, message)
    if p.verbose:
        err.append(f"* Connected to {host} ({ip}) port {port}\n* using HTTP/1.x\n"
                   f"> {'HEAD' if p.head else 'GET'} {parse_url(p.url)[3]} HTTP/1.1\n"
                   f"> Host: {host}{'' if port == (443 if scheme == 'https' else 80) else f':{port}'}\n"
                   f"> User-Agent: curl/{CURL_VERSION}\n> Accept: */*\n> \n* Request completely sent off\n")
    if status == 0:
        return _curl_fail(p, err, meter, show_errors, 52, "Empty reply from server")
    status_line = f"HTTP/1.1 {status} {reason_phrase(status)}".rstrip()
    head_text = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    if p.verbose:
        err.append("< " + status_line + "\n" + "".join(f"< {k}: {v}\n" for k, v in headers) + "< \n")
    if p.fail and status >= 400:
        return _curl_fail(p, err, meter, show_errors, 22, f"The requested URL returned error: {status}")
    received = 0 if p.head else len(body.encode())
    if meter and p.verbose and received:
        err.append(f"{{ [{received} bytes data]\n")
    if meter:
        err.append("\r" + _meter_line(received) + "\n")
    if p.verbose:
        err.append(f"* Connection #0 to host {host} left intact\n")
    out = ""
    if p.include or p.head:
        out += head_text
    if not p.head and p.output in (None, "-"):
        out += body
    out += _write_out(p.write_out, status, ip, received)
    return out, "".join(err), 0


def _curl_fail(p: ParsedRequest, err: list[str], meter: bool, show_errors: bool, code: int,
               message: str) -> tuple[str, str, int]:
    if meter:
        err.append("\n")
    if show_errors:
        err.append(f"curl: ({code}) {message}\n")
    return _write_out(p.write_out, 0, "", 0), "".join(err), code


def _write_out(fmt: str, status: int, ip: str, size: int) -> str:
    """curl -w with the variables learners use."""
    if not fmt:
        return ""
    out = fmt.replace("\\n", "\n").replace("\\t", "\t")
    return (out.replace("%{http_code}", f"{status:03d}").replace("%{response_code}", f"{status:03d}")
            .replace("%{remote_ip}", ip).replace("%{size_download}", str(size))
            .replace("%{time_total}", "0.002345"))


def _render_wget(p: ParsedRequest, event: dict[str, Any]) -> tuple[str, str, int]:
    scheme, host, port, path = parse_url(str(event.get("url") or p.url))
    shown = f"{host}:{port}" if port else host
    port = port or (443 if scheme == "https" else 80)
    target = event.get("target") or {}
    if target.get("kind") == "unresolved":
        return "", f"wget: bad address '{shown}'\n", 1
    ip = str(target.get("ip", host))
    err = "" if p.silent else f"Connecting to {shown} ({ip}:{port})\n"
    result = event.get("result")
    if result == "refused":
        return "", err + f"wget: can't connect to remote host ({ip}): Connection refused\n", 1
    if result == "timeout":
        if p.timeout is not None:
            return "", err + "wget: download timed out\n", 1
        return "", err + f"wget: can't connect to remote host ({ip}): Connection timed out\n", 1
    status, body = int(event.get("status") or 0), str(event.get("body") or "")
    if status == 0:
        return "", err + "wget: error getting response\n", 1
    if status >= 400:
        return "", err + f"wget: server returned error: HTTP/1.1 {status} {reason_phrase(status)}".rstrip() + "\n", 1
    name = p.output or (path.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "index.html")
    size = len(body.encode())
    to_stdout = name == "-"
    if not p.silent:
        label = "-" if to_stdout else name
        err += ("writing to stdout\n" if to_stdout else f"saving to '{name}'\n")
        err += f"{label:<20.20} 100% |{'*' * 32}| {size:>5}  0:00:00 ETA\n"
        err += "written to stdout\n" if to_stdout else f"'{name}' saved\n"
    return (body if to_stdout else ""), err, 0


# ---- the whole command, inside a pod ------------------------------------------------------------------------------

def run_in_pod(cluster: Any, client: Client, argv: list[str]) -> tuple[str, str, int]:
    """Parse, route one request through the cluster's network, and print it; the event joins the live traffic."""
    try:
        parsed = parse_http_client(argv)
    except UsageError as err:
        return "", err.stderr, err.code
    url = parsed.url if "://" in parsed.url else "http://" + parsed.url
    network = cluster.network
    event = network.route(client, url, cluster.now)
    cluster.record_traffic([event])
    headers = network.response_headers(event, cluster.now) if (parsed.include or parsed.head or parsed.verbose) \
        else []
    return render(parsed, event, headers=headers, client_node=client.node)
