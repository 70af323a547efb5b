"""pardo.ProcessPoolExecutor and pardo.Pool: Python calls on pardo's supervised worker
processes.

Workers are fresh interpreters started by posix_spawn and supervised by pardo's C++ core. A
worker that dies fails only its own task, with :class:`WorkerCrashed`, and is replaced.
"""

import atexit
import collections
import concurrent.futures as cf
import itertools
import math
import multiprocessing
import os
import queue
import re
import sys
import threading
import time
import weakref

import cloudpickle

from . import _pardo
from ._state import DirectView, collecting
from ._worker import _plain, pack, unpack


class WorkerCrashed(RuntimeError):
    """The worker process running a task died (a segfault, ``os._exit``, a signal, the OOM
    killer). The pool replaced it; only this task failed. ``pid``, ``signal`` (0 if it
    exited) and ``exit_status`` (-1 if a signal killed it) say which and how::

        try:
            f.result()
        except pardo.WorkerCrashed as e:
            print(e.pid, e.signal)
    """

    def __init__(self, message, pid=-1, signal=0, exit_status=-1):
        super().__init__(message)
        self.pid = pid
        self.signal = signal
        self.exit_status = exit_status


class WorkerStalled(WorkerCrashed):
    """The worker made no progress for the pool's stall limit and was killed."""


class RemoteError(RuntimeError):
    """A task failed in a way that is not a Python exception of its own: the pool's
    initializer failed, or its bytes could not be read."""


class _RemoteTraceback(Exception):
    """The worker's traceback, set as ``__cause__`` of a task's exception (as
    concurrent.futures does)."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text

    def __str__(self):
        return self.text


_PYTHON_CALL = re.compile(r"remote function 'python_call'( on input \d+)?")


def _results(task):
    """The list of results of a finished task, or its exception raised."""
    kind, *rest = task.outcome()
    if kind == "ok":
        reply = rest[0]
        if reply[0] == 0:
            return unpack(memoryview(reply)[1:])
        error, text = unpack(memoryview(reply)[1:])
        error.__cause__ = _RemoteTraceback(f'\n"""\n{text}"""')
        raise error
    if kind == "crashed":
        message, pid, signal, status, stalled = rest
        message = _PYTHON_CALL.sub("its task", message)
        raise (WorkerStalled if stalled else WorkerCrashed)(message, pid, signal, status)
    if kind == "timeout":
        raise TimeoutError(rest[0])
    if kind == "cancelled":
        raise cf.CancelledError(rest[0])
    if kind == "shutdown":
        raise RuntimeError(rest[0])
    if kind == "remote":
        raise RemoteError(rest[1])
    raise RemoteError(rest[0])


class _Future(cf.Future):
    """A concurrent.futures.Future whose cancel() reaches the pool: a task still queued is
    cancelled; one that a worker runs is not."""

    def __init__(self, task):
        super().__init__()
        self._task = task

    def cancel(self):
        with self._condition:
            if self._state in (cf._base.CANCELLED, cf._base.CANCELLED_AND_NOTIFIED):
                return True
            if self._state != cf._base.PENDING:
                return False
        if not self._task.cancel():
            return False
        return cf.Future.cancel(self)

    def running(self):
        with self._condition:
            if self._state == cf._base.RUNNING:
                return True
            return self._state == cf._base.PENDING and self._task.running()


def _settle(future, task):
    """Moves ``future`` to the task's outcome; runs on the pool's I/O thread, with the GIL."""
    try:
        value = _results(task)[0]
    except cf.CancelledError:
        cf.Future.cancel(future)
        future.set_running_or_notify_cancel()
        return
    except BaseException as error:  # noqa: BLE001: the future carries it
        if future.set_running_or_notify_cancel():
            future.set_exception(error)
        return
    if future.set_running_or_notify_cancel():
        future.set_result(value)


def _future_of(task):
    """A concurrent.futures.Future that follows ``task``."""
    future = _Future(task)
    task.add_done_callback(lambda: _settle(future, task))
    return future


_live_pools = weakref.WeakSet()


@atexit.register
def _shutdown_at_exit():
    for pool in list(_live_pools):
        pool._shutdown_core(wait=True, cancel=False)


def _worker_command():
    """The interpreter, unbuffered, with this package and the parent's import path first."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = [package_root] + [p for p in sys.path if isinstance(p, str)]
    script = f"import sys; sys.path[:0] = {path!r}; import pardo._worker; pardo._worker.main()"
    return [sys.executable, "-u", "-c", script]


