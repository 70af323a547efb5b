"""Reproducible random streams for numpy.

``Philox(seed, stream=0)`` is stream ``stream`` of ``seed``, the words of the C++
``pardo::random::Stream(seed, stream)``, as a BitGenerator for ``numpy.random.Generator``::

    >>> import numpy as np
    >>> from pardo.random import Philox
    >>> streams = [np.random.Generator(Philox(42, stream=k)) for k in range(8)]

Each task draws from its own stream, so a result depends on the seed and the task, never on
which worker ran it.
"""

from ._pardo import Philox

__all__ = ["Philox"]
