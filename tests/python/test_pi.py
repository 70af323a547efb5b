"""pardo.pi: the same bits as `pardo pi`, on every backend and worker count, without the GIL."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import pardo

WORKERS = [1, 2, 7]  # one, two, and more than this machine's cores


@pytest.mark.parametrize("samples,seed", [(10**6, 0), (5 * 2**22 + 3, 7), (1, 2**64 - 1)])
@pytest.mark.parametrize("workers", WORKERS)
def test_matches_the_cli_bit_for_bit(cli, samples, seed, workers):
    expected = cli("pi", "--samples", samples, "--seed", seed, "--json", "-q")
    r = pardo.pi(samples, seed=seed, workers=workers)
    assert r.estimate == expected["estimate"]
    assert r.std_error == expected["std_error"]
    assert (r.interval.low, r.interval.high, r.interval.level) == (
        expected["interval"]["low"], expected["interval"]["high"], expected["interval"]["level"])
    assert (r.samples, r.hits, r.block_samples) == (samples, expected["hits"],
                                                    expected["block_samples"])
    assert (r.run.backend, r.run.workers, r.run.seed, r.run.complete) == ("threads", workers,
                                                                          seed, True)
    assert r.run.blocks_done == r.run.blocks_total == -(-samples // r.block_samples)


def test_serial_backend_gives_the_same_bits():
    threads = pardo.pi(3 * 2**22, seed=5, workers=2)
    serial = pardo.pi(3 * 2**22, seed=5, backend="serial")
    assert serial.estimate == threads.estimate and serial.hits == threads.hits
    assert (serial.run.backend, serial.run.workers) == ("serial", 1)


def test_the_estimate_is_within_its_interval_of_pi_and_floats_count():
    r = pardo.pi(1e7, seed=1)
    assert r.samples == 10**7
    assert r.interval.low < 3.141592653589793 < r.interval.high
    assert r.interval.high - r.interval.low == pytest.approx(2 * 1.959964 * r.std_error)


@pytest.mark.parametrize("kwargs,error,message", [
    ({"samples": 0}, ValueError, "samples = 0"),
    ({"samples": 2**64}, ValueError, "samples = 18446744073709551616"),
    ({"samples": 1.5}, ValueError, "samples = 1.5"),
    ({"samples": float("nan")}, ValueError, "samples = nan"),
    ({"samples": "1e6"}, TypeError, "samples must be an integer, not str"),
    ({"samples": True}, TypeError, "samples must be an integer, not bool"),
    ({"samples": 10, "seed": -1}, ValueError, "seed = -1"),
    ({"samples": 10, "workers": 0}, ValueError, "workers = 0"),
    ({"samples": 10, "backend": "gpu"}, ValueError, "backend = 'gpu'"),
    ({"samples": 10, "backend": "serial", "workers": 2}, ValueError, "workers = 2"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    samples = kwargs.pop("samples")
    with pytest.raises(error, match=message.replace("(", "\\(").replace("+", "\\+")):
        pardo.pi(samples, **kwargs)


def test_other_python_threads_run_while_it_counts():
    done = threading.Event()
    result = []

    def run():
        result.append(pardo.pi(2e9, seed=3, workers=1))
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    spins = 0
    while not done.is_set():
        spins += 1
    worker.join(timeout=120)
    assert result and result[0].run.complete
    # With the GIL held for the whole count this loop would run a handful of times.
    assert spins > 10_000, (spins, result[0].run.seconds)


def test_ctrl_c_stops_a_long_run_with_keyboard_interrupt():
    script = textwrap.dedent("""
        import sys, pardo
        print("started", flush=True)
        try:
            pardo.pi(10**14, workers=2)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env=os.environ.copy())
    assert child.stdout.readline().strip() == "started"
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 130
    assert out.strip() == "interrupted"