def _seconds(name, value):
    """A positive finite duration, or 0.0 (off) for None."""
    if value is None:
        return 0.0
    seconds = float(value)
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"{name} must be a positive number of seconds or None; got {seconds}")
    return seconds


def _check_count(name, value, allow_none=True):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")


def _keeping(tasks, segments):
    """``tasks``, each keeping the shared segments its arguments name until it is done."""
    if segments:
        for task in tasks:
            task.add_done_callback(lambda: segments)
    return tasks


class _Core:
    """The C++ pool and what both front ends share: packing, submitting, shutting down."""

    def __init__(self, workers, max_retries, task_timeout, stall_timeout, max_tasks_per_child,
                 initializer, initargs, owner_name, closed_error):
        _check_count("max_workers" if owner_name == "ProcessPoolExecutor" else "processes",
                     workers)
        _check_count("max_tasks_per_child", max_tasks_per_child)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be at least 0; got {max_retries}")
        task_timeout = _seconds("task_timeout", task_timeout)
        stall_timeout = _seconds("stall_timeout", stall_timeout)
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be callable")
        payload = None
        if initializer is not None:
            payload = cloudpickle.dumps((initializer, tuple(initargs)), protocol=5)
        self.pool = _pardo._ProcessPool(
            workers if workers is not None else _pardo._default_workers(),
            _worker_command(), max_retries, task_timeout, stall_timeout, max_tasks_per_child or 0,
            payload)
        self.lock = threading.Lock()
        self.closed = False
        self.closed_error = closed_error
        _live_pools.add(self)

    def submit_calls(self, fn, chunks, kwargs=None):
        """One task per chunk of argument tuples, each running ``fn(*args, **kwargs)``."""
        with collecting() as shared:
            blob = cloudpickle.dumps(fn, protocol=5)
            kwargs = kwargs or {}
            plain = not kwargs or _plain(kwargs.values())
            payloads = [pack((blob, chunk, kwargs), plain and _plain(chunk)) for chunk in chunks]
        with self.lock:
            if self.closed:
                raise self.closed_error
            return _keeping(self.pool.submit_many(payloads), shared)

    def submit_to(self, workers, fn, args, kwargs):
        """One task running ``fn(*args, **kwargs)`` on each of ``workers`` (indices), in
        their order."""
        with collecting() as shared:
            payload = pack((cloudpickle.dumps(fn, protocol=5), [args], kwargs))
        with self.lock:
            if self.closed:
                raise self.closed_error
            tasks = [self.pool.submit_on(k, payload) for k in workers]
        return _keeping(tasks, shared)

    def _shutdown_core(self, wait, cancel):
        with self.lock:
            self.closed = True
        self.pool.shutdown(wait, cancel)


def _chunks(items, chunksize):
    return [items[i:i + chunksize] for i in range(0, len(items), chunksize)]


def _check_chunksize(chunksize):
    if isinstance(chunksize, bool) or not isinstance(chunksize, int):
        raise TypeError(f"chunksize must be an int, not {type(chunksize).__name__}")
    if chunksize < 1:
        raise ValueError(f"chunksize must be at least 1; got {chunksize}")


