"""Data on the workers of pardo's Python pools, as IPython parallel's direct view: a value
placed once on every worker (``broadcast``), values each worker keeps between tasks
(``push``, ``pull``, ``scatter``, ``gather``) and calls on one worker or on each
(``on_worker``, ``on_each_worker``). The same contract as the C++ pools' (docs/python.md).
"""

import collections
import itertools
import threading

from . import _pardo
from ._worker import pack_parts, unpack

# In a worker: the values pushed to it, by name.
_values = {}
# In a worker: the broadcasts it has mapped, by segment, the most recently used last.
_mapped = collections.OrderedDict()
_MAX_MAPPED = 16
# In the parent, while a task is packed: the segments of the Shared values it names, which the
# task keeps alive until it is done.
_packing = threading.local()


class Shared:
    """A read-only value placed once on every worker (``pool.broadcast(value)``): pass this
    handle to tasks instead of the value, and read ``value`` there. Workers map one shared
    memory segment and unpickle it once each; numpy arrays in it are read-only views of that
    memory, not copies. In the parent, ``value`` is the object broadcast::

        data = pool.broadcast(np.random.default_rng(1).normal(size=10**8))
        means = pool.map(lambda s: s.value[s.value > 0].mean(), [data] * 4)

    Tasks keep the segment alive until they are done; the parent's handle keeps it for later
    tasks.
    """

    __slots__ = ("_value", "_segment", "_handle")

    def __init__(self, value, segment, handle):
        self._value = value
        self._segment = segment
        self._handle = handle

    @property
    def value(self):
        """The value broadcast (in a worker, decoded once and shared by its tasks)."""
        return self._value

    @property
    def nbytes(self):
        """The size of its encoding in the shared segment."""
        return self._handle[7]

    def __reduce__(self):
        keep = getattr(_packing, "segments", None)
        if keep is not None and self._segment is not None:
            keep.append(self._segment)
        return (_attach, (self._handle,))

    def __repr__(self):
        return f"pardo.Shared({type(self._value).__name__}, {self.nbytes} bytes)"


def broadcast(value):
    """``value`` in one shared memory segment, as a :class:`Shared` handle."""
    segment = _pardo._SharedBytes(pack_parts(value))
    return Shared(value, segment, segment.handle)


def _attach(handle):
    """In a worker: the Shared that ``handle`` names, mapped and decoded once."""
    key = (handle[0], handle[6])
    found = _mapped.get(key)
    if found is None:
        segment = _pardo._SharedBytes.attach(tuple(handle))
        found = Shared(unpack(memoryview(segment)), None, tuple(handle))
        _mapped[key] = found
        if len(_mapped) > _MAX_MAPPED:
            _mapped.popitem(last=False)  # its arrays keep its mapping while anyone reads them
    else:
        _mapped.move_to_end(key)
    return found


class collecting:  # noqa: N801: used as a function, in a with statement
    """While packing a task: gathers the segments of the Shared values it names."""

    def __enter__(self):
        self.segments = []
        _packing.segments = self.segments
        return self.segments

    def __exit__(self, *exc):
        _packing.segments = None


def worker_value(name):
    """In a task: the value named ``name`` on this worker (``push`` or ``scatter`` put it
    there). KeyError, naming it, if there is none::

        pool.push("threshold", 0.5)
        pool.map(lambda x: x > pardo.worker_value("threshold"), xs)
    """
    try:
        return _values[name]
    except KeyError:
        raise KeyError(f"no value named {name!r} on this worker; push or scatter it "
                       f"first (it has {sorted(_values)!r})") from None


def _set_value(name, value):
    _values[name] = value


