"""Real SPARQL engines started by the project on 127.0.0.1: the Oxigraph server and Virtuoso.

Each runs as a child process with its own temporary folder, on ports chosen free, and is
stopped (and its folder removed) on :meth:`EngineProcess.stop`. Start-up waits are bounded:
an engine that does not answer a query within ``start_timeout`` seconds is killed and
:class:`EngineError` says why, with the end of its log.

    with OxigraphServer() as engine:        # oxigraph serve --location DIR --bind 127.0.0.1:PORT
        engine.url                          # http://127.0.0.1:PORT/query
    with VirtuosoServer() as engine:        # virtuoso-t +foreground +configfile DIR/virtuoso.ini
        engine.url                          # http://127.0.0.1:PORT/sparql

The binaries come from ``scripts/setup.sh --test``: ``oxigraph`` from PyPI (beside the Python
interpreter) and ``virtuoso-t`` from Debian's ``virtuoso-opensource``. :func:`find_binary`
raises :class:`EngineMissing` naming the package when one is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

__all__ = ["ENGINES", "EngineError", "EngineMissing", "EngineProcess", "OxigraphServer", "VirtuosoServer",
           "find_binary", "start_engine"]


class EngineError(RuntimeError):
    """An engine did not start or stop as it should."""


class EngineMissing(EngineError):
    """The engine's binary is not installed."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(name: str, package: str) -> str:
    """The path of an engine binary: beside this Python (a venv's ``bin/``), else on ``PATH``."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise EngineMissing(f"{name} is not installed (it comes with {package}; run scripts/setup.sh --test)")
    return found


class EngineProcess:
    """One engine process; subclasses say how to configure, start and address it."""

    kind = "engine"

    def __init__(self, start_timeout: float = 60.0, query_timeout: float = 5.0, folder: Path | None = None):
        self.start_timeout, self.query_timeout = start_timeout, query_timeout
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix=f"cakg-{self.kind}-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    # ------------------------------------------------------------ to override
    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    # ------------------------------------------------------------ lifecycle
    @property
    def log_path(self) -> Path:
        return self.folder / "engine.log"

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def start(self) -> "EngineProcess":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(), cwd=self.folder, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._close_log()
                raise EngineError(f"{self.kind} exited with code {self.process.returncode} at start:\n{self.log_tail()}")
            try:
                r = httpx.post(self.url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                               timeout=2)
                if r.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise EngineError(f"{self.kind} did not answer within {self.start_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:  # pragma: no cover - ended between poll and kill
                pass
        self._close_log()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def kill(self) -> None:
        """End the engine at once (SIGKILL), as a crash would; its folder is kept until :meth:`stop`."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class OxigraphServer(EngineProcess):
    """``oxigraph serve`` (the ``oxigraph`` package on PyPI) over a store in its folder."""

    kind = "oxigraph"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def command(self) -> list[str]:
        return [find_binary("oxigraph", "the 'oxigraph' package on PyPI"), "serve", "--location",
                str(self.folder / "store"), "--bind", f"127.0.0.1:{self.port}",
                "--timeout-s", str(max(1, round(self.query_timeout)))]


VIRTUOSO_INI = """\
; written by graph/store/engines.py: one Virtuoso for cakg's tests and benchmarks, loopback only
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
DirsAllowed        = ., {dir}
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty}
CheckpointInterval = 60
[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {dir}
ServerThreads      = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryExecutionTime      = {timeout}
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer(EngineProcess):
    """Debian's Virtuoso 7 (``virtuoso-t``) with a minimal ``virtuoso.ini`` in its folder: SQL and
    HTTP ports on 127.0.0.1, the folder the only one allowed to file functions, result rows and
    query time capped. The administrator account is Virtuoso's default (``dba``/``dba``): the
    engine listens on loopback only and lives as long as the test session or benchmark."""

    kind = "virtuoso"
    user, password = "dba", "dba"

    def __init__(self, *args, max_rows: int = 100_000, buffers: int = 170_000, **kw):
        super().__init__(*args, **kw)
        self.sql_port = free_port()
        self.max_rows, self.buffers = max_rows, buffers

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def command(self) -> list[str]:
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.port,
                                           buffers=self.buffers, dirty=self.buffers * 3 // 4, max_rows=self.max_rows,
                                           timeout=max(1, round(self.query_timeout))))
        return [find_binary("virtuoso-t", "Debian's virtuoso-opensource"), "+foreground", "+configfile", str(ini)]


ENGINES = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


def start_engine(kind: str, **kw) -> EngineProcess:
    """Start an engine by name (``oxigraph`` or ``virtuoso``)."""
    try:
        cls = ENGINES[kind]
    except KeyError:
        raise ValueError(f"unknown engine {kind!r} (known: {', '.join(ENGINES)})") from None
    return cls(**kw).start()
