"""Lambda-like execution environments for the local gateway: one child process per "container".

Lambda runs each concurrent invocation of a function in its own execution environment (a process
that imported the handler once, during its init phase, and then serves one invocation at a time).
:class:`Pool` does the same locally: a function gets up to ``size`` containers, started on demand
when every existing one is busy, each used by one invocation at a time and kept warm after it.
Requests beyond ``size`` wait for a free container.

A container is a child process (``python -m oms_local.containers``) with exactly the function's
environment (nothing inherited from the gateway's process: see :mod:`oms_local.contract`), its
code directories and its IAM guard installed before the handler is imported, so concurrent
invocations share no module globals (Powertools' resolver keeps the current request on class
attributes) and no ``os.environ``.

The child speaks one JSON line per message on its stdin/stdout (the handler's own output, e.g.
Powertools' JSON logs on stdout, goes to the gateway's stderr):

- child -> parent once started: ``{"ready": true}`` or ``{"init_error": {...}}``
- parent -> child: ``{"event": ..., "request_id": ..., "timeout_s": ...}``
- child -> parent: ``{"result": ...}`` or ``{"error": {"errorType", "errorMessage", "stackTrace"}}``
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

_SPEC_VAR = "OMS_LOCAL_CONTAINER"
# Containers per function: enough for concurrency tests, few enough for a laptop (each is a process).
DEFAULT_CONCURRENCY = int(os.environ.get("OMS_LOCAL_CONCURRENCY", "4"))


class FunctionError(Exception):
    """What the function raised, as its runtime reports it. See :func:`function_error`."""

    error_type: str = "Exception"
    stack: str = ""


def function_error(error_type: str, message: str, stack: str) -> FunctionError:
    """An exception that prints like the one raised in the container (``RuntimeError: boom``).

    The container's stack trace is attached as a note, so ``traceback.format_exception`` shows it.
    """
    cls = type(error_type, (FunctionError,), {"__module__": "builtins", "__qualname__": error_type})
    exc = cls(message)
    exc.error_type = error_type
    exc.stack = stack
    if stack:
        exc.add_note(f"in the function container:\n{stack.rstrip()}")
    return exc


@dataclass
class ContainerSpec:
    """What a container needs to start: the handler, its code directories and its environment."""

    function_name: str
    handler: str  # "package.module.function"
    code_dir: Path
    extra_paths: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    memory_mb: int = 128
    #: the function's IAM statements (:class:`oms_local.iam.Statement` as dicts); None: no checks
    statements: list[dict[str, Any]] | None = None
    region: str = "ap-northeast-2"
    account: str = "000000000000"

    def guard(self) -> Any:
        from oms_local.iam import Guard, Statement

        if self.statements is None:
            return None
        return Guard(self.function_name, [Statement(**s) for s in self.statements], self.region, self.account)


def _parent_source_paths() -> list[str]:
    """The parent's import roots outside the interpreter's own (oms_local, oms, ...), for the child."""
    prefixes = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    out = []
    for entry in sys.path:
        if not entry or not Path(entry).is_dir():
            continue
        resolved = str(Path(entry).resolve())
        if any(resolved == p or resolved.startswith(p + os.sep) for p in prefixes):
            continue
        out.append(resolved)
    return out


class Container:
    """One execution environment: a child process that imported the handler and serves invocations."""

    def __init__(self, spec: ContainerSpec, base_env: Mapping[str, str] | None = None) -> None:
        self.spec = spec
        code_paths = [str(p) for p in [spec.code_dir, *spec.extra_paths] if p.is_dir()]
        env = dict(base_env or {})  # the function's environment only, never the gateway's
        env.update(spec.env)
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([*code_paths, *_parent_source_paths()]))
        env[_SPEC_VAR] = json.dumps(
            {"handler": spec.handler, "paths": code_paths, "function_name": spec.function_name,
             "memory_mb": spec.memory_mb, "statements": spec.statements, "region": spec.region,
             "account": spec.account}
        )
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oms_local.containers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(spec.code_dir) if spec.code_dir.is_dir() else None,
            env=env,
            # Not in the terminal's process group: Ctrl-C stops the gateway, which ends its containers
            # (a container also exits when the gateway goes away: its stdin closes).
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in: IO[bytes] = self.process.stdin
        self._out: IO[bytes] = self.process.stdout
        self.init_error: FunctionError | None = None
        first = self._read()
        if "init_error" in first:
            err = first["init_error"]
            self.init_error = function_error(err["errorType"], err["errorMessage"], "".join(err["stackTrace"]))

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _read(self) -> dict[str, Any]:
        line = self._out.readline()
        if not line:
            code = self.process.wait()
            raise function_error("Runtime.ExitError", f"the container of {self.spec.function_name} exited "
                                 f"(code {code})", "")
        message: dict[str, Any] = json.loads(line)
        return message

    def invoke(self, event: Any, request_id: str, timeout_s: float) -> Any:
        """Run one invocation; returns the handler's result or raises :class:`FunctionError`."""
        if self.init_error is not None:
            raise self.init_error
        self._in.write(json.dumps({"event": event, "request_id": request_id, "timeout_s": timeout_s}).encode()
                       + b"\n")
        self._in.flush()
        answer = self._read()
        if "error" in answer:
            err = answer["error"]
            raise function_error(err["errorType"], err["errorMessage"], "".join(err["stackTrace"]))
        return answer["result"]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._in.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            self._out.close()


