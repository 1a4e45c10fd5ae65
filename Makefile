# r53d Makefile.  GNU make or any make that knows "!=" and $(wildcard) is
# not needed: source lists are explicit per directory (see */files.mk).
#
# Override CC, CFLAGS, LDFLAGS, PREFIX, DESTDIR as usual.  For
# cross-compiling, set CC and point BEARSSL_CPPFLAGS / CARES_CPPFLAGS and
# LDFLAGS at the target's headers and libraries.

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
CPPFLAGS+=	-I. $(BEARSSL_CPPFLAGS) -D_DEFAULT_SOURCE \
		-DR53D_VERSION=\"$(VERSION)\"
LDLIBS+=	-lcares -lbearssl
CRITERION_LIBS?= -lcriterion

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/share/man
DESTDIR?=

ALL_CFLAGS=	$(WARNFLAGS) $(WERROR) $(CPPFLAGS) $(CFLAGS)

include files.mk
include dns/files.mk
include http/files.mk
include aws/files.mk

LIBSRCS=	$(TOP_SRCS) $(DNS_SRCS) $(HTTP_SRCS) $(AWS_SRCS)
LIBOBJS=	$(LIBSRCS:.c=.o)
HDRS=		*.h dns/*.h http/*.h aws/*.h

all: $(PROG)

$(PROG): r53d.o libr53d.a
	$(CC) $(LDFLAGS) -o $@ r53d.o libr53d.a $(LDLIBS)

libr53d.a: $(LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBOBJS) r53d.o: $(HDRS)

# Unit tests: tests/unit/t_*.c, each a Criterion binary linked with the
# library.  UNIT_TESTS is built from the per-directory lists.
UNIT_BINS=	$(UNIT_TESTS:.c=)

# Criterion's parameter macros cast const arrays to void *.
$(UNIT_BINS): %: %.c libr53d.a $(HDRS)
	$(CC) $(ALL_CFLAGS) -Wno-cast-qual $(LDFLAGS) -o $@ $@.c libr53d.a \
	    $(CRITERION_LIBS) $(LDLIBS)

unit: $(UNIT_BINS)

# libFuzzer harnesses (clang only), built with ASan and UBSan.
FUZZCC?=	clang
FUZZFLAGS=	-g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined
FUZZ_BINS=	$(FUZZ_TARGETS:.c=)

$(FUZZ_BINS): %: %.c $(LIBSRCS) $(HDRS)
	$(FUZZCC) $(FUZZFLAGS) $(CPPFLAGS) -o $@ $@.c $(LIBSRCS) $(LDLIBS)

fuzz: $(FUZZ_BINS)

check:
	sh tests/deps.sh
	$(MAKE) all unit
	sh tests/check.sh

demo:
	sh tests/deps.sh
	$(MAKE) all
	sh tests/demo.sh

install: $(PROG)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	cp $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	chmod 0755 $(DESTDIR)$(BINDIR)/$(PROG)
	cp r53d.8 $(DESTDIR)$(MANDIR)/man8/r53d.8
	cp r53d.conf.5 $(DESTDIR)$(MANDIR)/man5/r53d.conf.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/r53d.8 \
	    $(DESTDIR)$(MANDIR)/man5/r53d.conf.5

lint:
	mandoc -Tlint -W warning r53d.8 r53d.conf.5

clean:
	rm -f $(PROG) r53d.o libr53d.a $(LIBOBJS) $(UNIT_BINS) $(FUZZ_BINS)
	rm -rf tests/tmp

.PHONY: all demo unit fuzz check install lint clean print-unit print-fuzz

print-unit:
	@echo $(UNIT_BINS)

print-fuzz:
	@echo $(FUZZ_BINS)
