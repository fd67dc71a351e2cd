# SPDX-License-Identifier: MIT
#
# The compiled helpers of a test directory, archived once for all its
# tests; included by selftests/Makefile and lib/tests/Makefile after they
# set SRCDIR, TOP, BUILD, OBJDIR (where the objects go), HELPER_SRCS (in
# SRCDIR or tests/common/), HDRS, TEST_CFLAGS, LINUX_FILES_STAMP, Q and
# quiet, and after their default goal. Defines HELPERS, the archive a test
# links.

HELPER_OBJS := $(patsubst %.c,$(OBJDIR)/%.o,$(notdir $(HELPER_SRCS)))
HELPERS := $(OBJDIR)/libhelpers.a

$(OBJDIR)/%.o: $(SRCDIR)/%.c $(HDRS) $(LINUX_FILES_STAMP) | $(OBJDIR)
	$(quiet) "  CC      $(patsubst $(TOP)/%,%,$@)"
	$(Q)$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: $(TOP)/tests/common/%.c $(HDRS) | $(OBJDIR)
	$(quiet) "  CC      $(patsubst $(TOP)/%,%,$@)"
	$(Q)$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(HELPERS): $(HELPER_OBJS)
	$(quiet) "  AR      $(patsubst $(TOP)/%,%,$@)"
	$(Q)rm -f $@ && ar rcs $@ $^

$(OBJDIR):
	$(Q)mkdir -p $@