class Pool:
    """Up to ``size`` containers of one function, started on demand, each serving one invocation at a time."""

    def __init__(self, spec: ContainerSpec, size: int, base_env: Mapping[str, str] | None = None) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one container")
        self.spec = spec
        self.size = size
        self.base_env = base_env
        self._idle: list[Container] = []
        self._count = 0  # started or starting
        self._cond = threading.Condition()
        self._closed = False

    @property
    def started(self) -> int:
        """Containers running or starting (cold starts so far minus those that ended)."""
        return self._count

    @contextlib.contextmanager
    def container(self) -> Iterator[Container]:
        """A container for one invocation: an idle warm one, a new one (cold start) or the next one freed."""
        with self._cond:
            while not self._idle and self._count >= self.size:
                if self._closed:
                    raise RuntimeError("the pool is closed")
                self._cond.wait()
            if self._closed:
                raise RuntimeError("the pool is closed")
            warm = self._idle.pop() if self._idle else None
            if warm is None:
                self._count += 1
        if warm is None:
            try:
                warm = Container(self.spec, self.base_env)
            except BaseException:
                self._release(None)
                raise
        container = warm
        try:
            yield container
        finally:
            self._release(container, keep=container.alive and container.init_error is None)

    def _release(self, container: Container | None, keep: bool = False) -> None:
        with self._cond:
            keep = keep and container is not None and not self._closed
            if keep and container is not None:
                self._idle.append(container)
            else:
                self._count -= 1
            self._cond.notify()
        if container is not None and not keep:
            container.stop()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for c in idle:
            c.stop()


class InProcess:
    """``concurrency=0``: every invocation runs in THIS process, one at a time (exactly the function's
    environment and IAM guard applied around the call, :func:`oms_local.contract.scope`).
    For tests that inject a fault into the handler's code
    (a monkeypatched function dies mid-run) and for a debugger's breakpoints; not Lambda-like."""

    _lock = threading.RLock()

    def __init__(self, spec: ContainerSpec) -> None:
        self.spec = spec
        self._handler: Any = None

    @contextlib.contextmanager
    def container(self) -> Iterator[InProcess]:
        with self._lock:
            yield self

    def invoke(self, event: Any, request_id: str, timeout_s: float) -> Any:
        from oms_local.contract import scope
        from oms_local.lambda_context import LambdaContext

        with scope(self.spec.function_name, lambda _outer: dict(self.spec.env), self.spec.guard()):
            if self._handler is None:
                for p in reversed([str(self.spec.code_dir), *map(str, self.spec.extra_paths)]):
                    if p not in sys.path:
                        sys.path.insert(0, p)
                module_name, _, func_name = self.spec.handler.rpartition(".")
                self._handler = getattr(importlib.import_module(module_name), func_name)
            context = LambdaContext(function_name=self.spec.function_name, memory_limit_in_mb=self.spec.memory_mb,
                                    timeout_s=timeout_s, aws_request_id=request_id)
            try:
                return self._handler(event, context)
            except Exception as exc:
                err = _error_payload(exc)
                raise function_error(err["errorType"], err["errorMessage"], "".join(err["stackTrace"])) from exc

    def close(self) -> None:
        self._handler = None


# --------------------------------------------------------------------------- the child process


def _error_payload(exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc),
    }


def _child_main(argv: Sequence[str] | None = None) -> int:
    from oms_local.lambda_context import LambdaContext

    spec = json.loads(os.environ.pop(_SPEC_VAR))
    # The protocol keeps the original stdin/stdout; the handler's prints and logs go to stderr.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)

    def send(message: dict[str, Any]) -> None:
        try:
            line = json.dumps(message, ensure_ascii=False)
        except (TypeError, ValueError) as exc:  # what Lambda answers for a result it cannot serialise
            line = json.dumps({"error": {"errorType": "Runtime.MarshalError", "errorMessage": str(exc),
                                         "stackTrace": []}})
        proto_out.write(line.encode("utf-8") + b"\n")
        proto_out.flush()

    if spec.get("statements") is not None:  # the function's IAM, checked on every AWS call it makes
        from oms_local.iam import Guard, Statement, activate, install

        install()
        activate(Guard(spec["function_name"], [Statement(**s) for s in spec["statements"]], spec["region"],
                       spec["account"]))
    for p in reversed(spec["paths"]):
        if p not in sys.path:
            sys.path.insert(0, p)
    module_name, _, func_name = spec["handler"].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), func_name)
    except Exception as exc:  # Lambda: Runtime.ImportModuleError on every invocation
        send({"init_error": _error_payload(exc)})
        handler = None
    else:
        send({"ready": True})

    for raw in proto_in:
        request = json.loads(raw)
        if handler is None:
            continue
        context = LambdaContext(
            function_name=spec["function_name"], memory_limit_in_mb=spec["memory_mb"],
            timeout_s=float(request["timeout_s"]), aws_request_id=request["request_id"],
        )
        try:
            result = handler(request["event"], context)
        except Exception as exc:  # reported to the gateway, which logs it
            send({"error": _error_payload(exc)})
        else:
            send({"result": result})
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main())
