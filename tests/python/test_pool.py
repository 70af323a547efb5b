"""pardo.ProcessPoolExecutor and pardo.Pool: concurrent.futures' and multiprocessing's
semantics, on workers that may crash, hang or raise.

Each test runs at 1, 2 and an oversubscribed 5 workers where the count matters. Every wait
has a timeout, so a hang fails the test instead of blocking the suite.
"""

import concurrent.futures as cf
import ctypes
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import pardo

WAIT = 60
COUNTS = [1, 2, 5]


def square(x):
    return x * x


def add(a, b):
    return a + b


def sleep_then(seconds, value):
    time.sleep(seconds)
    return value


def wait_for_file(path, value):
    deadline = time.monotonic() + WAIT
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


def touch_then(path, value):
    open(path, "w").close()
    return value


def pid_after(seconds):
    time.sleep(seconds)
    return os.getpid()


def segfault():
    ctypes.string_at(0)


class NotPicklableError(Exception):
    def __init__(self):
        super().__init__("holds a lock")
        self.lock = threading.Lock()


def raise_unpicklable():
    raise NotPicklableError()


@pytest.fixture(params=COUNTS, ids=lambda n: f"workers{n}")
def executor(request):
    with pardo.ProcessPoolExecutor(request.param) as pool:
        yield pool


# concurrent.futures: results, states, callbacks, exceptions


def test_submit_returns_concurrent_futures_with_the_results(executor):
    futures = [executor.submit(square, i) for i in range(50)]
    assert all(isinstance(f, cf.Future) for f in futures)
    assert [f.result(timeout=WAIT) for f in futures] == [i * i for i in range(50)]
    assert all(f.done() and not f.running() and not f.cancelled() for f in futures)


def test_submit_passes_keyword_arguments(executor):
    assert executor.submit(sorted, [3, 1, 2], reverse=True).result(timeout=WAIT) == [3, 2, 1]


def test_lambdas_and_closures_travel_with_cloudpickle(executor):
    offset = 10

    def shifted(x):
        return x + offset

    assert executor.submit(lambda x: x * 3, 7).result(timeout=WAIT) == 21
    assert list(executor.map(shifted, range(5))) == [10, 11, 12, 13, 14]


def test_numpy_arrays_arrive_whole_and_writable(executor):
    a = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000)

    def double_in_place(x):
        x *= 2
        return x

    out = executor.submit(double_in_place, a).result(timeout=WAIT)
    np.testing.assert_array_equal(out, 2 * np.arange(1_000_000.0).reshape(1000, 1000))
    assert out.flags.writeable
    np.testing.assert_array_equal(a, np.arange(1_000_000.0).reshape(1000, 1000))
    out[0, 0] = -1.0


def test_an_exception_arrives_with_its_type_and_the_workers_traceback(executor):
    future = executor.submit(int, "not a number")
    with pytest.raises(ValueError, match="invalid literal") as raised:
        future.result(timeout=WAIT)
    assert isinstance(future.exception(timeout=WAIT), ValueError)
    assert "Traceback" in str(raised.value.__cause__)
    # The worker survives its task's exception.
    assert executor.submit(square, 3).result(timeout=WAIT) == 9


def test_an_exception_that_cannot_be_pickled_arrives_as_runtime_error_naming_it(executor):
    with pytest.raises(RuntimeError, match="NotPicklableError: holds a lock"):
        executor.submit(raise_unpicklable).result(timeout=WAIT)


def test_system_exit_in_a_task_fails_only_that_task(executor):
    with pytest.raises(SystemExit):
        executor.submit(exit, 4).result(timeout=WAIT)
    assert executor.submit(square, 2).result(timeout=WAIT) == 4


def test_done_callbacks_run_once_with_the_future():
    with pardo.ProcessPoolExecutor(2) as pool:
        seen = []
        done = threading.Event()
        future = pool.submit(square, 6)

        def record(f):
            seen.append(f.result())
            done.set()

        future.add_done_callback(record)
        assert done.wait(WAIT)
        assert seen == [36]
        late = []
        future.add_done_callback(lambda f: late.append(f.result()))
        assert late == [36]


