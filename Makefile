# SPDX-License-Identifier: MIT
#
# aclmem: top-level build and test entry points.
#
#   make demo            the demo: deps, build, QEMU, examples/ (scripts/demo.sh)
#   make                 module for KVER, library, selftests, library tests,
#                        examples, the CLI
#   make modules         kmod/build/$(KVER)/aclmem.ko
#   make lib             build/lib/libascendcl.so
#   make selftests       build/selftests/*_test (static)
#   make libtests        build/libtests/*_test (against libascendcl.so)
#   make examples        build/examples/* (against libascendcl.so)
#   make tools           build/tools/aclmemctl (libnl-genl-3), its test helper
#   make ... ARCH=arm64  the same cross-built for arm64, into build/arm64/
#                        (modules: kmod/build/KVER/ for an arm64 KVER)
#   make check           everything below, for every kernel in KVERS, and
#                        the debug-kernel leg (ACLMEM_DEBUG=0: without it)
#   make check-debug     the debug-kernel leg only (scripts/debug-kernel.sh)
#   make check-arm64     the extra legs and the arm64 QEMU legs only
#   make qemu-test       the QEMU suite for KVER only
#   make bench           aclmem against hugetlbfs, memfds, THP and the dma-buf
#                        heap in one QEMU boot (scripts/bench.sh; KVER default:
#                        newest 6.12) -> bench/results/KVER.{md,csv,png}
#   make bench-build     build/bench/aclbench only
#   make demo/bench ARCH=arm64  the same on Debian's arm64 kernel, under
#                        qemu-system-aarch64 -M virt
#   make deps            install the Debian packages (as root)
#   make install         library, headers, pkg-config file, CLI, udev rule,
#                        modprobe example (PREFIX, DESTDIR; mk/install.mk)
#   make uninstall       removes what install put
#   make install-cann    libascendcl.so, the headers and a set_env.sh in a
#                        tree laid out like a CANN toolkit, for clients that
#                        find CANN through ASCEND_HOME_PATH (PREFIX, default
#                        /usr/local/Ascend/ascend-toolkit/latest; DESTDIR;
#                        also uninstall-cann)
#   make dkms-install    the module through DKMS (as root; also dkms-add,
#                        dkms-remove)
#   make clean
#
# KVER   kernel to build for (default: newest installed 6.1)
# KVERS  kernels for "make check" (default: newest installed 6.1 and 6.12;
#        KVER=x alone on the command line makes "make check" use only x)
# V=1    show the full commands

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD := $(TOP)/build

# The kernels someone chose (KVERS, or KVER on the command line), passed
# to scripts/check.sh, which otherwise picks its own and says what a choice
# left out.
ifeq ($(origin KVERS),undefined)
ifeq ($(origin KVER),command line)
KVERS := $(KVER)
CHOSEN_KVERS := $(KVER)
else
KVERS := $(shell $(TOP)/scripts/kernels.sh 2>/dev/null)
endif
else
CHOSEN_KVERS := $(KVERS)
endif
KVER ?= $(firstword $(KVERS))

V ?= 0
ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @echo
MAKEFLAGS += --no-print-directory
endif
export V

LINUX_FILES_STAMP := $(BUILD)/.linux-files.stamp

# ARCH=arm64: cross-build (CROSS_COMPILE, default aarch64-linux-gnu-) into
# build/arm64/: the library, the tests and the examples, and the CLI against
# libnl-3-dev:arm64; the module for an arm64 kernel of
# scripts/extra-kernels.sh (KVER, default its first), against the headers
# it unpacked. The harness headers stay those of build/.
ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
ifneq ($(origin KVER),command line)
KVER := $(firstword $(shell $(TOP)/scripts/extra-kernels.sh --list arm64 2>/dev/null))
endif
ARCH_BUILD := $(BUILD)/arm64
SUBMAKE_ARGS := CC=$(CROSS_COMPILE)gcc HARNESS_DIR=$(BUILD)/kselftest \
	LINUX_FILES_STAMP=$(LINUX_FILES_STAMP)
KMOD_ARGS := ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) \
	KDIR=$(shell $(TOP)/scripts/extra-kernels.sh --dir $(KVER))
export PKG_CONFIG_LIBDIR := /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
else
ARCH_BUILD := $(BUILD)
endif

.PHONY: all modules lib libtests selftests check qemu-test host-checks deps clean \
	linux-files require-kver examples demo bench bench-build tools

all: modules lib selftests libtests examples tools

require-kver:
	@if [ -z "$(KVER)" ]; then \
		echo "no kernel found: install linux-headers and" \
			"linux-image, or pass KVER=<version>" >&2; \
		exit 1; \
	fi

modules: require-kver
	$(quiet) "  MODULE  kmod/build/$(KVER)/aclmem.ko"
	$(Q)$(MAKE) -C $(TOP)/kmod KVER=$(KVER) $(KMOD_ARGS)

selftests:
	$(Q)$(MAKE) -C $(TOP)/selftests BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

lib:
	$(Q)$(MAKE) -C $(TOP)/lib BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

libtests: lib
	$(Q)$(MAKE) -C $(TOP)/lib/tests BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

examples: lib
	$(Q)$(MAKE) -C $(TOP)/examples BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

tools:
	$(Q)$(MAKE) -C $(TOP)/tools BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

bench-build: lib
	$(Q)$(MAKE) -C $(TOP)/bench BUILD=$(ARCH_BUILD) $(SUBMAKE_ARGS)

# KVER only when given: the benchmark's default kernel is the newest 6.12.
bench:
	$(Q)$(if $(filter command line environment,$(origin KVER)),KVER="$(KVER)") \
		$(TOP)/scripts/bench.sh

# KVER only when given: on a fresh machine the kernels come with the demo's
# own package install.
demo:
	$(Q)$(if $(filter command line environment,$(origin KVER)),KVER="$(KVER)") \
		$(TOP)/scripts/demo.sh

linux-files: $(LINUX_FILES_STAMP)

# the cross-built tests take the harness from build/, not build/arm64/
ifeq ($(ARCH),arm64)
selftests libtests: linux-files
endif

$(LINUX_FILES_STAMP):
	$(Q)$(TOP)/scripts/extract-linux-files.sh $(BUILD)
	$(Q)touch $@

check: linux-files
	$(Q)KVERS="$(CHOSEN_KVERS)" $(TOP)/scripts/check.sh

.PHONY: check-debug check-arm64
check-debug: linux-files
	$(Q)$(TOP)/scripts/check.sh --debug-only

check-arm64: linux-files
	$(Q)$(TOP)/scripts/check.sh --arm64-only

qemu-test: modules selftests libtests tools
	$(Q)$(TOP)/scripts/qemu-test.sh $(KVER)

host-checks: linux-files
	$(Q)$(TOP)/scripts/check.sh --host-only

deps:
	$(Q)$(TOP)/scripts/install-deps.sh

clean:
	$(quiet) "  CLEAN   build/ kmod/build/"
	$(Q)rm -rf $(BUILD)
	$(Q)if [ -f $(TOP)/kmod/Makefile ]; then \
		$(MAKE) -C $(TOP)/kmod clean; fi
	$(Q)rm -rf $(TOP)/kmod/build

include $(TOP)/mk/install.mk
