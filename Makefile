# pardo: `make demo` and `make test` work on a fresh Debian 12 machine.
.DEFAULT_GOAL := demo
JOBS ?= $(shell nproc)
# One compile more than cores: the other core keeps compiling while a job links.
BUILD_JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
SOURCES = $(shell git ls-files '*.cpp' '*.hpp' '*.cu')
VERSION = $(shell sed -nE 's/^project.pardo VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)

.PHONY: bootstrap build demo test test-release test-asan test-tsan bench docs architecture \
	format format-check clean

bootstrap:
	bash scripts/bootstrap.sh

build: bootstrap
	cmake --preset release
	cmake --build --preset release -j $(BUILD_JOBS)

# The main job: ten billion Monte Carlo samples (about 5 s on 2 cores), then the ladder of
# methods. `./build/bin/pardo tour` walks through the executor itself.
demo: build
	./build/bin/pardo info
	./build/bin/pardo pi --samples 1e10
	./build/bin/pardo bench pi

# The whole suite: formatting, then Release, ASan+UBSan and TSan builds with their tests.
test: bootstrap format-check test-release test-asan test-tsan

# No test runs the benchmarks, and CI's time is short: `make bench` (and `make build`) turn them
# back on in the same build tree.
test-release:
	cmake --preset release -DPARDO_BUILD_BENCHMARKS=OFF
	cmake --build --preset release -j $(BUILD_JOBS)
	ctest --preset release -j $(JOBS)

test-asan:
	cmake --preset asan-ubsan
	cmake --build --preset asan-ubsan -j $(BUILD_JOBS)
	ctest --preset asan-ubsan -j $(JOBS)

test-tsan:
	cmake --preset tsan
	cmake --build --preset tsan -j $(BUILD_JOBS)
	ctest --preset tsan -j $(JOBS)

# Every benchmark beside its peers; refreshes the PNGs docs/benchmarks.md shows.
bench: build
	python3 bench/core/run.py
	/usr/bin/python3 bench/process/run.py
	/usr/bin/python3 bench/stats/run.py --build build
	/usr/bin/python3 bench/python/run.py --build build
	/usr/bin/python3 bench/python/overhead.py --build build
	/usr/bin/python3 bench/pi/run.py --build-dir build --reps 3 --markdown --plot docs/pi_bench.png
	/usr/bin/python3 bench/mandelbrot/run.py --build build --plot docs/mandelbrot_scaling.png
	./build/bin/bench_resampling --benchmark_repetitions=5 --benchmark_report_aggregates_only
	/usr/bin/python3 bench/checkpoint/run.py --build build
	@if [ -x build/bin/bench_mpi_collectives ]; then /usr/bin/python3 bench/mpi/run.py --build build && \
	/usr/bin/python3 bench/mpi/hybrid.py --build build; \
	else echo "make bench: skipping bench/mpi: build/bin/bench_mpi_collectives was not built (needs MPI)"; fi

# The API reference: Doxygen over include/pardo (without detail/), the README and docs/.
docs: bootstrap
	mkdir -p build/docs
	PARDO_VERSION=$(VERSION) doxygen docs/Doxyfile
	@echo "make docs: open build/docs/html/index.html"

# The picture of the layers in docs/design.md, from docs/architecture.dot.
architecture: bootstrap
	dot -Tpng docs/architecture.dot -o docs/architecture.png

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf build build-debug build-asan build-tsan
