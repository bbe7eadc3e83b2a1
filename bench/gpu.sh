#!/usr/bin/env bash
# Run `specedit bench` on a machine with an NVIDIA GPU (CUDA toolkit and nvcc on PATH).
#   bench/gpu.sh [--no-peer] [other `specedit bench` flags, e.g. --only NAME... or --model FILE.gguf]
# Creates .venv-gpu, builds llama-cpp-python with CUDA, installs the project, and writes
# bench/results/gpu.json (and the table as bench/results/gpu.md).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv-gpu}
PYTHON=${PYTHON:-python3}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
command -v nvcc >/dev/null || { echo "gpu.sh: nvcc not found: install the CUDA toolkit first" >&2; exit 2; }

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
fi
# A CUDA build of llama-cpp-python from source; --no-cache-dir so a cached CPU wheel is not reused.
CMAKE_ARGS="-DGGML_CUDA=on" FORCE_CMAKE=1 \
    "$VENV/bin/pip" install --no-cache-dir --force-reinstall --no-deps "llama-cpp-python>=0.3.16"
"$VENV/bin/pip" install --quiet -e .
"$VENV/bin/python" - <<'EOF'
import llama_cpp
if not llama_cpp.llama_supports_gpu_offload():
    raise SystemExit("gpu.sh: this llama-cpp-python build cannot offload to the GPU")
EOF

mkdir -p bench/results
exec "$VENV/bin/specedit" bench --n-gpu-layers 999 --json bench/results/gpu.json "$@"