def test_cancel_stops_a_queued_task_but_not_a_running_one():
    with pardo.ProcessPoolExecutor(1) as pool:
        running = pool.submit(sleep_then, 1.0, "ran")
        # The pool sends a worker its next task ahead; the last of these stays queued.
        queued = [pool.submit(square, 3) for _ in range(20)][-1]
        deadline = time.monotonic() + WAIT
        while not running.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert running.running()
        assert queued.cancel()
        assert queued.cancelled() and queued.done()
        with pytest.raises(cf.CancelledError):
            queued.result(timeout=WAIT)
        assert not running.cancel()
        assert running.result(timeout=WAIT) == "ran"


def test_wait_and_as_completed_work_on_its_futures(tmp_path):
    # The slow task waits for the fast one's file rather than a fixed time: under load the
    # second worker may take longer than any sleep to start.
    flag = str(tmp_path / "fast-done")
    with pardo.ProcessPoolExecutor(2) as pool:
        slow = pool.submit(wait_for_file, flag, "slow")
        fast = pool.submit(touch_then, flag, "fast")
        first = next(cf.as_completed([slow, fast], timeout=WAIT))
        assert first is fast
        done, not_done = cf.wait([slow, fast], timeout=WAIT)
        assert done == {slow, fast} and not not_done
        done, _ = cf.wait([pool.submit(square, 2), pool.submit(int, "x")], timeout=WAIT,
                          return_when=cf.FIRST_EXCEPTION)
        assert any(f.exception() is not None for f in done)


def test_result_timeout_raises_timeout_error_and_the_task_goes_on():
    with pardo.ProcessPoolExecutor(1) as pool:
        future = pool.submit(sleep_then, 0.5, 1)
        with pytest.raises(TimeoutError):
            future.result(timeout=0.01)
        assert future.result(timeout=WAIT) == 1


# map


@pytest.mark.parametrize("chunksize", [1, 3, 100])
def test_map_keeps_input_order_for_any_chunksize(executor, chunksize):
    xs = list(range(97))
    assert list(executor.map(square, xs, chunksize=chunksize)) == [x * x for x in xs]
    assert list(executor.map(add, xs, reversed(xs), chunksize=chunksize)) == [96] * 97
    assert list(executor.map(square, [], chunksize=chunksize)) == []


def test_map_raises_the_first_error_in_input_order(executor):
    results = executor.map(int, ["1", "2", "x", "4"])
    assert next(results) == 1 and next(results) == 2
    with pytest.raises(ValueError, match="'x'"):
        next(results)


def test_map_timeout_counts_from_the_call():
    with pardo.ProcessPoolExecutor(2) as pool:
        results = pool.map(sleep_then, [2.0, 2.0], [1, 2], timeout=0.1)
        with pytest.raises(TimeoutError):
            list(results)


def test_map_refuses_a_bad_chunksize(executor):
    with pytest.raises(ValueError, match="chunksize must be at least 1; got 0"):
        executor.map(square, [1], chunksize=0)
    with pytest.raises(TypeError, match="chunksize must be an int"):
        executor.map(square, [1], chunksize=1.5)


def counted(reads, fail_at=None):
    """0, 1, 2, ... for ever, each number read appended to ``reads``; KeyError at
    ``fail_at``."""
    for i in itertools.count():
        if i == fail_at:
            raise KeyError(f"input {i}")
        reads.append(i)
        yield i


@pytest.mark.parametrize("chunksize,buffersize", [(1, 1), (3, 2)])
def test_map_with_a_buffersize_reads_an_endless_iterable_lazily(executor, chunksize, buffersize):
    reads = []
    results = executor.map(square, counted(reads), chunksize=chunksize, buffersize=buffersize)
    for consumed, y in enumerate(results, start=1):
        assert y == (consumed - 1) ** 2
        assert len(reads) <= consumed - 1 + buffersize * chunksize
        if consumed == 30:
            break
    results.close()
    with pytest.raises(KeyError, match="input 4"):
        list(executor.map(square, counted([], fail_at=4), buffersize=2))
    with pytest.raises(ValueError, match="buffersize must be at least 1; got 0"):
        executor.map(square, [1], buffersize=0)


