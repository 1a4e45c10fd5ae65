# r53d Makefile, for GNU make.  Source lists are explicit: the daemon's
# own files below, each directory's in its files.mk.  Objects, the
# library, unit test and fuzz binaries are built under obj/, the sanitizer
# build (make asan) under obj-asan/; ./r53d stays at the top.
#
# Override CC, CFLAGS, LDFLAGS, PREFIX, DESTDIR as usual.  For
# cross-compiling, set CC and point BEARSSL_CPPFLAGS / CARES_CPPFLAGS and
# LDFLAGS at the target's headers and libraries, and OBJ at a directory
# of its own: "make OBJ=obj-arm obj-arm/r53d" leaves obj/ and ./r53d
# alone.  CRITERION=mini builds the unit tests against tests/unit/mini,
# a stand-in for Criterion on targets that have none (tests/cross.sh).
#
# "make install" installs the daemon, its manual pages, the example
# configuration as $(SYSCONFDIR)/r53d.conf when there is none yet, and
# the systemd unit (not with SYSTEMDDIR=); "make install-openwrt" the
# same with the procd init script instead of the unit.

PROG=		r53d
VERSION=	0.1

CC?=		cc
CFLAGS?=	-O2 -g
WARNFLAGS=	-std=c11 -Wall -Wextra -Wpedantic -Wshadow \
		-Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
		-Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 \
		-Wundef -Wvla
WERROR?=
# BearSSL's header lives in /usr/include/bearssl/ on Debian and directly
# on the include path elsewhere; <bearssl.h> works for both.
BEARSSL_CPPFLAGS!= test -f /usr/include/bearssl/bearssl.h && \
		echo -isystem /usr/include/bearssl || true
# compat/ holds headers some C libraries lack (<sys/queue.h> on musl);
# -idirafter finds the system's own first.
CPPFLAGS+=	-I. $(BEARSSL_CPPFLAGS) -D_DEFAULT_SOURCE \
		-DR53D_VERSION=\"$(VERSION)\" -idirafter compat
LDLIBS+=	-lcares -lbearssl
CRITERION_LIBS?= -lcriterion
CRITERION_CPPFLAGS?=

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/share/man
SYSCONFDIR?=	/etc
SYSTEMDDIR?=	$(PREFIX)/lib/systemd/system
INITDIR?=	$(SYSCONFDIR)/init.d
DESTDIR?=
# The installed paths, in the files of etc/ that name them.
INSTALL_SED=	sed -e 's|/usr/sbin/r53d|$(BINDIR)/r53d|g' \
		    -e 's|/etc/r53d|$(SYSCONFDIR)/r53d|g'

ALL_CFLAGS=	$(WARNFLAGS) $(WERROR) $(CPPFLAGS) $(CFLAGS)

# The daemon's own files at the top (r53d.c holds main): configuration,
# the loop and listeners, the zone engines, the rest.
TOP_SRCS=	log.c conf.c conf_lex.c conf_key.c conf_zone.c conf_aws.c \
		conf_print.c conf_files.c acl.c
TOP_SRCS+=	loop.c listen.c listen_tcp.c serve.c replay.c priv.c
TOP_SRCS+=	zone.c mirror.c mirror_find.c batch.c batch_send.c \
		batch_verify.c batch_insync.c upd.c secondary.c \
		secondary_units.c primary.c
TOP_SRCS+=	export.c sha256.c stats.c chaos.c
UNIT_TESTS+=	tests/unit/t_conf.c tests/unit/t_sha256.c tests/unit/t_replay.c
UNIT_TESTS+=	tests/unit/t_compat.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_serve.c \
		tests/fuzz/fuzz_update.c tests/fuzz/fuzz_r53err.c \
		tests/fuzz/fuzz_listen.c tests/fuzz/fuzz_mirror.c \
		tests/fuzz/fuzz_secondary.c

include dns/files.mk
include http/files.mk
include aws/files.mk

