"""What a worker interpreter of a pardo pool runs.

The pool starts ``python -u -c "...; pardo._worker.main()" --pardo-worker <fd> <parent pid>``;
pardo's C++ worker loop then calls :func:`run` for each task and :func:`initialize` once, with
the bytes that :mod:`pardo._pool` packed.
"""

import pickle
import struct
import sys
import traceback

import cloudpickle

_HEADER = struct.Struct("<I")
_functions = {}
_MAX_FUNCTIONS = 64


_NO_BUFFERS = _HEADER.pack(0)
_SIZE = struct.Struct("<Q")
_PLAIN = frozenset({int, float, complex, bool, str, bytes, type(None)})


def _plain(values):
    """Whether plain pickle writes ``values`` exactly as cloudpickle would: no function or
    class, of ``__main__`` or elsewhere, can hide in them."""
    for v in values:
        t = type(v)
        if t not in _PLAIN and not ((t is tuple or t is list) and _plain(v)):
            return False
    return True


def pack_parts(obj, plain=False):
    """``obj`` as a list of buffers that, joined, :func:`unpack` reads: a pickle (protocol 5)
    and its out-of-band buffers, sizes first. cloudpickle writes it, so functions and classes
    of ``__main__`` travel by value, unless ``plain`` says that plain pickle will do."""
    buffers = []
    dumps = pickle.dumps if plain else cloudpickle.dumps
    main = dumps(obj, protocol=5, buffer_callback=buffers.append)
    if not buffers:
        return [_NO_BUFFERS, _SIZE.pack(len(main)), main]
    raws = [b.raw() for b in buffers]
    sizes = struct.pack(f"<{len(raws) + 1}Q", len(main), *(r.nbytes for r in raws))
    return [_HEADER.pack(len(raws)), sizes, main, *raws]


def pack(obj, plain=False):
    """``obj`` as bytes (:func:`pack_parts` joined)."""
    return b"".join(pack_parts(obj, plain))


def unpack(data):
    """The object :func:`pack` packed; its buffers (numpy arrays) stay views into ``data``."""
    view = memoryview(data)
    (count,) = _HEADER.unpack_from(view, 0)
    sizes = struct.unpack_from(f"<{count + 1}Q", view, _HEADER.size)
    at = _HEADER.size + 8 * (count + 1)
    main = view[at:at + sizes[0]]
    at += sizes[0]
    buffers = []
    for size in sizes[1:]:
        buffers.append(view[at:at + size])
        at += size
    return pickle.loads(main, buffers=buffers)


def _function(blob):
    fn = _functions.get(blob)
    if fn is None:
        fn = pickle.loads(blob)
        if len(_functions) >= _MAX_FUNCTIONS:
            _functions.clear()
        _functions[blob] = fn
    return fn


def _failure(error):
    """The reply for a task that raised: the exception (or, if it cannot be pickled, a
    RuntimeError naming it) and the worker's traceback."""
    text = "".join(traceback.format_exception(error))
    try:
        return b"\x01" + pack((error, text))
    except Exception:  # noqa: BLE001: any exception that does not pickle is reported as text
        stand_in = RuntimeError(f"{type(error).__qualname__}: {error}")
        return b"\x01" + pack((stand_in, text))


def run(task):
    """Runs a packed ``(function, argument tuples, keyword arguments)``: b"\\x00" and the packed
    list of results, or b"\\x01" and the packed ``(exception, traceback)``."""
    try:
        blob, calls, kwargs = unpack(task)
        fn = _function(blob)
        results = [fn(*args, **kwargs) for args in calls]
        return b"\x00" + pack(results, _plain(results))
    except BaseException as error:  # noqa: BLE001: SystemExit too fails only its task
        return _failure(error)


def initialize(payload):
    """Runs the pool's ``initializer(*initargs)``; raises RuntimeError carrying the traceback
    if it fails, which fails every task of the pool."""
    try:
        fn, args = pickle.loads(payload)
        fn(*args)
    except BaseException as error:  # noqa: BLE001
        text = "".join(traceback.format_exception(error))
        raise RuntimeError(f"the pool's initializer failed in a worker:\n{text}") from None


def main():
    from . import _pardo

    _pardo._worker_main(sys.argv[1:])