def _check_in_flight(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")
    return value


def _read_chunks(rows, chunksize):
    """Lists of ``chunksize`` argument tuples from the iterator ``rows``, read only as they are
    asked for, each with the exception the iterator raised right after it (or None), which
    ends the chunks."""
    while True:
        chunk = []
        try:
            for row in itertools.islice(rows, chunksize):
                chunk.append(row)
        except Exception as error:  # raised by the caller's iterable: it comes in its place
            yield chunk, error
            return
        if not chunk:
            return
        yield chunk, None
        if len(chunk) < chunksize:
            return


class _Feed:
    """Submits chunks of ``rows`` as they are needed, keeping at most ``window`` submitted and
    not yet consumed; an exception from ``rows`` waits until the chunks before it are."""

    def __init__(self, core, fn, rows, chunksize, window):
        self._core = core
        self._fn = fn
        self._chunks = _read_chunks(rows, chunksize)
        self._window = window
        self.in_flight = collections.deque()
        self.failure = None

    def fill(self, on_submit=None):
        while self._chunks is not None and len(self.in_flight) < self._window:
            chunk, error = next(self._chunks, ([], None))
            if chunk:
                (task,) = self._core.submit_calls(self._fn, [chunk])
                self.in_flight.append(task)
                if on_submit is not None:
                    on_submit(task)
            if error is not None or not chunk:
                self.failure = error
                self._chunks = None

    def cancel(self):
        self._chunks = None
        for task in self.in_flight:
            if not task.done():
                task.cancel()


def _lazy_ordered(feed, deadline=None):
    """The results of ``feed``'s chunks in order, submitting more as they are consumed."""
    try:
        while feed.in_flight:
            task = feed.in_flight[0]
            timeout = None if deadline is None else deadline - time.monotonic()
            if not task.done() and not task.wait(timeout):
                raise TimeoutError("map: the results did not arrive within the timeout")
            yield from _results(task)
            feed.in_flight.popleft()
            feed.fill()
        if feed.failure is not None:
            raise feed.failure
    finally:
        feed.cancel()


def _lazy_unordered(feed):
    """The results of ``feed``'s chunks as they finish, submitting more as they are consumed."""
    done = queue.SimpleQueue()

    def watch(task):
        task.add_done_callback(lambda: done.put(task))

    def results():
        try:
            while feed.in_flight:
                task = done.get()
                yield from _results(task)
                feed.in_flight.remove(task)
                feed.fill(watch)
            if feed.failure is not None:
                raise feed.failure
        finally:
            feed.cancel()

    for task in feed.in_flight:
        watch(task)
    return results()


def _ordered(tasks, deadline=None):
    """The results of ``tasks`` in order; on an error, a timeout or an early close, the
    tasks not reached are cancelled."""
    try:
        for task in tasks:
            timeout = None if deadline is None else deadline - time.monotonic()
            if not task.done() and not task.wait(timeout):
                raise TimeoutError("map: the results did not arrive within the timeout")
            yield from _results(task)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()


class ProcessPoolExecutor(cf.Executor, DirectView):
    """A concurrent.futures executor on pardo's supervised worker processes.

    Functions, lambdas and closures travel with cloudpickle; numpy arrays as pickle protocol 5
    out-of-band buffers. A worker that segfaults, calls ``os._exit`` or is killed fails only
    its own task, with :class:`WorkerCrashed`, and the pool replaces it (concurrent.futures
    breaks the whole pool). A task's exception arrives with its type, its ``__cause__``
    carrying the worker's traceback.

    ``max_retries`` reruns a task whose worker died; ``task_timeout`` (seconds) kills a worker
    whose task runs longer, failing the task with TimeoutError; ``stall_timeout`` (seconds)
    kills a worker whose CPU time has not advanced for that long while it runs a task (stopped
    by SIGSTOP, or blocked; a task that sleeps longer counts too), failing the task with
    :class:`WorkerStalled` unless ``max_retries`` runs it again; ``max_tasks_per_child``
    replaces a worker after that many tasks; ``initializer(*initargs)`` runs in each worker as
    it starts, and if it fails every task fails with :class:`RemoteError`::

        with pardo.ProcessPoolExecutor(4) as pool:
            futures = [pool.submit(simulate, seed) for seed in range(100)]
            for f in concurrent.futures.as_completed(futures):
                print(f.result())
    """

    def __init__(self, max_workers=None, *, max_retries=0, task_timeout=None,
                 stall_timeout=None, max_tasks_per_child=None, initializer=None, initargs=()):
        self._core = _Core(max_workers, max_retries, task_timeout, stall_timeout,
                           max_tasks_per_child,
                           initializer, initargs, "ProcessPoolExecutor",
                           RuntimeError("cannot schedule new futures after shutdown"))

    @property
    def _max_workers(self):
        return self._core.pool.size()

    def submit(self, fn, /, *args, **kwargs):
        """``fn(*args, **kwargs)`` in a worker: a concurrent.futures.Future of its result."""
        (task,) = self._core.submit_calls(fn, [[args]], kwargs)
        return _future_of(task)

    def map(self, fn, *iterables, timeout=None, chunksize=1, buffersize=None):
        """``fn(*args)`` for the items of ``iterables`` taken together, in order, as an
        iterator. Everything is submitted now, or, with ``buffersize`` (as Python 3.14), the
        iterables are read lazily with at most ``buffersize`` chunks submitted and not yet
        yielded, so an endless iterable works. ``timeout`` counts from this call, and
        TimeoutError is raised by the iterator. Leaving the iterator early cancels the tasks
        not started."""
        _check_chunksize(chunksize)
        deadline = None if timeout is None else time.monotonic() + timeout
        if buffersize is not None:
            feed = _Feed(self._core, fn, zip(*iterables), chunksize,
                         _check_in_flight("buffersize", buffersize))
            feed.fill()
            return _lazy_ordered(feed, deadline)
        tasks = self._core.submit_calls(fn, _chunks(list(zip(*iterables)), chunksize))
        return _ordered(tasks, deadline)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Accepts no more tasks; ``cancel_futures`` cancels those not started; ``wait``
        returns once every worker has exited."""
        self._core._shutdown_core(wait, cancel_futures)


class Pool(DirectView):
    """multiprocessing.Pool's interface on pardo's worker processes: ``map``, ``starmap``,
    ``imap``, ``imap_unordered``, ``apply``, ``apply_async`` and ``map_async``, with
    ``chunksize``. A worker that dies fails its own chunk with :class:`WorkerCrashed`, where
    multiprocessing.Pool would wait for ever::

        with pardo.Pool(4) as pool:
            squares = pool.map(lambda x: x * x, range(1000), chunksize=50)
    """

    def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None,
                 *, max_retries=0, task_timeout=None, stall_timeout=None):
        self._core = _Core(processes, max_retries, task_timeout, stall_timeout, maxtasksperchild,
                           initializer, initargs, "Pool", ValueError("Pool not running"))
        self._processes = self._core.pool.size()

    def _chunksize(self, items, chunksize):
        if chunksize is None:
            chunksize = max(1, math.ceil(len(items) / (4 * self._processes)))
        _check_chunksize(chunksize)
        return chunksize

    def _submit(self, fn, args_list, chunksize):
        return self._core.submit_calls(fn, _chunks(args_list, chunksize))

    def map(self, func, iterable, chunksize=None):
        """``[func(x) for x in iterable]``, computed in the workers."""
        items = [(x,) for x in iterable]
        return list(_ordered(self._submit(func, items, self._chunksize(items, chunksize))))

    def starmap(self, func, iterable, chunksize=None):
        """``[func(*args) for args in iterable]``, computed in the workers."""
        items = [tuple(args) for args in iterable]
        return list(_ordered(self._submit(func, items, self._chunksize(items, chunksize))))

    def _feed(self, func, iterable, chunksize, max_in_flight):
        _check_chunksize(chunksize)
        window = (4 * self._processes if max_in_flight is None
                  else _check_in_flight("max_in_flight", max_in_flight))
        feed = _Feed(self._core, func, ((x,) for x in iterable), chunksize, window)
        feed.fill()
        return feed

    def imap(self, func, iterable, chunksize=1, max_in_flight=None):
        """``func(x)`` for each x, in order, as each result arrives. The iterable is read
        lazily: at most ``max_in_flight`` chunks (default four per process) are submitted and
        not yet consumed, so an endless generator works, in constant memory. An exception
        from the iterable is raised in its place, after the results before it."""
        return _lazy_ordered(self._feed(func, iter(iterable), chunksize, max_in_flight))

    def imap_unordered(self, func, iterable, chunksize=1, max_in_flight=None):
        """``func(x)`` for each x, in the order the chunks finish, reading the iterable as
        ``imap`` does."""
        return _lazy_unordered(self._feed(func, iter(iterable), chunksize, max_in_flight))

    def apply(self, func, args=(), kwds=None):
        """``func(*args, **kwds)`` in a worker, waited for."""
        return self.apply_async(func, args, kwds).get()

    def apply_async(self, func, args=(), kwds=None, callback=None, error_callback=None):
        """``func(*args, **kwds)`` in a worker: an AsyncResult."""
        (task,) = self._core.submit_calls(func, [[tuple(args)]], kwds or {})
        return AsyncResult([task], single=True, callback=callback,
                           error_callback=error_callback)

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        """``map`` in the background: an AsyncResult of the list."""
        items = [(x,) for x in iterable]
        tasks = self._submit(func, items, self._chunksize(items, chunksize))
        return AsyncResult(tasks, single=False, callback=callback, error_callback=error_callback)

    def close(self):
        """Accepts no more tasks; those submitted still run."""
        with self._core.lock:
            self._core.closed = True

    def terminate(self):
        """Stops now: tasks not started are cancelled, the workers are killed."""
        with self._core.lock:
            self._core.closed = True
        self._core.pool.terminate()

    def join(self):
        """Waits for the workers to exit; call close() or terminate() first."""
        if not self._core.closed:
            raise ValueError("Pool is still running; call close() or terminate() first")
        self._core._shutdown_core(True, False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.terminate()


class AsyncResult:
    """multiprocessing's AsyncResult: ``get(timeout)``, ``wait(timeout)``, ``ready()``,
    ``successful()``."""

    def __init__(self, tasks, single, callback, error_callback):
        self._tasks = tasks
        self._single = single
        self._event = threading.Event()
        self._remaining = len(tasks)
        self._lock = threading.Lock()
        self._callback = callback
        self._error_callback = error_callback
        if not tasks:
            self._finish()
        for task in tasks:
            task.add_done_callback(self._one_done)

    def _one_done(self):
        with self._lock:
            self._remaining -= 1
            last = self._remaining == 0
        if last:
            self._finish()

    def _finish(self):
        try:
            value = self._value()
        except BaseException as error:  # noqa: BLE001: reported to error_callback
            if self._error_callback is not None:
                self._error_callback(error)
        else:
            if self._callback is not None:
                self._callback(value)
        self._event.set()

    def _value(self):
        values = list(itertools.chain.from_iterable(_results(t) for t in self._tasks))
        return values[0] if self._single else values

    def ready(self):
        return self._event.is_set()

    def wait(self, timeout=None):
        self._event.wait(timeout)

    def successful(self):
        if not self.ready():
            raise ValueError("the result is not ready")
        try:
            self._value()
        except BaseException:  # noqa: BLE001
            return False
        return True

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        for task in self._tasks:
            left = None if deadline is None else deadline - time.monotonic()
            if not task.wait(left):
                raise multiprocessing.TimeoutError(
                    "AsyncResult.get: the result did not arrive in time")
        return self._value()