def _split(values, parts):
    """``values`` in ``parts`` contiguous pieces whose sizes differ by at most one, the larger
    first (numpy.array_split): slices of a sequence or an array, lists otherwise."""
    if not (hasattr(values, "__len__") and hasattr(values, "__getitem__")):
        values = list(values)
    size, extra = divmod(len(values), parts)
    bounds = [0]
    for k in range(parts):
        bounds.append(bounds[-1] + size + (1 if k < extra else 0))
    return [values[a:b] for a, b in itertools.pairwise(bounds)]


def _join(parts):
    if parts and all(type(p).__module__ == "numpy" and type(p).__name__ == "ndarray"
                     for p in parts):
        import numpy
        return numpy.concatenate(parts)
    if parts and all(isinstance(p, (str, bytes)) for p in parts):
        return parts[0][:0].join(parts)
    return list(itertools.chain.from_iterable(parts))


def _worker_index(pool_size, worker):
    if isinstance(worker, bool) or not isinstance(worker, int):
        raise TypeError(f"worker must be an int, not {type(worker).__name__}")
    if not 0 <= worker < pool_size:
        raise IndexError(f"worker {worker} of a pool of {pool_size} workers "
                         f"(0 to {pool_size - 1})")
    return worker


def _check_name(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    return name


class DirectView:
    """The data-on-workers methods of ProcessPoolExecutor and Pool (they need ``_core``)."""

    def worker_pids(self):
        """The workers' process ids by worker index (-1 while one is being replaced)."""
        return self._core.pool.worker_pids()

    def broadcast(self, value):
        """``value`` placed once on every worker, read-only: a :class:`Shared` handle to pass
        to tasks, which read ``handle.value``. Numpy arrays are read in place::

            xs = pool.broadcast(np.arange(10**8, dtype=float))
            parts = pool.map(lambda k: xs.value[k::4].sum(), range(4))
        """
        return broadcast(value)

    def on_worker(self, worker, fn, /, *args, **kwargs):
        """``fn(*args, **kwargs)`` on worker ``worker`` alone (IPython's ``rc[k].apply``): a
        concurrent.futures.Future. IndexError for a worker outside the pool."""
        from ._pool import _future_of
        (task,) = self._core.submit_to([_worker_index(self._core.pool.size(), worker)], fn,
                                       args, kwargs)
        return _future_of(task)

    def on_each_worker(self, fn, /, *args, **kwargs):
        """``fn(*args, **kwargs)`` once on every worker; the results by worker index."""
        from ._pool import _results
        tasks = self._core.submit_to(range(self._core.pool.size()), fn, args, kwargs)
        for task in tasks:
            task.wait(None)
        return [_results(task)[0] for task in tasks]

    def push(self, name, value, worker=None):
        """Places ``value`` under ``name`` on every worker (or on ``worker`` alone), where
        tasks read it with :func:`pardo.worker_value`; returns once it is there. A worker that
        dies and is replaced starts with none."""
        _check_name(name)
        if worker is None:
            self.on_each_worker(_set_value, name, value)
        else:
            self.on_worker(worker, _set_value, name, value).result()

    def pull(self, name, worker=None):
        """The value named ``name`` on every worker, by worker index (or on ``worker``).
        KeyError, naming it, from the first worker that has none."""
        _check_name(name)
        if worker is None:
            return self.on_each_worker(worker_value, name)
        return self.on_worker(worker, worker_value, name).result()

    def scatter(self, name, values):
        """Splits ``values`` into as many contiguous parts as workers, in order, their sizes
        differing by at most one, the larger first (numpy.array_split), and places part k
        under ``name`` on worker k."""
        _check_name(name)
        parts = _split(values, self._core.pool.size())
        futures = [self.on_worker(k, _set_value, name, part) for k, part in enumerate(parts)]
        for future in futures:
            future.result()

    def gather(self, name):
        """The parts named ``name`` on every worker joined in worker order: what ``scatter``
        split, as the tasks left it (numpy arrays concatenated, other sequences as a list)."""
        return _join(self.pull(name))


__all__ = ["DirectView", "Shared", "broadcast", "collecting", "worker_value"]