# crashes, retries, timeouts, recycling


@pytest.mark.parametrize("workers", COUNTS)
def test_a_worker_that_exits_fails_only_its_task_and_is_replaced(workers):
    with pardo.ProcessPoolExecutor(workers) as pool:
        crashed = pool.submit(os._exit, 3)
        others = [pool.submit(square, i) for i in range(20)]
        with pytest.raises(pardo.WorkerCrashed, match="exited with status 3 while running "
                                                      "its task") as raised:
            crashed.result(timeout=WAIT)
        assert raised.value.exit_status == 3 and raised.value.signal == 0
        assert raised.value.pid > 0
        assert [f.result(timeout=WAIT) for f in others] == [i * i for i in range(20)]
        assert pool.submit(square, 5).result(timeout=WAIT) == 25


def test_a_segfaulting_task_fails_with_worker_crashed_naming_the_signal(executor):
    future = executor.submit(segfault)
    with pytest.raises(pardo.WorkerCrashed) as raised:
        future.result(timeout=WAIT)
    assert raised.value.signal == signal.SIGSEGV
    assert "signal 11" in str(raised.value)
    assert list(executor.map(square, range(10))) == [x * x for x in range(10)]


def test_a_worker_killed_from_outside_fails_only_its_task():
    with pardo.ProcessPoolExecutor(2) as pool:
        victim = pool.submit(pid_after, 30.0)
        deadline = time.monotonic() + WAIT
        while not victim.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        pids = pool.worker_pids()
        for pid in pids:
            # The idle worker answers at once; the busy one is the victim's.
            if pool.submit(os.getpid).result(timeout=WAIT) != pid:
                os.kill(pid, signal.SIGKILL)
                break
        with pytest.raises(pardo.WorkerCrashed) as raised:
            victim.result(timeout=WAIT)
        assert raised.value.signal == signal.SIGKILL
        assert pool.submit(square, 4).result(timeout=WAIT) == 16


def test_max_retries_reruns_a_task_whose_worker_died(tmp_path):
    marker = tmp_path / "attempts"

    def crash_once():
        with open(marker, "a") as f:
            f.write("x")
        if marker.read_text() == "x":
            os._exit(9)
        return "second attempt"

    with pardo.ProcessPoolExecutor(2, max_retries=1) as pool:
        assert pool.submit(crash_once).result(timeout=WAIT) == "second attempt"
    assert marker.read_text() == "xx"


def test_task_timeout_kills_the_stuck_worker_and_fails_with_timeout_error():
    # A worker's first task imports this module, which takes a while on a loaded machine:
    # the limit leaves room for that.
    with pardo.ProcessPoolExecutor(2, task_timeout=5.0) as pool:
        stuck = pool.submit(sleep_then, 60.0, 1)
        fine = pool.submit(square, 7)
        with pytest.raises(TimeoutError):
            stuck.result(timeout=WAIT)
        assert fine.result(timeout=WAIT) == 49
        assert pool.submit(square, 8).result(timeout=WAIT) == 64


def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return os.getpid()


def test_a_stopped_worker_is_killed_after_stall_timeout_and_its_task_fails_alone():
    with pardo.ProcessPoolExecutor(2, stall_timeout=0.5) as pool:
        victim = pool.submit(spin, 30.0)
        deadline = time.monotonic() + WAIT
        while not victim.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        busy = set(pool.worker_pids()) - {pool.submit(os.getpid).result(timeout=WAIT)}
        (pid,) = busy
        os.kill(pid, signal.SIGSTOP)
        with pytest.raises(pardo.WorkerStalled, match="no progress") as raised:
            victim.result(timeout=WAIT)
        assert raised.value.pid == pid
        assert pool.submit(square, 6).result(timeout=WAIT) == 36
        assert pid not in pool.worker_pids()