OBJ?=		obj
LIB=		$(OBJ)/libr53d.a
LIBSRCS=	$(TOP_SRCS) $(DNS_SRCS) $(HTTP_SRCS) $(AWS_SRCS)
LIBOBJS=	$(LIBSRCS:%.c=$(OBJ)/%.o)
HDRS=		*.h dns/*.h http/*.h aws/*.h compat/sys/*.h

all: $(PROG)

$(PROG) $(OBJ)/$(PROG): $(OBJ)/r53d.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(OBJ)/r53d.o $(LIB) $(LDLIBS)

lib: $(LIB)

$(LIB): $(LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJS)

$(OBJ)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests: tests/unit/t_*.c, each a Criterion binary linked with the
# library.  UNIT_TESTS is built from the lists above and per directory.
UNIT_BINS=	$(UNIT_TESTS:%.c=$(OBJ)/%)
UNIT_DEPS=
MINICRIT=	$(OBJ)/tests/unit/mini/crit.o
ifeq ($(CRITERION),mini)
CRITERION_CPPFLAGS= -isystem tests/unit/mini
CRITERION_LIBS=	$(MINICRIT)
UNIT_DEPS=	$(MINICRIT)
endif

$(MINICRIT): tests/unit/mini/crit.c tests/unit/mini/criterion/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -isystem tests/unit/mini -c -o $@ $<

# Criterion's parameter macros cast const arrays to void *.
$(UNIT_BINS): $(OBJ)/%: %.c $(LIB) $(UNIT_DEPS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CRITERION_CPPFLAGS) $(ALL_CFLAGS) -Wno-cast-qual $(LDFLAGS) \
	    -o $@ $< $(LIB) $(CRITERION_LIBS) $(LDLIBS)

unit: $(UNIT_BINS)

# libFuzzer harnesses (clang only), built with ASan and UBSan and
# linked with a copy of the library built the same way.  A harness may
# #include the source of the module it drives, for its static functions:
# the linker then leaves that module's object out.  Further sources of a
# harness (the fakes of tests/fuzz/fakes.c) are listed as its
# prerequisites.
FUZZCC?=	clang
SANFLAGS=	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZFLAGS=	-g -O1 -fsanitize=fuzzer $(SANFLAGS)
FUZZ_BINS=	$(FUZZ_TARGETS:%.c=$(OBJ)/%)
FUZZ_LIB=	$(OBJ)/fuzz/libr53d.a
FUZZ_LIBOBJS=	$(LIBSRCS:%.c=$(OBJ)/fuzz/%.o)

$(OBJ)/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZCC) -g -O1 -fsanitize=fuzzer-no-link $(SANFLAGS) $(CPPFLAGS) \
	    -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIBOBJS)

$(FUZZ_BINS): $(OBJ)/%: %.c $(FUZZ_LIB) $(HDRS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^) \
	    $(FUZZ_LIB) $(LDLIBS)

# Harnesses that run the zone engines with tests/fuzz/fakes.c.
$(OBJ)/tests/fuzz/fuzz_serve: tests/fuzz/fakes.c tests/fuzz/rig.c
$(OBJ)/tests/fuzz/fuzz_update: tests/fuzz/fakes.c tests/fuzz/rig.c \
	    tests/fuzz/xmlcheck.c
$(OBJ)/tests/fuzz/fuzz_listen: tests/fuzz/fakes.c
$(OBJ)/tests/fuzz/fuzz_mirror: tests/fuzz/fakes.c
$(OBJ)/tests/fuzz/fuzz_secondary: tests/fuzz/fakes.c
# The credential fetchers, with the fake clocks and log.
$(OBJ)/tests/fuzz/fuzz_imds: tests/fuzz/fakes.c
# Harnesses that only need the log dropped.
$(OBJ)/tests/fuzz/fuzz_anchors: tests/fuzz/fakes.c
# Harnesses that read change batch bodies back.
$(OBJ)/tests/fuzz/fuzz_xmlesc: tests/fuzz/xmlcheck.c

fuzz: $(FUZZ_BINS)

# Every harness for FUZZ_SECONDS each (tests/fuzz_long.sh: FUZZ_RUNS,
# FUZZ_JOBS), from copies of the seed corpora; one line per harness.
FUZZ_SECONDS?=	600
fuzz-long: fuzz
	sh tests/fuzz_long.sh $(FUZZ_SECONDS)

# r53d with AddressSanitizer and UndefinedBehaviorSanitizer, built under
# obj-asan/ as obj-asan/r53d; the black-box suites run it when R53D_BIN
# names it (tests/asan.sh).
ASAN_OBJ=	obj-asan
ASANFLAGS=	-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -O1 -g

asan:
	$(MAKE) OBJ=$(ASAN_OBJ) PROG=$(ASAN_OBJ)/r53d CFLAGS="$(ASANFLAGS)" \
	    LDFLAGS="$(LDFLAGS) $(ASANFLAGS)" $(ASAN_OBJ)/r53d

check:
	sh tests/deps.sh
	$(MAKE) all unit
	sh tests/check.sh

demo:
	sh tests/deps.sh demo
	$(MAKE) all
	sh tests/demo.sh

install: install-common
	if [ -n "$(SYSTEMDDIR)" ]; then \
		mkdir -p $(DESTDIR)$(SYSTEMDDIR) && \
		$(INSTALL_SED) etc/r53d.service \
		    >$(DESTDIR)$(SYSTEMDDIR)/r53d.service && \
		chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/r53d.service; \
	fi

install-openwrt: install-common
	mkdir -p $(DESTDIR)$(INITDIR)
	$(INSTALL_SED) etc/r53d.init >$(DESTDIR)$(INITDIR)/r53d
	chmod 0755 $(DESTDIR)$(INITDIR)/r53d

# The example configuration holds no secret; an existing configuration
# is never replaced.
install-common: $(PROG)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)
	cp $(PROG) $(DESTDIR)$(BINDIR)/$(PROG).new
	chmod 0755 $(DESTDIR)$(BINDIR)/$(PROG).new
	mv $(DESTDIR)$(BINDIR)/$(PROG).new $(DESTDIR)$(BINDIR)/$(PROG)
	cp r53d.8 $(DESTDIR)$(MANDIR)/man8/r53d.8
	cp r53d.conf.5 $(DESTDIR)$(MANDIR)/man5/r53d.conf.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/r53d.8 \
	    $(DESTDIR)$(MANDIR)/man5/r53d.conf.5
	if [ -e $(DESTDIR)$(SYSCONFDIR)/r53d.conf ] || \
	    [ -L $(DESTDIR)$(SYSCONFDIR)/r53d.conf ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/r53d.conf exists: kept"; \
	else \
		$(INSTALL_SED) etc/r53d.conf.example \
		    >$(DESTDIR)$(SYSCONFDIR)/r53d.conf.new && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/r53d.conf.new && \
		mv $(DESTDIR)$(SYSCONFDIR)/r53d.conf.new \
		    $(DESTDIR)$(SYSCONFDIR)/r53d.conf; \
	fi

lint:
	mandoc -Tlint -W warning r53d.8 r53d.conf.5

clean:
	rm -f $(PROG)
	rm -rf $(OBJ) $(ASAN_OBJ) tests/tmp

.PHONY: all lib demo unit fuzz fuzz-long asan check install install-openwrt install-common \
	lint clean print-unit print-fuzz

print-unit:
	@echo $(UNIT_BINS)

print-fuzz:
	@echo $(FUZZ_BINS)
