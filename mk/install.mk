# SPDX-License-Identifier: MIT
#
# Installing aclmem on a host; included by the top Makefile (TOP, BUILD,
# Q and quiet come from there).
#
#   make install        libascendcl.so, the headers, the pkg-config file,
#                       the CLI and its man page (when built), the udev rule
#                       and the modprobe example, into DESTDIR + PREFIX
#   make uninstall      removes exactly those files
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
#
# The udev rule and the modprobe example do not follow PREFIX: udev and
# modprobe read only their own directories.

VERSION := $(shell cat $(TOP)/VERSION)

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

.PHONY: install uninstall dkms-add dkms-install dkms-remove

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
