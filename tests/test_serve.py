"""`csi serve`: the site is served on localhost and rebuilt when a setting or record changes."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

from generator.desk.init import init_garage
from generator.serve import live_server


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_a_changed_setting_rebuilds_the_served_site(tmp_path):
    root = tmp_path / "garage"
    init_garage(root, language="en", name="First Name Motors")
    messages: list[str] = []
    with socket.socket() as probe:  # a free port; the server binds only when it starts serving
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = live_server(root, tmp_path / "site", None, "127.0.0.1", port, messages.append)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        deadline = time.monotonic() + 30
        while True:  # the server thread may not be listening yet
            try:
                first = fetch(url)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert "First Name Motors" in first
        settings = root / "garage.yaml"
        settings.write_text(settings.read_text(encoding="utf-8").replace("First Name Motors", "Second Name Motors"),
                            encoding="utf-8")
        deadline = time.monotonic() + 90  # a hang guard, not a timing assertion
        while "Second Name Motors" not in fetch(url):
            assert time.monotonic() < deadline, messages
            time.sleep(0.5)
        assert messages.count("rebuilt 0 records") >= 2
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_port_in_use_is_said_before_anything_is_built(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    root = tmp_path / "garage"
    init_garage(root, language="en", name="First Name Motors")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--root", str(root), "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '--host' / '--port': cannot serve on 127.0.0.1:{port}: Address already in use; "
        "choose another --port (or --host), or stop the program using it")
    assert not (root / ".csi" / "cache").exists()  # nothing built


def test_an_address_that_cannot_be_served_is_a_usage_error_not_a_fault(tmp_path):
    # --port -1 was a fault of csi (OverflowError); --host '' served every network
    from click.testing import CliRunner

    from generator.cli import main

    root = tmp_path / "garage"
    init_garage(root, language="en", name="First Name Motors")
    expected = {
        ("--port", "-1"): "Invalid value for '--port': -1 is not in the range 1<=x<=65535.",
        ("--port", "70000"): "Invalid value for '--port': 70000 is not in the range 1<=x<=65535.",
        ("--host", ""): "give --host a host name or address (0.0.0.0 serves every network the machine is on)",
        ("--host", "nosuch.invalid"): "no address of this machine is called 'nosuch.invalid'; check --host",
    }
    for (option, value), said in expected.items():
        result = CliRunner().invoke(main, ["serve", "--root", str(root), option, value])
        assert result.exit_code == 2 and said in result.output, (option, value, result.output)
    assert not (root / ".csi" / "cache").exists()  # nothing built
