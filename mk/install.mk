# SPDX-License-Identifier: MIT
#
# Installing aclmem on a host; included by the top Makefile (TOP, BUILD,
# Q and quiet come from there).
#
#   make install        libascendcl.so, the headers, the pkg-config file,
#                       the CLI and its man page (when built), the udev rule
#                       and the modprobe example, into DESTDIR + PREFIX
#   make uninstall      removes exactly those files
#   make install-cann   libascendcl.so, the ACL headers and a set_env.sh in
#                       DESTDIR + CANN_HOME, laid out as CANN lays out a
#                       toolkit (see below), for clients that find CANN
#                       through ASCEND_HOME_PATH after "source set_env.sh"
#   make uninstall-cann removes exactly those (refuses a tree that is not
#                       aclmem's)
#   make dkms-add       copies the module sources to /usr/src/aclmem-VERSION
#                       and runs "dkms add" (as root), replacing an earlier
#                       add of the same version
#   make dkms-install   dkms-add, then "dkms install" for the running kernel
#                       (or DKMS_KVER); AUTOINSTALL builds for new kernels
#   make dkms-remove    "dkms remove --all" and deletes the sources
#
# PREFIX      /usr/local      LIBDIR      $(PREFIX)/lib
# INCLUDEDIR  $(PREFIX)/include           BINDIR      $(PREFIX)/bin
# MANDIR      $(PREFIX)/share/man
# SYSCONFDIR  /etc            UDEVRULESDIR /lib/udev/rules.d
# DESTDIR     staging root prepended to every path (packaging, tests)
# CANN_HOME   install-cann's tree: PREFIX when given, else
#             /usr/local/Ascend/ascend-toolkit/latest (CANN's default)
#
# The udev rule and the modprobe example do not follow PREFIX: udev and
# modprobe read only their own directories.

VERSION := $(shell cat $(TOP)/VERSION)

ifneq ($(filter command line environment override,$(origin PREFIX)),)
CANN_HOME ?= $(PREFIX)
else
CANN_HOME ?= /usr/local/Ascend/ascend-toolkit/latest
endif

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# Where packages put udev rules (pkg-config --variable=udevdir udev).
UDEVRULESDIR ?= /lib/udev/rules.d
DESTDIR ?=

# The library keeps the soname "libascendcl.so", unversioned, as CANN's
# does: clients linked against CANN's library record DT_NEEDED
# libascendcl.so and must find this one by that name, and dlopen() callers
# ask for it too. The file carries the version; the link points to it.
LIB_REAL := libascendcl.so.$(VERSION)
ACL_HEADERS := $(patsubst $(TOP)/include/%,%,$(sort \
	$(wildcard $(TOP)/include/acl/*.h) $(wildcard $(TOP)/include/acl/*/*.h)))
ACL_HEADER_DIRS := $(sort $(patsubst %/,%,$(dir $(ACL_HEADERS))))
CLI := $(BUILD)/tools/aclmemctl

DKMS ?= dkms
DKMS_SRC := /usr/src/aclmem-$(VERSION)
DKMS_KVER ?=
# What the module build needs, relative to TOP (see dkms.conf).
DKMS_FILES := VERSION include/uapi/linux/aclmem.h kmod/Makefile kmod/Kbuild \
	$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h)))

.PHONY: install uninstall install-cann uninstall-cann dkms-add dkms-install \
	dkms-remove

install: lib
	$(quiet) "  INSTALL $(DESTDIR)$(LIBDIR)/$(LIB_REAL)"
	$(Q)install -d $(DESTDIR)$(LIBDIR)/pkgconfig
	$(Q)install -m 755 $(BUILD)/lib/libascendcl.so $(DESTDIR)$(LIBDIR)/$(LIB_REAL)
	$(Q)ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/libascendcl.so
	$(quiet) "  INSTALL $(DESTDIR)$(LIBDIR)/pkgconfig/libascendcl.pc"
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		$(TOP)/lib/libascendcl.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libascendcl.pc
	$(quiet) "  INSTALL $(DESTDIR)$(INCLUDEDIR)/acl/, linux/aclmem.h"
	$(Q)for d in $(ACL_HEADER_DIRS) linux; do \
		install -d $(DESTDIR)$(INCLUDEDIR)/$$d || exit 1; done
	$(Q)for h in $(ACL_HEADERS); do \
		install -m 644 $(TOP)/include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; \
	done
	$(Q)install -m 644 $(TOP)/include/uapi/linux/aclmem.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/aclmem.h
	$(Q)if [ -x $(CLI) ]; then \
		echo "  INSTALL $(DESTDIR)$(BINDIR)/aclmemctl"; \
		install -D -m 755 $(CLI) $(DESTDIR)$(BINDIR)/aclmemctl; \
		echo "  INSTALL $(DESTDIR)$(MANDIR)/man8/aclmemctl.8"; \
		install -D -m 644 $(TOP)/tools/aclmemctl.8 \
			$(DESTDIR)$(MANDIR)/man8/aclmemctl.8; \
	fi
	$(quiet) "  INSTALL $(DESTDIR)$(UDEVRULESDIR)/60-aclmem.rules"
	$(Q)install -D -m 644 $(TOP)/dist/60-aclmem.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-aclmem.rules
	$(quiet) "  INSTALL $(DESTDIR)$(SYSCONFDIR)/modprobe.d/aclmem.conf.example"
	$(Q)install -D -m 644 $(TOP)/dist/aclmem.conf.example \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/aclmem.conf.example
	$(Q)if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig || true; fi

