"""The llama.cpp build options chosen from a CPU's flags: every instruction set it has, AMX never (standard library only)."""

from __future__ import annotations

import pytest

from lsp_server.cpu import AMX_OPTIONS, amx_path_built, cpu_flags, has_amx, llama_cmake_args

# Flags lines as /proc/cpuinfo prints them (trimmed to the first ones and the vector extensions).
BASE = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm"
AVX2_ONLY = BASE + " pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand bmi1 avx2 bmi2"
# Ice Lake server / Zen 4: AVX-512 with VNNI, VBMI and (Zen 4) BF16, no AMX.
AVX512 = AVX2_ONLY + (" avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512vbmi avx512_vbmi2 avx512_vnni"
                      " avx512_bitalg avx512_vpopcntdq avx512_bf16")
# Sapphire Rapids and later: AVX-512, AVX-VNNI and AMX.
AVX512_AMX = AVX512 + " avx_vnni amx_bf16 avx512_fp16 amx_tile amx_int8"
# A CPU that names AVX512F but not the rest of the set ggml's AVX512 build needs (BW, VL, DQ, CD).
AVX512F_ONLY = AVX2_ONLY + " avx512f avx512_vnni"


def cpuinfo(flags: str) -> str:
    return f"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: test\nflags\t\t: {flags}\nbugs\t\t: spectre_v1\n\n"


def options(args: list[str]) -> dict[str, str]:
    """-DNAME=VALUE arguments -> {NAME: VALUE}."""
    assert all(a.startswith("-D") and "=" in a for a in args), args
    return dict(a[2:].split("=", 1) for a in args)


def test_the_flags_line_is_read_and_other_lines_are_not():
    flags = cpu_flags(cpuinfo(AVX2_ONLY))
    assert {"avx2", "fma", "f16c", "bmi2"} <= flags and "spectre_v1" not in flags and "GenuineIntel" not in flags
    assert cpu_flags("processor\t: 0\nFeatures\t: fp asimd evtstrm aes\n") == set()  # ARM's line is "Features"


def test_avx2_only_builds_avx2_and_nothing_of_avx512_or_amx():
    got = options(llama_cmake_args(cpu_flags(cpuinfo(AVX2_ONLY)), "x86_64"))
    assert got["GGML_NATIVE"] == "OFF"
    assert {k: got[k] for k in ("GGML_SSE42", "GGML_AVX", "GGML_AVX2", "GGML_FMA", "GGML_F16C", "GGML_BMI2")} == dict.fromkeys(
        ("GGML_SSE42", "GGML_AVX", "GGML_AVX2", "GGML_FMA", "GGML_F16C", "GGML_BMI2"), "ON")
    assert [k for k, v in got.items() if v == "ON" and ("AVX512" in k or "VNNI" in k)] == []
    assert all(got[k] == "OFF" for k in AMX_OPTIONS)


def test_avx512_builds_its_extensions():
    got = options(llama_cmake_args(cpu_flags(cpuinfo(AVX512)), "x86_64"))
    for option in ("GGML_AVX2", "GGML_AVX512", "GGML_AVX512_VBMI", "GGML_AVX512_VNNI", "GGML_AVX512_BF16"):
        assert got[option] == "ON", option
    assert got["GGML_AVX_VNNI"] == "OFF"  # Zen 4 and Ice Lake have AVX512-VNNI, not AVX-VNNI
    assert all(got[k] == "OFF" for k in AMX_OPTIONS)


def test_avx512_with_amx_builds_everything_but_amx():
    flags = cpu_flags(cpuinfo(AVX512_AMX))
    assert has_amx(flags) and not has_amx(cpu_flags(cpuinfo(AVX512)))
    got = options(llama_cmake_args(flags, "x86_64"))
    for option in ("GGML_AVX2", "GGML_AVX_VNNI", "GGML_AVX512", "GGML_AVX512_VBMI", "GGML_AVX512_VNNI", "GGML_AVX512_BF16"):
        assert got[option] == "ON", option
    # AMX is the path that crashes (docs/measurements.md 1): it is off, and said so explicitly.
    assert [got[k] for k in AMX_OPTIONS] == ["OFF", "OFF", "OFF"]
    assert got["GGML_NATIVE"] == "OFF"  # a native build would turn AMX back on


def test_avx512_extensions_need_the_whole_avx512_base_set():
    got = options(llama_cmake_args(cpu_flags(cpuinfo(AVX512F_ONLY)), "x86_64"))
    assert got["GGML_AVX512"] == "OFF" and got["GGML_AVX512_VNNI"] == "OFF" and got["GGML_AVX2"] == "ON"


@pytest.mark.parametrize("machine", ["aarch64", "arm64", "ppc64le"])
def test_other_architectures_keep_llama_cpps_native_build(machine):
    assert llama_cmake_args(cpu_flags(cpuinfo(AVX512_AMX)), machine) == []


def test_no_cpuinfo_keeps_the_native_build():
    assert llama_cmake_args(set(), "x86_64") == []  # e.g. macOS on Intel: no /proc/cpuinfo


@pytest.mark.parametrize("flags", [AVX2_ONLY, AVX512, AVX512_AMX, AVX512F_ONLY, BASE])
def test_amx_is_never_on_and_every_option_is_named_once(flags):
    args = llama_cmake_args(cpu_flags(cpuinfo(flags)), "AMD64")
    got = options(args)
    assert len(got) == len(args)
    assert all(got[k] == "OFF" for k in AMX_OPTIONS)
    assert not [a for a in args if "AMX" in a and a.endswith("=ON")]


def test_the_amx_path_counts_only_when_built_and_on_an_amx_cpu():
    built = b"CPU : SSE3 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |"
    not_built = b"CPU : SSE3 = 1 | AVX512 = 1 | REPACK = 1 |"
    amx, avx512 = {"avx512f", "amx_tile", "amx_int8"}, {"avx512f"}
    assert amx_path_built(built, amx)
    assert not amx_path_built(not_built, amx)
    assert not amx_path_built(built, avx512)  # the path is in, but never runs on this CPU
