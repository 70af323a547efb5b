"""pardo.random.Philox: the C++ stream's words through numpy's BitGenerator interface."""

import pickle
import threading

import numpy as np
import pytest

import pardo
from pardo.random import Philox

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


def philox4x32_10(counter, key):
    """Philox4x32-10 in plain Python, from Salmon et al. (2011), to check against."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for _ in range(10):
        p0, p1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK32, p1 & MASK32, \
            ((p0 >> 32) ^ c3 ^ k1) & MASK32, p0 & MASK32
        k0, k1 = (k0 + 0x9E3779B9) & MASK32, (k1 + 0xBB67AE85) & MASK32
    return [c0, c1, c2, c3]


def derive_key(seed):
    """SplitMix64's first output, as pardo::random::derive_key documents it."""
    z = (seed + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z ^= z >> 31
    return z & MASK32, z >> 32


def stream_words(seed, stream, count, start_block=0):
    words = []
    block = start_block
    while len(words) < count:
        counter = [block & MASK32, block >> 32, stream & MASK32, stream >> 32]
        words += philox4x32_10(counter, derive_key(seed))
        block += 1
    return words[:count]


def test_the_reference_implementation_matches_random123s_known_answers():
    assert philox4x32_10([0, 0, 0, 0], [0, 0]) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert philox4x32_10([MASK32] * 4, [MASK32] * 2) == [0x408F276D, 0x41C83B0E, 0xA20BC7C6,
                                                         0x6D5451FD]
    assert philox4x32_10([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
                         [0xA4093822, 0x299F31D0]) == [0xD16CFE09, 0x94FDCCEB, 0x5001E420,
                                                       0x24126EA1]


@pytest.mark.parametrize("seed,stream", [(0, 0), (42, 0), (7, 3), (2**64 - 1, 2**64 - 1)])
def test_raw_values_are_two_words_low_half_first(seed, stream):
    words = stream_words(seed, stream, 18)
    raw = Philox(seed, stream).random_raw(9)
    assert raw.dtype == np.uint64
    assert raw.tolist() == [words[2 * i] | words[2 * i + 1] << 32 for i in range(9)]


@pytest.mark.parametrize("streams", [1, 3])
def test_words_are_those_pardo_rng_dump_writes(cli, streams):
    count = 4 * 40
    dumped = np.frombuffer(cli("rng", "dump", "--seed", 42, "--streams", streams, "--count",
                               count * streams, binary=True), dtype="<u4")
    for k in range(streams):
        g = np.random.Generator(Philox(42, k))
        ours = g.integers(0, 2**32, size=count, dtype=np.uint32, endpoint=False)
        assert ours.tolist() == dumped[k::streams].tolist()


def test_generator_doubles_are_the_cxx_next_double():
    words = stream_words(9, 2, 20)
    expected = [((words[2 * i] | words[2 * i + 1] << 32) >> 11) * 2.0**-53 for i in range(10)]
    assert np.random.Generator(Philox(9, 2)).random(10).tolist() == expected


def test_numpy_distributions_draw_from_the_stream_reproducibly():
    a = np.random.Generator(Philox(5, 1))
    b = np.random.Generator(Philox(5, 1))
    c = np.random.Generator(Philox(5, 2))
    x = a.normal(size=1000)
    assert np.array_equal(x, b.normal(size=1000))
    assert not np.array_equal(x, c.normal(size=1000))
    assert abs(x.mean()) < 4 / np.sqrt(1000)
    assert a.permutation(10).tolist() == b.permutation(10).tolist()


def test_advance_and_position_skip_words_as_if_drawn():
    p = Philox(3, 0)
    p.advance(6)
    assert p.position == 6
    assert p.random_raw() == (lambda w: w[6] | w[7] << 32)(stream_words(3, 0, 8))
    q = Philox(3, 0)
    q.position = 2**40 + 1
    w = stream_words(3, 0, 3, start_block=2**38)
    assert q.random_raw() == w[1] | w[2] << 32


def test_advance_past_the_last_reachable_word_is_refused():
    p = Philox(3, 0)
    p.position = 2**64 - 1
    with pytest.raises(IndexError, match="delta = 1 would move past word 2\\^64 - 1"):
        p.advance(1)
    assert p.position == 2**64 - 1


def test_a_pickled_stream_continues_where_it_stood():
    p = Philox(11, 4)
    p.random_raw(3)
    q = pickle.loads(pickle.dumps(p))
    assert (q.seed, q.stream, q.position) == (11, 4, 6)
    assert q.random_raw(5).tolist() == p.random_raw(5).tolist()


def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError):
        Philox(-1)
    with pytest.raises(TypeError):
        Philox(1.5)
    with pytest.raises(ValueError, match="size = -2"):
        Philox(1).random_raw(-2)


def test_threads_sharing_one_generator_draw_every_value_once():
    g = np.random.Generator(Philox(8, 0))
    parts = []

    def draw():
        parts.append(g.integers(0, 2**32, size=10_000, dtype=np.uint32))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    drawn = sorted(np.concatenate(parts).tolist())
    expected = np.random.Generator(Philox(8, 0)).integers(0, 2**32, size=40_000, dtype=np.uint32)
    assert drawn == sorted(expected.tolist())


def test_repr_and_attributes():
    p = Philox(7, 3)
    assert repr(p) == "pardo.random.Philox(seed=7, stream=3)"
    assert (p.seed, p.stream, p.position) == (7, 3, 0)
    assert isinstance(p.lock, type(threading.Lock()))
    assert pardo.random.Philox is Philox


def test_the_position_past_word_2_64_is_exact_and_survives_pickling():
    p = Philox(5, 1)
    p.position = 2**64 - 1
    p.random_raw(3)
    assert p.position == 2**64 + 5
    q = pickle.loads(pickle.dumps(p))
    assert q.position == 2**64 + 5
    assert q.random_raw(2).tolist() == p.random_raw(2).tolist()
    with pytest.raises(IndexError, match="past word 2\\^64 - 1 already"):
        p.advance(0)
