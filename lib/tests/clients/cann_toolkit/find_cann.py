#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A Python client's view of a CANN toolkit, after "source set_env.sh".

What the Python side of CANN's clients checks before it builds or loads:
  - vllm-ascend's setup.py: ASCEND_HOME_PATH from the environment (else
    /usr/local/Ascend/ascend-toolkit/latest), which CMake gets;
  - sgl-kernel-npu's torch_memory_saver setup.py: ASCEND_TOOLKIT_HOME, its
    include/ and lib64/ as include_dirs and library_dirs, library ascendcl;
  - torch_npu's import-time package check: ASCEND_HOME_PATH exists,
    ASCEND_OPP_PATH is set and exists, and so do runtime/ and compiler/;
then loads libascendcl.so by name (ctypes, as the dynamic linker finds it
through LD_LIBRARY_PATH) and calls aclrtGetDeviceCount. Exits non-zero,
naming the first thing that fails; prints the library it loaded.
"""
import ctypes
import os
import sys


def fail(msg):
    print(f"find_cann: {msg}", file=sys.stderr)
    sys.exit(1)


def need_dir(path, what):
    if not os.path.isdir(path):
        fail(f"{what} {path} does not exist")


def main():
    home = os.environ.get("ASCEND_HOME_PATH",
                          "/usr/local/Ascend/ascend-toolkit/latest")
    need_dir(home, "ASCEND_HOME_PATH")
    toolkit = os.environ.get("ASCEND_TOOLKIT_HOME")
    if not toolkit:
        fail("ASCEND_TOOLKIT_HOME is not set")
    for path in (os.path.join(toolkit, "include", "acl", "acl_rt.h"),
                 os.path.join(toolkit, "lib64", "libascendcl.so")):
        if not os.path.isfile(path):
            fail(f"{path} does not exist")
    opp = os.environ.get("ASCEND_OPP_PATH")
    if not opp:
        fail("ASCEND_OPP_PATH is not set")
    need_dir(opp, "ASCEND_OPP_PATH")
    for sub in ("runtime", "compiler"):
        need_dir(os.path.join(home, sub), "the CANN package directory")

    lib = ctypes.CDLL("libascendcl.so")
    with open("/proc/self/maps") as maps:
        loaded = {line.split()[-1] for line in maps
                  if line.rstrip().endswith(".so") or ".so." in line}
    loaded = sorted(p for p in loaded if "libascendcl.so" in p)
    want = os.path.realpath(os.path.join(home, "lib64", "libascendcl.so"))
    if [os.path.realpath(p) for p in loaded] != [want]:
        fail(f"loaded {loaded}, expected {want}")
    count = ctypes.c_uint32(0)
    ret = lib.aclrtGetDeviceCount(ctypes.byref(count))
    if ret != 0 or count.value == 0:
        fail(f"aclrtGetDeviceCount: {ret}, {count.value} device(s)")
    print(f"find_cann: {loaded[0]}: {count.value} device(s)")


if __name__ == "__main__":
    main()
