# Shared helpers for scripts/run and scripts/test (sourced).
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
JOBS=${JOBS:-$(nproc)}

# configure_and_build DIR BUILD_TYPE WEB(ON|OFF) [extra cmake args...] — builds all targets.
configure_and_build() {
  local dir=$1 type=$2 web=$3
  shift 3
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DAG_BUILD_WEB="$web" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}