uninstall:
	$(quiet) "  UNINSTALL $(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(DESTDIR)$(LIBDIR)/$(LIB_REAL) $(DESTDIR)$(LIBDIR)/libascendcl.so \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libascendcl.pc \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(ACL_HEADERS)) \
		$(DESTDIR)$(INCLUDEDIR)/linux/aclmem.h \
		$(DESTDIR)$(BINDIR)/aclmemctl \
		$(DESTDIR)$(MANDIR)/man8/aclmemctl.8 \
		$(DESTDIR)$(UDEVRULESDIR)/60-aclmem.rules \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/aclmem.conf.example
	$(Q)for d in $(sort $(ACL_HEADER_DIRS)); do echo $$d; done | sort -r | \
		while read -r d; do \
			rmdir $(DESTDIR)$(INCLUDEDIR)/$$d 2>/dev/null || true; \
		done
	$(Q)if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig || true; fi

# The CANN-like tree, as hicann/runtime's packaging lays it out: the files
# under ARCH-linux/ (include/acl/, lib64/), include and lib64 links to
# them at the top, runtime/include/acl linked to the headers, and
# set_env.sh at the top, which sets ASCEND_HOME_PATH to the tree. opp/
# (ASCEND_OPP_PATH) and compiler/ stay empty: torch_npu's import checks
# that they exist. share/info/runtime/version.info names the release of
# hicann/runtime (its version.cmake's npu-runtime) whose behaviour the
# library follows, so that the aclsys* version calls and clients' CANN
# version checks find one. No file of a real CANN install is replaced.
CANN_RUNTIME_VERSION := 9.1.0
CANN_ARCH ?= $(shell uname -m)
CANN_TARGET := $(CANN_HOME)/$(CANN_ARCH)-linux
# LINK:TARGET pairs, relative to CANN_HOME.
CANN_LINKS := include:$(CANN_ARCH)-linux/include \
	lib64:$(CANN_ARCH)-linux/lib64 \
	runtime/include/acl:../../$(CANN_ARCH)-linux/include/acl
CANN_EMPTY_DIRS := opp compiler
# The other directories install-cann creates, the deepest first (the
# header directories go before them, deepest first too).
CANN_DIRS := $(CANN_ARCH)-linux/include $(CANN_ARCH)-linux/lib64 \
	$(CANN_ARCH)-linux runtime/include runtime share/info/runtime \
	share/info share $(CANN_EMPTY_DIRS) .
CANN_LIB_LINK := $(DESTDIR)$(CANN_TARGET)/lib64/libascendcl.so
CANN_SET_ENV := $(DESTDIR)$(CANN_HOME)/set_env.sh
CANN_VERSION_INFO := $(DESTDIR)$(CANN_HOME)/share/info/runtime/version.info

# Whether DESTDIR + CANN_HOME holds nothing but what install-cann puts:
# no set_env.sh other than aclmem's, no libascendcl.so but a link to a
# versioned file (this version's or an earlier one's).
define cann_tree_is_ours
	if [ -e $(CANN_SET_ENV) ] && \
		! grep -q '^# aclmem.s set_env.sh' $(CANN_SET_ENV); then \
		echo "$(CANN_SET_ENV) is not aclmem's: a CANN install?" >&2; \
		exit 1; fi; \
	if [ -e $(CANN_VERSION_INFO) ] && \
		! grep -q '^# aclmem.s version.info' $(CANN_VERSION_INFO); then \
		echo "$(CANN_VERSION_INFO) is not aclmem's: a CANN install?" >&2; \
		exit 1; fi; \
	if [ -e $(CANN_LIB_LINK) ]; then \
		case "$$(readlink $(CANN_LIB_LINK))" in \
		libascendcl.so.*) ;; \
		*) echo "$(CANN_LIB_LINK) is not aclmem's: a CANN install?" >&2; \
			exit 1 ;; \
		esac; fi
endef

