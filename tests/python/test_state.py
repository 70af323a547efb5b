"""Data on the workers of pardo's Python pools: broadcast (one shared segment, numpy arrays
read in place, the handle kept alive by the tasks that name it), push/pull, scatter/gather
and targeted calls, on ProcessPoolExecutor and Pool, at 1, 2 and an oversubscribed 5
workers. Every wait has a timeout.
"""

import gc
import os
import signal

import numpy as np
import pytest

import pardo

WAIT = 60
COUNTS = [1, 2, 5]
POOLS = [pardo.ProcessPoolExecutor, pardo.Pool]


def make(kind, n):
    return kind(n)


def close(pool):
    if isinstance(pool, pardo.Pool):
        pool.terminate()
        pool.join()
    else:
        pool.shutdown()


@pytest.fixture(params=[(kind, n) for kind in POOLS for n in COUNTS],
                ids=lambda p: f"{p[0].__name__}-{p[1]}")
def pool(request):
    kind, n = request.param
    p = make(kind, n)
    yield p
    close(p)


def size_of(pool):
    return len(pool.worker_pids())


def mapped(shared):
    """In a worker: whether the array reads shared memory in place, its sum and its pid."""
    a = shared.value["x"]
    return (not a.flags.writeable, not a.flags.owndata, float(a.sum()), os.getpid())


def test_broadcast_arrays_are_read_in_place_and_the_parent_keeps_its_value(pool):
    x = np.arange(1_000_000, dtype=np.float64)
    shared = pool.broadcast({"x": x, "label": "ramp"})
    assert shared.value["x"] is x
    assert shared.nbytes > x.nbytes
    results = pool.on_each_worker(mapped, shared)
    assert len(results) == size_of(pool)
    assert {r[3] for r in results} == set(pool.worker_pids())
    for readonly, view, total, _ in results:
        assert readonly and view
        assert total == float(x.sum())
    assert "ramp" in repr(pool.on_worker(0, repr, shared.value["label"]).result(WAIT))


def test_a_broadcast_handle_lives_as_long_as_the_tasks_that_name_it(pool):
    f = pool.on_worker(0, lambda s: s.value[::7].sum(), pool.broadcast(np.ones(7000)))
    gc.collect()
    assert f.result(WAIT) == 1000.0


def double_in_place(name):
    pardo.worker_value(name)[:] *= 2


def test_push_pull_scatter_gather_and_targeted_calls(pool):
    n = size_of(pool)
    pool.push("threshold", 0.5)
    assert pool.pull("threshold") == [0.5] * n
    pool.push("role", "leader", worker=0)
    assert pool.pull("role", worker=0) == "leader"
    pool.scatter("rows", list(range(11)))
    parts = pool.pull("rows")
    assert [len(p) for p in parts] == [len(p) for p in np.array_split(np.arange(11), n)]
    assert pool.gather("rows") == list(range(11))
    pool.scatter("xs", np.arange(10.0))
    pool.on_each_worker(double_in_place, "xs")
    np.testing.assert_array_equal(pool.gather("xs"), np.arange(10.0) * 2)
    pids = [pool.on_worker(k, os.getpid).result(WAIT) for k in range(n)]
    assert pids == pool.worker_pids()
    assert pool.on_each_worker(os.getpid) == pool.worker_pids()


def test_tasks_read_worker_values(pool):
    pool.push("offset", 100)
    got = list(pool.map(lambda x: x + pardo.worker_value("offset"), range(5)))
    assert got == [100, 101, 102, 103, 104]


@pytest.mark.parametrize("kind", POOLS)
def test_bad_names_workers_and_missing_values_are_named(kind):
    pool = make(kind, 2)
    try:
        with pytest.raises(KeyError, match="no value named 'missing' on this worker"):
            pool.pull("missing")
        with pytest.raises(IndexError, match="worker 2 of a pool of 2 workers"):
            pool.on_worker(2, os.getpid)
        with pytest.raises(IndexError, match="worker -1"):
            pool.push("x", 1, worker=-1)
        with pytest.raises(TypeError, match="worker must be an int, not str"):
            pool.on_worker("0", os.getpid)
        with pytest.raises(TypeError, match="name must be a str, not int"):
            pool.push(3, 1)
        with pytest.raises(ZeroDivisionError):
            pool.on_worker(1, lambda: 1 / 0).result(WAIT)
    finally:
        close(pool)


def test_a_replaced_worker_starts_without_values_and_the_others_keep_theirs():
    with pardo.ProcessPoolExecutor(2) as pool:
        pool.push("kept", 7)
        with pytest.raises(pardo.WorkerCrashed):
            pool.on_worker(0, lambda: os.kill(os.getpid(), signal.SIGKILL)).result(WAIT)
        assert pool.pull("kept", worker=1) == 7
        with pytest.raises(KeyError, match="'kept'"):
            pool.pull("kept", worker=0)


def test_calls_after_shutdown_are_refused():
    pool = pardo.ProcessPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.push("x", 1)
