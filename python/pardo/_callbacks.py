"""User functions for the workloads: a built-in's name, a compiled C function (a numba
``@cfunc`` or a ``scipy.LowLevelCallable``), run on every worker without the GIL, or a
plain Python callable, run under the GIL."""


def _low_level(function):
    """A scipy.LowLevelCallable for a numba @cfunc or a LowLevelCallable; None otherwise."""
    is_cfunc = type(function).__module__.startswith("numba") and hasattr(function, "ctypes") \
        and hasattr(function, "address")
    try:
        from scipy import LowLevelCallable
    except ImportError:
        if is_cfunc:
            raise TypeError("a numba @cfunc needs scipy (python3-scipy) to be passed to pardo")
        return None
    if is_cfunc:
        return LowLevelCallable(function.ctypes)
    return function if isinstance(function, LowLevelCallable) else None


def user_function(function, what, names):
    """What the C++ side takes for ``function``: a built-in's name as given, the capsule of a
    compiled function (signature ``double (int, double *)``, ``double (long, double *)``, or
    either with a trailing ``void *`` user data), or the Python callable itself."""
    if isinstance(function, str):
        return function
    low_level = _low_level(function)
    if low_level is not None:
        return tuple.__getitem__(low_level, 0)
    if callable(function):
        return function
    raise TypeError(f"{what} must be {names}, a numba @cfunc, a scipy.LowLevelCallable or a "
                    f"Python callable; got {type(function).__name__}")