install-cann: lib
	$(Q)$(cann_tree_is_ours)
	$(Q)for l in $(CANN_LINKS); do f=$(DESTDIR)$(CANN_HOME)/$${l%%:*}; \
		if [ -e $$f ] && [ ! -L $$f ]; then \
			echo "$$f is not a link: a CANN install?" >&2; exit 1; \
		fi; done
	$(quiet) "  INSTALL $(DESTDIR)$(CANN_TARGET)/lib64/$(LIB_REAL)"
	$(Q)install -d $(DESTDIR)$(CANN_TARGET)/lib64
	$(Q)install -m 755 $(BUILD)/lib/libascendcl.so $(DESTDIR)$(CANN_TARGET)/lib64/$(LIB_REAL)
	$(Q)ln -sf $(LIB_REAL) $(CANN_LIB_LINK)
	$(quiet) "  INSTALL $(DESTDIR)$(CANN_TARGET)/include/acl/"
	$(Q)for d in $(ACL_HEADER_DIRS); do \
		install -d $(DESTDIR)$(CANN_TARGET)/include/$$d || exit 1; done
	$(Q)for h in $(ACL_HEADERS); do \
		install -m 644 $(TOP)/include/$$h $(DESTDIR)$(CANN_TARGET)/include/$$h || exit 1; \
	done
	$(quiet) "  LN      $(DESTDIR)$(CANN_HOME)/{include,lib64,runtime/include/acl}"
	$(Q)install -d $(DESTDIR)$(CANN_HOME)/runtime/include
	$(Q)for l in $(CANN_LINKS); do \
		ln -sfn $${l#*:} $(DESTDIR)$(CANN_HOME)/$${l%%:*} || exit 1; done
	$(Q)for d in $(CANN_EMPTY_DIRS); do \
		install -d $(DESTDIR)$(CANN_HOME)/$$d || exit 1; done
	$(quiet) "  INSTALL $(CANN_SET_ENV)"
	$(Q)sed 's|@CANN_HOME@|$(CANN_HOME)|g' $(TOP)/lib/set_env.sh.in > $(CANN_SET_ENV)
	$(Q)chmod 644 $(CANN_SET_ENV)
	$(quiet) "  INSTALL $(CANN_VERSION_INFO)"
	$(Q)install -d $(dir $(CANN_VERSION_INFO))
	$(Q)printf '%s\n' "# aclmem's version.info: libascendcl.so follows hicann/runtime $(CANN_RUNTIME_VERSION)" \
		"Version=$(CANN_RUNTIME_VERSION)" > $(CANN_VERSION_INFO)
	$(Q)chmod 644 $(CANN_VERSION_INFO)

uninstall-cann:
	$(Q)$(cann_tree_is_ours)
	$(quiet) "  UNINSTALL $(DESTDIR)$(CANN_HOME)"
	$(Q)rm -f $(DESTDIR)$(CANN_TARGET)/lib64/$(LIB_REAL) $(CANN_LIB_LINK) \
		$(addprefix $(DESTDIR)$(CANN_TARGET)/include/,$(ACL_HEADERS)) \
		$(CANN_SET_ENV) $(CANN_VERSION_INFO)
	$(Q)for l in $(CANN_LINKS); do f=$(DESTDIR)$(CANN_HOME)/$${l%%:*}; \
		[ ! -L $$f ] || rm -f $$f; done
	$(Q){ for d in $(ACL_HEADER_DIRS); do \
		echo $(CANN_ARCH)-linux/include/$$d; done | sort -r; \
		for d in $(CANN_DIRS); do echo $$d; done; } | \
		while read -r d; do \
			rmdir $(DESTDIR)$(CANN_HOME)/$${d#.} 2>/dev/null || true; \
		done

dkms-add:
	$(quiet) "  DKMS    $(DKMS_SRC)"
	$(Q)if $(DKMS) status aclmem/$(VERSION) | grep -q .; then \
		$(DKMS) remove aclmem/$(VERSION) --all; fi
	$(Q)rm -rf $(DKMS_SRC)
	$(Q)for f in $(DKMS_FILES); do \
		install -D -m 644 $(TOP)/$$f $(DKMS_SRC)/$$f || exit 1; done
	$(Q)sed 's|^PACKAGE_VERSION=.*|PACKAGE_VERSION="$(VERSION)"|' \
		$(TOP)/dkms.conf > $(DKMS_SRC)/dkms.conf
	$(Q)$(DKMS) add aclmem/$(VERSION)

dkms-install: dkms-add
	$(Q)$(DKMS) install aclmem/$(VERSION) $(if $(DKMS_KVER),-k $(DKMS_KVER))

dkms-remove:
	$(Q)if $(DKMS) status aclmem/$(VERSION) | grep -q .; then \
		$(DKMS) remove aclmem/$(VERSION) --all; fi
	$(Q)rm -rf $(DKMS_SRC)