def test_ctrl_c_interrupts_a_wait_on_a_result():
    script = textwrap.dedent("""
        import sys, time
        import pardo
        with pardo.ProcessPoolExecutor(1) as pool:
            f = pool.submit(time.sleep, 60)
            print("started", flush=True)
            try:
                f.result()
            except KeyboardInterrupt:
                print("interrupted", flush=True)
                pool.shutdown(wait=False, cancel_futures=True)
                import os; os._exit(130)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env=os.environ.copy())
    assert child.stdout.readline().strip() == "started"
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=WAIT)
    assert (child.returncode, out.strip()) == (130, "interrupted")


def test_max_tasks_per_child_replaces_the_workers():
    with pardo.ProcessPoolExecutor(1, max_tasks_per_child=2) as pool:
        pids = [pool.submit(os.getpid).result(timeout=WAIT) for _ in range(6)]
    assert len(set(pids)) == 3
    assert pids[0] == pids[1] and pids[2] == pids[3] and pids[4] == pids[5]


def test_the_initializer_runs_in_each_worker_before_its_tasks():
    def setup(value):
        os.environ["PARDO_TEST_SETUP"] = value

    with pardo.ProcessPoolExecutor(2, initializer=setup, initargs=("ready",)) as pool:
        got = pool.map(lambda _: os.environ.get("PARDO_TEST_SETUP"), range(8))
        assert set(got) == {"ready"}


def test_a_failing_initializer_fails_every_task_with_its_traceback():
    def setup():
        raise OSError("no table here")

    with pardo.ProcessPoolExecutor(1, initializer=setup) as pool:
        with pytest.raises(pardo.RemoteError, match="no table here"):
            pool.submit(square, 1).result(timeout=WAIT)


# shutdown and bad arguments


def test_shutdown_finishes_the_submitted_work_then_refuses_more():
    pool = pardo.ProcessPoolExecutor(2)
    futures = [pool.submit(sleep_then, 0.05, i) for i in range(6)]
    pool.shutdown(wait=True)
    assert [f.result(timeout=0) for f in futures] == list(range(6))
    with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
        pool.submit(square, 1)


def test_shutdown_with_cancel_futures_cancels_the_queued_tasks():
    pool = pardo.ProcessPoolExecutor(1)
    running = pool.submit(sleep_then, 0.5, "ran")
    queued = [pool.submit(square, i) for i in range(20)]
    deadline = time.monotonic() + WAIT
    while not running.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    pool.shutdown(wait=True, cancel_futures=True)
    assert running.result(timeout=0) == "ran"
    # A task already sent ahead to the worker runs; the rest are cancelled.
    assert queued[-1].cancelled()
    assert all(f.cancelled() or f.result(timeout=0) == i * i for i, f in enumerate(queued))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"max_workers": 0}, ValueError, "max_workers must be at least 1; got 0"),
    ({"max_workers": -2}, ValueError, "got -2"),
    ({"max_workers": 2.5}, TypeError, "max_workers must be an int"),
    ({"max_retries": -1}, ValueError, "max_retries must be at least 0; got -1"),
    ({"task_timeout": -1}, ValueError, "task_timeout must be a positive number"),
    ({"task_timeout": float("nan")}, ValueError, "got nan"),
    ({"stall_timeout": 0}, ValueError, "stall_timeout must be a positive number"),
    ({"max_tasks_per_child": 0}, ValueError, "max_tasks_per_child must be at least 1; got 0"),
    ({"initializer": 3}, TypeError, "initializer must be callable"),
    ({"max_workers": 1 << 20}, ValueError, "1048576"),
])
def test_bad_arguments_raise_naming_the_value(kwargs, error, message):
    with pytest.raises(error, match=message):
        pardo.ProcessPoolExecutor(**kwargs)


# multiprocessing.Pool's interface


@pytest.mark.parametrize("workers", COUNTS)
def test_pool_map_starmap_imap_and_imap_unordered(workers):
    xs = list(range(203))
    with pardo.Pool(workers) as pool:
        assert pool.map(square, xs) == [x * x for x in xs]
        assert pool.map(square, xs, chunksize=7) == [x * x for x in xs]
        assert pool.starmap(add, zip(xs, xs)) == [2 * x for x in xs]
        assert list(pool.imap(square, xs, chunksize=4)) == [x * x for x in xs]
        assert sorted(pool.imap_unordered(square, xs)) == sorted(x * x for x in xs)
        assert pool.apply(add, (2, 3)) == 5
        assert pool.map(square, []) == []


@pytest.mark.parametrize("workers", COUNTS)
def test_pool_imap_reads_an_endless_iterable_only_as_far_as_it_must(workers):
    with pardo.Pool(workers) as pool:
        for imap in (pool.imap, pool.imap_unordered):
            reads = []
            got = []
            results = imap(square, counted(reads), chunksize=3, max_in_flight=2)
            for y in results:
                got.append(y)
                assert len(reads) <= len(got) - 1 + 2 * 3, imap.__name__
                if len(got) == 60:
                    break
            results.close()
            if imap == pool.imap:
                assert got == [x * x for x in range(60)]
            else:  # the first 60 to finish: any 60 inputs read, each once
                assert len(set(got)) == 60 and set(got) <= {x * x for x in reads}


def test_pool_imap_raises_an_iterable_error_after_the_results_before_it():
    with pardo.Pool(2) as pool:
        results = pool.imap(square, counted([], fail_at=5), chunksize=2)
        assert [next(results) for _ in range(5)] == [0, 1, 4, 9, 16]
        with pytest.raises(KeyError, match="input 5"):
            next(results)
        got = []
        with pytest.raises(KeyError, match="input 5"):
            for y in pool.imap_unordered(square, counted([], fail_at=5), chunksize=2):
                got.append(y)
        assert sorted(got) == [0, 1, 4, 9, 16]
        with pytest.raises(ValueError, match="max_in_flight must be at least 1; got 0"):
            pool.imap(square, [1], max_in_flight=0)
        with pytest.raises(TypeError, match="max_in_flight must be an int"):
            pool.imap_unordered(square, [1], max_in_flight="4")


def test_pool_async_results_call_back_and_time_out():
    with pardo.Pool(2) as pool:
        got = []
        result = pool.map_async(square, range(10), callback=got.append)
        assert result.get(timeout=WAIT) == [x * x for x in range(10)]
        result.wait(WAIT)
        assert result.ready() and result.successful() and got == [result.get()]
        errors = []
        failing = pool.apply_async(int, ("x",), error_callback=errors.append)
        with pytest.raises(ValueError):
            failing.get(timeout=WAIT)
        failing.wait(WAIT)
        assert not failing.successful() and isinstance(errors[0], ValueError)
        with pytest.raises(multiprocessing.TimeoutError):
            pool.apply_async(sleep_then, (2.0, 1)).get(timeout=0.05)


def test_pool_survives_a_crash_where_multiprocessing_would_hang():
    with pardo.Pool(2) as pool:
        results = pool.imap(lambda x: os._exit(1) if x == 3 else x, range(6))
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(pardo.WorkerCrashed):
            next(results)
        assert pool.map(square, range(4)) == [0, 1, 4, 9]


def test_pool_close_join_and_terminate():
    pool = pardo.Pool(2)
    pending = pool.map_async(time.sleep, [0.05] * 4)
    with pytest.raises(ValueError, match="Pool is still running"):
        pool.join()
    pool.close()
    with pytest.raises(ValueError, match="Pool not running"):
        pool.map(square, [1])
    pool.join()
    assert pending.get(timeout=0) == [None] * 4
    other = pardo.Pool(1)
    stuck = other.apply_async(sleep_then, (30.0, 1))
    other.terminate()
    with pytest.raises((RuntimeError, cf.CancelledError)):
        stuck.get(timeout=WAIT)
