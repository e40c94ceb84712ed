# Convenience targets; the scripts are the source of truth (they work without make too).
.PHONY: run test build deps bench clean
run:
	scripts/run
test:
	scripts/test
deps:
	scripts/install-deps
build:
	scripts/install-deps && . scripts/lib.sh && configure_and_build build RelWithDebInfo ON
bench:
	bench/api/run
clean:
	rm -rf build build-asan
