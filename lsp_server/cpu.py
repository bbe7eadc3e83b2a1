"""The CPU's instruction sets, and the llama.cpp build options that are safe on it (standard library only).

llama.cpp's native build (`-march=native`) turns on its AMX weight-repacking path on CPUs
with AMX (Intel Sapphire Rapids and later), and that path segfaults in
`ggml_backend_amx_mul_mat` on the first decode (docs/measurements.md, section 1). The path is
compiled in only when the compiler defines `__AMX_INT8__`, so a build that names the
instruction sets it wants and leaves AMX out has no such path: specedit's engine and
`python -m llama_cpp.server` both run. Measured on an AMX machine, the explicit AVX-512 build
was as fast as the native one. The Makefile runs this file (`python3 lsp_server/cpu.py`) to
get the CMake options for the machine it builds on.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

# /proc/cpuinfo flag -> the ggml CMake option that uses it, in the order ggml lists them.
X86_OPTIONS = (
    ("sse4_2", "GGML_SSE42"),
    ("avx", "GGML_AVX"),
    ("avx_vnni", "GGML_AVX_VNNI"),
    ("avx2", "GGML_AVX2"),
    ("bmi2", "GGML_BMI2"),
    ("fma", "GGML_FMA"),
    ("f16c", "GGML_F16C"),
    ("avx512f", "GGML_AVX512"),
    ("avx512vbmi", "GGML_AVX512_VBMI"),
    ("avx512_vnni", "GGML_AVX512_VNNI"),
    ("avx512_bf16", "GGML_AVX512_BF16"),
)
AMX_OPTIONS = ("GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")
AVX512_BASE = {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The flags line of /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def has_amx(flags: set[str] | None = None) -> bool:
    flags = cpu_flags() if flags is None else flags
    return bool({"amx_tile", "amx_int8"} & flags)


def amx_path_built(system_info: bytes, flags: set[str] | None = None) -> bool:
    """True when llama.cpp's AMX repacking path is in this build (`llama_print_system_info()` lists
    `AMX_INT8 = 1`) and the CPU has AMX: repacked weights (use_extra_bufts) then crash on the first decode."""
    return has_amx(flags) and b"AMX_INT8 = 1" in system_info


REBUILD = ("CMAKE_ARGS=\"$(python3 lsp_server/cpu.py)\" .venv/bin/pip install --force-reinstall "
           "--no-cache-dir --no-deps llama-cpp-python")


def llama_cmake_args(flags: set[str] | None = None, machine: str | None = None) -> list[str]:
    """CMake options for llama.cpp on this CPU: every instruction set it has, AMX never.

    On x86-64 the build is not native (native enables AMX where the CPU has it); elsewhere
    (Apple silicon, other ARM) the native build is kept: there is no AMX path to avoid.
    """
    machine = (machine or platform.machine()).lower()
    if machine not in ("x86_64", "amd64"):
        return []
    flags = cpu_flags() if flags is None else flags
    if not flags:
        return []
    args = ["-DGGML_NATIVE=OFF"]
    for flag, option in X86_OPTIONS:
        on = flag in flags
        if option == "GGML_AVX512":
            on = AVX512_BASE <= flags  # ggml's AVX512 build uses F, BW, VL, DQ and CD together
        elif option.startswith("GGML_AVX512_"):
            on = on and AVX512_BASE <= flags
        args.append(f"-D{option}={'ON' if on else 'OFF'}")
    args += [f"-D{option}=OFF" for option in AMX_OPTIONS]
    return args


if __name__ == "__main__":
    sys.stdout.write(" ".join(llama_cmake_args()) + "\n")
