"""A real redis-server on a free loopback port: one per test run, or one per test when it must restart."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

_START_TIMEOUT_S = 30.0
_PORT_ATTEMPTS = 5


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server child process bound to 127.0.0.1; stop and start keep the port and directory.

    Persistence is off unless `is_durable`: then every write is appended and fsynced before Redis
    answers it (`appendfsync always`), so a server killed with SIGKILL comes back with every
    acknowledged write, which is what the restart test needs.
    """

    def __init__(self, directory: Path, *, is_durable: bool = False, is_tls: bool = False) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed (Debian package redis-server); Redis tests need it")
        self.executable = executable
        self.directory = directory
        self.is_durable = is_durable
        self.is_tls = is_tls
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._has_started = False

    def url(self, db: int = 0) -> str:
        """Return the URL of database `db` on this server: rediss:// trusting its own CA for TLS."""
        if self.is_tls:
            return f"rediss://127.0.0.1:{self.port}/{db}?ssl_ca_certs={self.directory / 'cert.pem'}"
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        """Start the server and wait until it answers PING.

        A first start that loses its port to another process (the port was free when probed)
        tries again on a new one; a restart keeps the port, as clients hold the URL.
        """
        for _ in range(_PORT_ATTEMPTS):
            if self._launch():
                self._has_started = True
                return
            if self._has_started:
                break
            self.port = _free_port()
        pytest.fail(f"redis-server could not start on 127.0.0.1 (last port {self.port})")

    def _launch(self) -> bool:
        persistence = ["yes", "--appendfsync", "always"] if self.is_durable else ["no"]
        command = [
            self.executable,
            *(self._tls_options() if self.is_tls else ("--port", str(self.port))),
            *("--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", *persistence),
            *("--dir", str(self.directory), "--daemonize", "no", "--loglevel", "warning"),
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + _START_TIMEOUT_S
        client = redis.Redis.from_url(self.url(), socket_timeout=1.0)
        try:
            while self._process.poll() is None:
                try:
                    if client.ping():
                        return True
                except redis.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server on port {self.port} did not answer in {_START_TIMEOUT_S} s")
                time.sleep(0.02)
            self._process = None  # exited at start: the port was taken
            return False
        finally:
            client.close()

    def _tls_options(self) -> tuple[str, ...]:
        """Make a self-signed certificate for 127.0.0.1 (once) and serve TLS only."""
        cert, key = self.directory / "cert.pem", self.directory / "key.pem"
        if not cert.exists():
            subprocess.run(
                [
                    *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                    *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
                    *("-addext", "subjectAltName=IP:127.0.0.1"),
                ],
                check=True,
                capture_output=True,
            )
        return (
            *("--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no"),
            *("--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file", str(cert)),
        )

    def stop(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would, and wait for it to go."""
        if self._process is None:
            return
        self._process.kill()
        self._process.wait(timeout=_START_TIMEOUT_S)
        self._process = None

    @property
    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the whole run, persistence off; stopped at the end."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The URL of an emptied database on the shared server, emptied again after the test."""
    client = redis.Redis.from_url(redis_server.url(0))
    client.flushdb()
    try:
        yield redis_server.url(0)
    finally:
        client.flushdb()
        client.close()


def _own_server(server: RedisServer) -> Iterator[RedisServer]:
    server.directory.mkdir()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tls_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of its own that speaks only TLS, with a self-signed certificate."""
    yield from _own_server(RedisServer(tmp_path / "redis-tls", is_tls=True))


@pytest.fixture
def durable_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of its own that keeps every acknowledged write across a kill and restart."""
    yield from _own_server(RedisServer(tmp_path / "redis", is_durable=True))
