/*
 * conf.c: the r53d.conf(5) parser.
 *
 * A lexer over a stack of in-memory files (includes are pushed in place)
 * feeds a recursive-descent parser with one token of lookahead.  Every
 * statement parser reports its first problem and returns -1; the caller then
 * skips to the end of that statement (the next ";" at the same nesting, or
 * just before the "}" that closes the enclosing block), so that all errors
 * of a file are found in one pass.  Checks that need the whole file
 * (undefined keys, missing fields) run after parsing, then defaults are
 * filled in.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "acl.h"
#include "base64.h"
#include "conf.h"
#include "log.h"

enum toktype {
	T_EOF,
	T_WORD,		/* bare or quoted string */
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_BANG
};

struct tok {
	enum toktype	 type;
	char		 text[CONF_STRING_MAX];	/* T_WORD, NUL-terminated */
	const char	*file;
	int		 line;
};

/* One file being read; the top of the stack is read first. */
struct src {
	const char	*name;		/* in conf->files */
	char		*buf;		/* owned */
	size_t		 len, pos;
	int		 line;
	dev_t		 dev;		/* identity, for cycle detection */
	ino_t		 ino;
	int		 hasid;
};

struct parser {
	struct conf	*conf;
	struct src	 src[CONF_INCLUDE_DEPTH + 1];
	int		 nsrc;
	int		 nincludes;
	int		 flags;
	conf_report_fn	*report;
	void		*arg;
	int		 nerrors;
	int		 stop;		/* too many errors or out of memory */
	struct tok	 tok;		/* lookahead, valid if peeked */
	int		 peeked;
	const char	*eoffile;	/* position of the end of input */
	int		 eofline;
};

/* Per-block "seen" flags, to refuse an option given twice. */
enum {
	S_ALG = 1, S_SECRET = 2
};

static const struct {
	const char	*name;
	enum tsig_alg	 alg;
	unsigned	 bits;
} algs[] = {
	{ "hmac-md5",			TSIG_HMAC_MD5,		128 },
	{ "hmac-md5.sig-alg.reg.int",	TSIG_HMAC_MD5,		128 },
	{ "hmac-sha1",			TSIG_HMAC_SHA1,		160 },
	{ "hmac-sha224",		TSIG_HMAC_SHA224,	224 },
	{ "hmac-sha256",		TSIG_HMAC_SHA256,	256 },
	{ "hmac-sha384",		TSIG_HMAC_SHA384,	384 },
	{ "hmac-sha512",		TSIG_HMAC_SHA512,	512 }
};

/* RR types a grant may name (IANA DNS parameters registry). */
static const struct {
	const char	*name;
	uint16_t	 type;
} rrtypes[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "HINFO", 13 }, { "MX", 15 }, { "TXT", 16 }, { "RP", 17 },
	{ "AFSDB", 18 }, { "AAAA", 28 }, { "LOC", 29 }, { "SRV", 33 },
	{ "NAPTR", 35 }, { "KX", 36 }, { "CERT", 37 }, { "DNAME", 39 },
	{ "DS", 43 }, { "SSHFP", 44 }, { "RRSIG", 46 }, { "NSEC", 47 },
	{ "DNSKEY", 48 }, { "DHCID", 49 }, { "NSEC3", 50 },
	{ "NSEC3PARAM", 51 }, { "TLSA", 52 }, { "SMIMEA", 53 },
	{ "CDS", 59 }, { "CDNSKEY", 60 }, { "OPENPGPKEY", 61 },
	{ "SVCB", 64 }, { "HTTPS", 65 }, { "SPF", 99 }, { "URI", 256 },
	{ "CAA", 257 }, { "ANY", 255 }
};

static void	 perr(struct parser *, const char *, int, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
static int	 stmt_block(struct parser *, const char *,
		    int (*)(struct parser *, const char *, void *), void *);

/* Errors and memory */

static void
perr(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	char	 msg[1024], full[1400];
	va_list	 ap;

	if (p->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (++p->nerrors > CONF_ERRORS_MAX) {
		snprintf(full, sizeof(full), "%s:%d: too many errors",
		    file, line);
		p->stop = 1;
	} else if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", file, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", file, msg);
	if (p->report != NULL)
		p->report(p->arg, full);
	else
		log_warnx("%s", full);
}

/* Error at the lookahead token (or the last one read). */
#define TERR(p, ...)	perr((p), (p)->tok.file, (p)->tok.line, __VA_ARGS__)

static void
oom(struct parser *p)
{
	if (!p->stop)
		TERR(p, "out of memory");
	p->stop = 1;
}

/*
 * Make room for one more element in *arr of *n elements of size sz, at
 * most max.  Growth doubles, so there are few reallocations; the cap keeps
 * it bounded.  Returns a pointer to the new zeroed element, or NULL after
 * reporting the problem.
 */
static void *
grow(struct parser *p, void *arr, size_t *n, size_t sz, size_t max,
    const char *what)
{
	void	**ap = arr;
	void	 *na;
	size_t	  cap;

	if (*n >= max) {
		TERR(p, "too many %s (max %zu)", what, max);
		return NULL;
	}
	/* Capacity is the next power of two, so grow when n is one. */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		cap = *n == 0 ? 1 : *n * 2;
		if ((na = realloc(*ap, cap * sz)) == NULL) {
			oom(p);
			return NULL;
		}
		*ap = na;
	}
	na = (char *)*ap + *n * sz;
	memset(na, 0, sz);
	(*n)++;
	return na;
}

/* Keep a copy of a file name for the lifetime of the configuration. */
static const char *
keepname(struct parser *p, const char *name)
{
	struct conf	*c = p->conf;
	char		**nf, *s;

	if ((s = strdup(name)) == NULL) {
		oom(p);
		return NULL;
	}
	if ((nf = reallocarray(c->files, c->nfiles + 1, sizeof(*nf))) == NULL) {
		free(s);
		oom(p);
		return NULL;
	}
	c->files = nf;
	c->files[c->nfiles++] = s;
	return s;
}

/* Printable, bounded rendering of user text for messages. */
static const char *
show(const char *s, char *buf, size_t size)
{
	size_t	 i, o = 0;

	for (i = 0; s[i] != '\0' && o + 4 < size; i++) {
		if (i >= 60) {
			buf[o++] = '.';
			buf[o++] = '.';
			buf[o++] = '.';
			break;
		}
		buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	}
	buf[o] = '\0';
	return buf;
}

/* Lexer */

/* Sources may hold secrets: wipe before freeing. */
static void
freesrc(struct src *s)
{
	if (s->buf != NULL) {
		explicit_bzero(s->buf, s->len);
		free(s->buf);
		s->buf = NULL;
	}
}

/*
 * Read the next token into t.  Leaving an included file returns to the
 * includer transparently; T_EOF only at the end of the main file.
 */
static void
lex(struct parser *p, struct tok *t)
{
	struct src	*s;
	size_t		 o;
	int		 c, startline;

again:
	if (p->stop || p->nsrc == 0) {
		t->type = T_EOF;
		t->file = p->eoffile;
		t->line = p->eofline;
		return;
	}
	s = &p->src[p->nsrc - 1];
	for (;;) {
		if (s->pos >= s->len) {
			if (p->nsrc == 1) {
				/* The last line, not the one after it. */
				p->eoffile = s->name;
				p->eofline = s->line - (s->len > 0 &&
				    s->buf[s->len - 1] == '\n' && s->line > 1);
			}
			freesrc(s);
			p->nsrc--;
			goto again;
		}
		c = (unsigned char)s->buf[s->pos];
		if (c == '\n') {
			s->line++;
			s->pos++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			s->pos++;
		} else if (c == '#' || (c == '/' && s->pos + 1 < s->len &&
		    s->buf[s->pos + 1] == '/')) {
			while (s->pos < s->len && s->buf[s->pos] != '\n')
				s->pos++;
		} else if (c == '/' && s->pos + 1 < s->len &&
		    s->buf[s->pos + 1] == '*') {
			startline = s->line;
			s->pos += 2;
			while (s->pos < s->len && !(s->buf[s->pos] == '*' &&
			    s->pos + 1 < s->len && s->buf[s->pos + 1] == '/')) {
				if (s->buf[s->pos] == '\n')
					s->line++;
				s->pos++;
			}
			if (s->pos >= s->len)
				perr(p, s->name, startline,
				    "unterminated comment");
			else
				s->pos += 2;
		} else if (c < 0x20 || c == 0x7f) {
			perr(p, s->name, s->line, "invalid character 0x%02x",
			    (unsigned)c);
			s->pos++;
		} else
			break;
	}

	t->file = s->name;
	t->line = s->line;
	t->text[0] = '\0';
	o = 0;
	switch (c) {
	case '{':
		t->type = T_LBRACE;
		s->pos++;
		return;
	case '}':
		t->type = T_RBRACE;
		s->pos++;
		return;
	case ';':
		t->type = T_SEMI;
		s->pos++;
		return;
	case '!':
		t->type = T_BANG;
		s->pos++;
		return;
	case '"':
		t->type = T_WORD;
		s->pos++;
		for (;;) {
			if (s->pos >= s->len) {
				perr(p, s->name, t->line,
				    "unterminated quoted string");
				break;
			}
			c = (unsigned char)s->buf[s->pos++];
			if (c == '"')
				break;
			if (c == '\n')
				s->line++;
			if (c == '\\' && s->pos < s->len &&
			    s->buf[s->pos] == '"') {
				c = '"';
				s->pos++;
			}
			if (o + 1 < sizeof(t->text))
				t->text[o++] = (char)c;
			else if (o + 1 == sizeof(t->text)) {
				perr(p, s->name, t->line, "string too long");
				o++;
			}
		}
		break;
	default:
		t->type = T_WORD;
		while (s->pos < s->len) {
			c = (unsigned char)s->buf[s->pos];
			if (c <= ' ' || c == 0x7f || c == '{' || c == '}' ||
			    c == ';' || c == '"' || c == '!' || c == '#' ||
			    (c == '/' && s->pos + 1 < s->len &&
			    (s->buf[s->pos + 1] == '/' ||
			    s->buf[s->pos + 1] == '*')))
				break;
			s->pos++;
			if (o + 1 < sizeof(t->text))
				t->text[o++] = (char)c;
			else if (o + 1 == sizeof(t->text)) {
				perr(p, s->name, t->line, "string too long");
				o++;
			}
		}
		break;
	}
	if (o >= sizeof(t->text))
		o = sizeof(t->text) - 1;
	t->text[o] = '\0';
}

static struct tok *
peek(struct parser *p)
{
	if (!p->peeked) {
		lex(p, &p->tok);
		p->peeked = 1;
	}
	return &p->tok;
}

static struct tok *
next(struct parser *p)
{
	peek(p);
	p->peeked = 0;
	return &p->tok;
}

static const char *
tokdesc(const struct tok *t, char *buf, size_t size)
{
	char	 b[80];

	switch (t->type) {
	case T_EOF:
		return "end of file";
	case T_LBRACE:
		return "\"{\"";
	case T_RBRACE:
		return "\"}\"";
	case T_SEMI:
		return "\";\"";
	case T_BANG:
		return "\"!\"";
	default:
		snprintf(buf, size, "\"%s\"", show(t->text, b, sizeof(b)));
		return buf;
	}
}

/*
 * Skip the rest of a statement after an error: up to and including the
 * next ";" outside braces, or up to (not including) an unmatched "}".
 */
static void
skip(struct parser *p)
{
	struct tok	*t;
	int		 depth = 0;

	for (;;) {
		t = peek(p);
		if (t->type == T_EOF)
			return;
		if (t->type == T_RBRACE && depth == 0)
			return;
		next(p);
		if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_RBRACE)
			depth--;
		else if (t->type == T_SEMI && depth == 0)
			return;
	}
}

/*
 * After a stray punctuation token where a statement should start: drop
 * it, with a whole "{ ... }" group or the rest of a "!" statement.
 */
static void
recover(struct parser *p)
{
	enum toktype	 type = p->tok.type;

	if (type == T_LBRACE) {
		skip(p);
		return;
	}
	next(p);
	if (type == T_BANG)
		skip(p);
	else if (type == T_RBRACE && peek(p)->type == T_SEMI)
		next(p);
}

/* Token expectations; on a mismatch report and leave the token. */

static int
expect(struct parser *p, enum toktype type, const char *what)
{
	char	 b[100];

	if (peek(p)->type != type) {
		TERR(p, "expected %s, got %s", what, tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	next(p);
	return 0;
}

#define expect_semi(p)	expect((p), T_SEMI, "\";\"")
#define expect_lbrace(p) expect((p), T_LBRACE, "\"{\"")

/* Next word into buf; -1 if it is not a word or does not fit. */
static int
word(struct parser *p, const char *what, char *buf, size_t size)
{
	char	 b[100];

	if (peek(p)->type != T_WORD) {
		TERR(p, "expected %s, got %s", what, tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	next(p);
	if (strlen(p->tok.text) >= size) {
		TERR(p, "%s too long: %s", what, tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	memcpy(buf, p->tok.text, strlen(p->tok.text) + 1);
	return 0;
}

static int
number(struct parser *p, const char *what, unsigned min, unsigned max,
    unsigned *v)
{
	char		 buf[32], b[100];
	unsigned long	 n;
	char		*end;

	if (word(p, what, buf, sizeof(buf)) == -1)
		return -1;
	errno = 0;
	n = strtoul(buf, &end, 10);
	if (!isdigit((unsigned char)buf[0]) || *end != '\0') {
		TERR(p, "%s: expected a number, got %s", what,
		    tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	if (errno == ERANGE || n < min || n > max) {
		TERR(p, "%s %s out of range (%u..%u)", what,
		    show(buf, b, sizeof(b)), min, max);
		return -1;
	}
	*v = (unsigned)n;
	return 0;
}

static int
boolean(struct parser *p, const char *what, int *v)
{
	char	 buf[16], b[100];

	if (word(p, what, buf, sizeof(buf)) == -1)
		return -1;
	if (strcasecmp(buf, "yes") == 0 || strcasecmp(buf, "true") == 0 ||
	    strcmp(buf, "1") == 0)
		*v = 1;
	else if (strcasecmp(buf, "no") == 0 || strcasecmp(buf, "false") == 0 ||
	    strcmp(buf, "0") == 0)
		*v = 0;
	else {
		TERR(p, "%s: expected yes or no, got %s", what,
		    tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	return 0;
}

/* A value statement ends with ";". */
static int
end(struct parser *p, int rv)
{
	if (rv == -1)
		return -1;
	return expect_semi(p);
}

/* Refuse an option given twice in one block. */
static int
once(struct parser *p, unsigned *seen, unsigned bit, const char *kw)
{
	if (*seen & bit) {
		TERR(p, "duplicate %s", kw);
		return -1;
	}
	*seen |= bit;
	return 0;
}

/* Files */

/* Directory part of the file being read, as a prefix ("" or "dir/"). */
static size_t
dirlen(const char *name)
{
	const char	*sl = strrchr(name, '/');

	return sl == NULL ? 0 : (size_t)(sl - name) + 1;
}

/* Resolve a path written in the current file; NULL after an error. */
static char *
resolve(struct parser *p, const char *path)
{
	const char	*cur = p->tok.file;
	size_t		 dl, pl;
	char		*r;

	dl = path[0] == '/' || cur == NULL ? 0 : dirlen(cur);
	pl = strlen(path);
	if ((r = malloc(dl + pl + 1)) == NULL) {
		oom(p);
		return NULL;
	}
	memcpy(r, cur, dl);
	memcpy(r + dl, path, pl + 1);
	return r;
}

/*
 * Read a whole file of at most max bytes into a NUL-terminated malloc'd
 * buffer.  Returns 0, or -1 with errno set (EFBIG when too large).
 */
static int
readfile(const char *path, size_t max, char **bufp, size_t *lenp,
    struct stat *st)
{
	char	*buf;
	size_t	 len = 0, size;
	ssize_t	 r;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto fail;
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* Regular files get a buffer of their size, others the maximum. */
	if (S_ISREG(st->st_mode)) {
		if (st->st_size < 0 || (uintmax_t)st->st_size > max) {
			errno = EFBIG;
			goto fail;
		}
		size = (size_t)st->st_size;
	} else
		size = max;
	if ((buf = malloc(size + 1)) == NULL)
		goto fail;
	for (;;) {
		if (len == size + 1 || (len == size && S_ISREG(st->st_mode)))
			break;	/* a file growing meanwhile is cut here */
		r = read(fd, buf + len, size + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			saved = errno;
			free(buf);
			errno = saved;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			free(buf);
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static void
pushsrc(struct parser *p, const char *name, char *buf, size_t len,
    const struct stat *st)
{
	struct src	*s = &p->src[p->nsrc++];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->buf = buf;
	s->len = len;
	s->line = 1;
	if (st != NULL) {
		s->dev = st->st_dev;
		s->ino = st->st_ino;
		s->hasid = 1;
	}
}

/* include "path"; -- the file's text is read next, in place. */
static int
st_include(struct parser *p)
{
	char		 path[CONF_STRING_MAX], b[100];
	char		*full, *buf;
	const char	*name, *file;
	struct stat	 st;
	size_t		 len;
	int		 i, line;

	if (word(p, "file name", path, sizeof(path)) == -1)
		return -1;
	file = p->tok.file;
	line = p->tok.line;
	if (expect_semi(p) == -1)
		return -1;
	if (p->flags & CONF_NOFILES) {
		perr(p, file, line, "include not allowed here");
		return 0;
	}
	if ((full = resolve(p, path)) == NULL)
		return 0;
	if (p->nsrc > CONF_INCLUDE_DEPTH) {
		perr(p, file, line, "include \"%s\": nested too deeply "
		    "(max %d)", show(full, b, sizeof(b)), CONF_INCLUDE_DEPTH);
		free(full);
		return 0;
	}
	if (++p->nincludes > CONF_INCLUDE_MAX) {
		perr(p, file, line, "include \"%s\": too many includes "
		    "(max %d)", show(full, b, sizeof(b)), CONF_INCLUDE_MAX);
		free(full);
		return 0;
	}
	if (readfile(full, CONF_FILE_MAX, &buf, &len, &st) == -1) {
		if (errno == EFBIG)
			perr(p, file, line, "include \"%s\": file too large "
			    "(max %d bytes)", show(full, b, sizeof(b)),
			    CONF_FILE_MAX);
		else
			perr(p, file, line, "include \"%s\": %s",
			    show(full, b, sizeof(b)), strerror(errno));
		free(full);
		return 0;
	}
	for (i = 0; i < p->nsrc; i++) {
		if (p->src[i].hasid && p->src[i].dev == st.st_dev &&
		    p->src[i].ino == st.st_ino) {
			perr(p, file, line, "include \"%s\": include cycle",
			    show(full, b, sizeof(b)));
			free(full);
			free(buf);
			return 0;
		}
	}
	name = keepname(p, full);
	free(full);
	if (name == NULL) {
		free(buf);
		return 0;
	}
	pushsrc(p, name, buf, len, &st);
	return 0;
}

/*
 * Read the first line of a secret file, trimmed of surrounding
 * whitespace, into buf.  Reports its own errors.
 */
static int
readsecret(struct parser *p, const char *kw, const char *path, char *out,
    size_t size, const char *file, int line)
{
	char		*buf, *s, *e, b[100];
	size_t		 len, flen;
	struct stat	 st;

	if (readfile(path, 4096, &buf, &len, &st) == -1) {
		perr(p, file, line, "%s \"%s\": %s", kw,
		    show(path, b, sizeof(b)),
		    errno == EFBIG ? "file too large" : strerror(errno));
		return -1;
	}
	flen = len;
	for (s = buf; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s; *e != '\0' && *e != '\n' && *e != '\r'; e++)
		;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	len = (size_t)(e - s);
	if (len == 0 || len >= size) {
		perr(p, file, line, "%s \"%s\": %s", kw,
		    show(path, b, sizeof(b)), len == 0 ? "empty first line" :
		    "secret too long");
		explicit_bzero(buf, flen);
		free(buf);
		return -1;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	explicit_bzero(buf, flen);
	free(buf);
	return 0;
}

/* Path option: resolved against the current file, stored malloc'd. */
static int
pathopt(struct parser *p, const char *kw, char **dst)
{
	char	 path[CONF_STRING_MAX];

	if (word(p, kw, path, sizeof(path)) == -1)
		return -1;
	if (path[0] == '\0') {
		TERR(p, "%s: empty path", kw);
		return -1;
	}
	free(*dst);
	if ((*dst = resolve(p, path)) == NULL)
		return -1;
	return 0;
}

/* Addresses */

/* Numeric address and port into ss; -1 if not an address. */
static int
sockaddr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

static void
sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t size,
    unsigned *port)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, buf, size);
		*port = ntohs(sin->sin_port);
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, size);
		*port = ntohs(sin6->sin6_port);
	}
}

/* ADDR [port N] [key NAME]; the key is allowed when keybuf is not NULL. */
static int
addrport(struct parser *p, const char *what, struct sockaddr_storage *ss,
    socklen_t *sslen, char *keybuf, const char **kfile, int *kline)
{
	char		 addr[64], kw[16], name[ACL_NAME_MAX], b[100];
	unsigned	 port = CONF_DEFAULT_PORT;
	struct tok	*t;
	unsigned	 seen = 0;

	if (word(p, what, addr, sizeof(addr)) == -1)
		return -1;
	if (sockaddr_parse(addr, 0, ss, sslen) == -1) {
		TERR(p, "invalid address %s", tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	for (;;) {
		t = peek(p);
		if (t->type != T_WORD)
			break;
		if (word(p, "option", kw, sizeof(kw)) == -1)
			return -1;
		if (strcasecmp(kw, "port") == 0) {
			if (once(p, &seen, 1, "port") == -1 ||
			    number(p, "port", 1, 65535, &port) == -1)
				return -1;
		} else if (keybuf != NULL && strcasecmp(kw, "key") == 0) {
			if (once(p, &seen, 2, "key") == -1 ||
			    word(p, "key name", name, sizeof(name)) == -1)
				return -1;
			if (acl_name_canon(keybuf, ACL_NAME_MAX, name) == -1 ||
			    keybuf[0] == '\0') {
				TERR(p, "invalid key name %s",
				    tokdesc(&p->tok, b, sizeof(b)));
				return -1;
			}
			*kfile = p->tok.file;
			*kline = p->tok.line;
		} else {
			TERR(p, "unexpected %s after address", tokdesc(&p->tok,
			    b, sizeof(b)));
			return -1;
		}
	}
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

/* listen ADDR [port N]; */
static int
st_listen(struct parser *p)
{
	struct conf		*c = p->conf;
	struct conf_listen	*l, tmp;
	char			 b[64];
	unsigned		 port;
	size_t			 i;

	memset(&tmp, 0, sizeof(tmp));	/* callers may memcmp listen[] */
	if (addrport(p, "address", &tmp.ss, &tmp.sslen, NULL, NULL, NULL) ==
	    -1)
		return -1;
	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].sslen == tmp.sslen &&
		    memcmp(&c->listen[i].ss, &tmp.ss, tmp.sslen) == 0) {
			sockaddr_str(&tmp.ss, b, sizeof(b), &port);
			TERR(p, "duplicate listen %s port %u", b, port);
			return -1;
		}
	}
	if ((l = grow(p, &c->listen, &c->nlisten, sizeof(*l),
	    CONF_LISTEN_MAX, "listen addresses")) == NULL)
		return -1;
	*l = tmp;
	return expect_semi(p);
}

/* Keys */

/* Parse an algorithm name into k; reports as key "name". */
static int
algorithm(struct parser *p, struct conf_key *k, const char *s)
{
	char		 n[64], b[100];
	size_t		 i, len, nl;
	unsigned	 bits, min;
	char		*dash, *end;

	len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(n))
		goto unknown;
	for (i = 0; i < len; i++)
		n[i] = (char)tolower((unsigned char)s[i]);
	n[len] = '\0';
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(n, algs[i].name) == 0) {
			k->alg = algs[i].alg;
			k->truncbits = 0;
			return 0;
		}
	}
	/* BIND's truncation syntax: hmac-sha256-128 */
	if ((dash = strrchr(n, '-')) == NULL || !isdigit((unsigned char)dash[1]))
		goto unknown;
	nl = (size_t)(dash - n);
	errno = 0;
	bits = (unsigned)strtoul(dash + 1, &end, 10);
	if (*end != '\0' || errno == ERANGE || strlen(dash + 1) > 5)
		goto unknown;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strlen(algs[i].name) != nl ||
		    strncmp(n, algs[i].name, nl) != 0)
			continue;
		min = algs[i].bits / 2 > 80 ? algs[i].bits / 2 : 80;
		if (bits < min || bits > algs[i].bits) {
			TERR(p, "key \"%s\": digest bits %u out of range "
			    "(%u..%u)", k->name, bits, min, algs[i].bits);
			return -1;
		}
		if (bits % 8 != 0) {
			TERR(p, "key \"%s\": digest bits %u not a multiple "
			    "of 8", k->name, bits);
			return -1;
		}
		k->alg = algs[i].alg;
		k->truncbits = bits == algs[i].bits ? 0 : bits;
		return 0;
	}
unknown:
	TERR(p, "key \"%s\": unknown algorithm \"%s\"", k->name,
	    show(s, b, sizeof(b)));
	return -1;
}

struct keyctx {
	struct conf_key	*k;
	unsigned	 seen;
};

static int
key_opt(struct parser *p, const char *kw, void *arg)
{
	struct keyctx	*kc = arg;
	struct conf_key	*k = kc->k;
	char		 buf[CONF_STRING_MAX];
	uint8_t		 dec[BASE64_DECMAX(CONF_STRING_MAX)];
	size_t		 declen;
	int		 rv;

	if (strcasecmp(kw, "algorithm") == 0) {
		if (once(p, &kc->seen, S_ALG, kw) == -1 ||
		    word(p, "algorithm", buf, sizeof(buf)) == -1 ||
		    algorithm(p, k, buf) == -1)
			return -1;
		return expect_semi(p);
	}
	if (strcasecmp(kw, "secret") == 0) {
		if (once(p, &kc->seen, S_SECRET, kw) == -1 ||
		    word(p, "secret", buf, sizeof(buf)) == -1)
			return -1;
		rv = base64_decode(buf, strlen(buf), dec, sizeof(dec),
		    &declen);
		explicit_bzero(buf, sizeof(buf));
		explicit_bzero(p->tok.text, sizeof(p->tok.text));
		if (rv == -1) {
			TERR(p, "key \"%s\": invalid base64 in secret",
			    k->name);
			return -1;
		}
		if (declen == 0 || declen > CONF_SECRET_MAX) {
			explicit_bzero(dec, sizeof(dec));
			TERR(p, "key \"%s\": secret must be 1 to %d bytes",
			    k->name, CONF_SECRET_MAX);
			return -1;
		}
		memcpy(k->secret, dec, declen);
		k->secretlen = declen;
		explicit_bzero(dec, sizeof(dec));
		return expect_semi(p);
	}
	TERR(p, "unknown keyword \"%s\" in key", kw);
	return -1;
}

/* The key or zone named name, any spelling; NULL if none. */
static struct conf_key *
key_lookup(const struct conf *c, const char *name)
{
	char	 canon[ACL_NAME_MAX];
	size_t	 i;

	if (acl_name_canon(canon, sizeof(canon), name) == -1)
		return NULL;
	for (i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].name, canon) == 0)
			return &c->keys[i];
	return NULL;
}

/* key "NAME" { algorithm ALG; secret "BASE64"; }; */
static int
st_key(struct parser *p)
{
	struct conf	*c = p->conf;
	struct conf_key	*k, *old;
	struct keyctx	 kc;
	char		 name[ACL_NAME_MAX], canon[ACL_NAME_MAX], b[100];
	const char	*file;
	int		 line, rv;
	size_t		 idx;

	file = peek(p)->file;
	line = p->tok.line;
	if (word(p, "key name", name, sizeof(name)) == -1)
		return -1;
	if (acl_name_canon(canon, sizeof(canon), name) == -1 ||
	    canon[0] == '\0') {
		TERR(p, "invalid key name %s", tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	if ((old = key_lookup(c, canon)) != NULL) {
		TERR(p, "duplicate key \"%s\" (first defined at %s:%d)",
		    canon, old->file, old->line);
		return -1;
	}
	if ((k = grow(p, &c->keys, &c->nkeys, sizeof(*k), CONF_KEYS_MAX,
	    "keys")) == NULL)
		return -1;
	idx = c->nkeys - 1;
	memcpy(k->name, canon, sizeof(canon));
	k->file = file;
	k->line = line;
	memset(&kc, 0, sizeof(kc));
	kc.k = k;
	if (expect_lbrace(p) == -1)
		return -1;
	rv = stmt_block(p, "key", key_opt, &kc);
	k = &c->keys[idx];
	if (!(kc.seen & S_ALG))
		perr(p, file, line, "key \"%s\": missing algorithm", k->name);
	if (!(kc.seen & S_SECRET))
		perr(p, file, line, "key \"%s\": missing secret", k->name);
	return rv;
}

/* ACLs */

static int
prefix(struct parser *p, struct acl_elem *e, const char *s)
{
	char		 addr[64], b[100], *sl, *end;
	unsigned long	 plen;
	unsigned	 maxlen, i;

	if (strlen(s) >= sizeof(addr))
		goto bad;
	memcpy(addr, s, strlen(s) + 1);
	if ((sl = strchr(addr, '/')) != NULL)
		*sl++ = '\0';
	if (inet_pton(AF_INET, addr, e->addr) == 1) {
		e->family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, addr, e->addr) == 1) {
		e->family = AF_INET6;
		maxlen = 128;
	} else
		goto bad;
	if (sl == NULL)
		plen = maxlen;
	else {
		errno = 0;
		plen = strtoul(sl, &end, 10);
		if (!isdigit((unsigned char)*sl) || *end != '\0' ||
		    errno == ERANGE || plen > maxlen) {
			TERR(p, "invalid prefix length in \"%s\"",
			    show(s, b, sizeof(b)));
			return -1;
		}
	}
	e->plen = (unsigned)plen;
	for (i = e->plen; i < maxlen; i++) {
		if (e->addr[i / 8] & (0x80 >> (i % 8))) {
			TERR(p, "prefix \"%s\" has bits set beyond its length",
			    show(s, b, sizeof(b)));
			return -1;
		}
	}
	e->type = ACL_PREFIX;
	return 0;
bad:
	TERR(p, "invalid address \"%s\"", show(s, b, sizeof(b)));
	return -1;
}

static struct acl_elem *
acl_add(struct parser *p, struct acl *acl)
{
	return grow(p, &acl->elems, &acl->nelems, sizeof(struct acl_elem),
	    CONF_ACL_MAX, "address match list elements");
}

/* One element of an address match list, with its ";". */
static int
acl_elem(struct parser *p, struct acl *acl)
{
	struct acl_elem	 e, *ne;
	char		 buf[CONF_STRING_MAX], b[100];
	int		 negate = 0;

	memset(&e, 0, sizeof(e));
	if (peek(p)->type == T_BANG) {
		next(p);
		negate = 1;
	}
	if (peek(p)->type == T_LBRACE) {
		TERR(p, "nested address match lists are not supported");
		return -1;
	}
	if (word(p, "address match list element", buf, sizeof(buf)) == -1)
		return -1;
	e.negate = negate;
	e.file = p->tok.file;
	e.line = p->tok.line;
	if (strcasecmp(buf, "any") == 0)
		e.type = ACL_ANY;
	else if (strcasecmp(buf, "none") == 0)
		e.type = ACL_NONE;
	else if (strcasecmp(buf, "key") == 0) {
		if (word(p, "key name", buf, sizeof(buf)) == -1)
			return -1;
		if (acl_name_canon(e.key, sizeof(e.key), buf) == -1 ||
		    e.key[0] == '\0') {
			TERR(p, "invalid key name %s", tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		e.type = ACL_KEY;
		e.file = p->tok.file;
		e.line = p->tok.line;
	} else if (strcasecmp(buf, "localhost") == 0) {
		/* Loopback: 127.0.0.0/8 and ::1. */
		if (prefix(p, &e, "127.0.0.0/8") == -1 ||
		    (ne = acl_add(p, acl)) == NULL)
			return -1;
		*ne = e;
		if (prefix(p, &e, "::1") == -1)
			return -1;
	} else if (strcasecmp(buf, "localnets") == 0) {
		TERR(p, "\"localnets\" is not supported; list the prefixes");
		return -1;
	} else if (prefix(p, &e, buf) == -1)
		return -1;
	if ((ne = acl_add(p, acl)) == NULL)
		return -1;
	*ne = e;
	return expect_semi(p);
}

/* { element; ... }; with recovery inside the list. */
static int
acl_list(struct parser *p, const char *kw, struct acl *acl, unsigned *seen,
    unsigned bit)
{
	struct tok	*t;

	if (once(p, seen, bit, kw) == -1 || expect_lbrace(p) == -1)
		return -1;
	for (;;) {
		t = peek(p);
		if (t->type == T_RBRACE) {
			next(p);
			break;
		}
		if (t->type == T_EOF) {
			TERR(p, "unexpected end of file in %s", kw);
			return -1;
		}
		if (acl_elem(p, acl) == -1)
			skip(p);
		if (p->stop)
			return -1;
	}
	expect_semi(p);
	return 0;
}

/* Zones */

static int
rrtype(const char *s, uint16_t *type)
{
	size_t		 i;
	unsigned long	 n;
	char		*end;

	for (i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++) {
		if (strcasecmp(s, rrtypes[i].name) == 0) {
			*type = rrtypes[i].type;
			return 0;
		}
	}
	if (strncasecmp(s, "TYPE", 4) == 0 && isdigit((unsigned char)s[4])) {
		errno = 0;
		n = strtoul(s + 4, &end, 10);
		if (*end == '\0' && errno == 0 && n <= 65535) {
			*type = (uint16_t)n;
			return 0;
		}
	}
	return -1;
}

static const char *
rrtype_name(uint16_t type, char *buf, size_t size)
{
	size_t	 i;

	for (i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++)
		if (rrtypes[i].type == type)
			return rrtypes[i].name;
	snprintf(buf, size, "TYPE%u", (unsigned)type);
	return buf;
}

struct zonectx {
	size_t		 idx;		/* index of the zone in conf->zones */
	unsigned	 seen;
};

enum {
	Z_HOSTED = 1, Z_UPDATE = 2, Z_QUERY = 4, Z_NOTIFY = 8, Z_SERIAL = 16,
	Z_INSYNC = 32, Z_TIMEOUT = 64, Z_QLIMIT = 128, Z_PRIMARIES = 256,
	Z_POLICY = 512, Z_COALESCE = 1024
};

/*
 * grant KEY (name | subdomain | wildcard | zonesub) [NAME] [TYPE ...];
 * (the statement keyword is already read).
 */
static int
grant(struct parser *p, struct zone_conf *z)
{
	struct grant	 g, *ng;
	char		 buf[CONF_STRING_MAX], b[100];
	uint16_t	 t;

	memset(&g, 0, sizeof(g));
	if (word(p, "key name", buf, sizeof(buf)) == -1)
		return -1;
	g.file = p->tok.file;
	g.line = p->tok.line;
	if (acl_name_canon(g.key, sizeof(g.key), buf) == -1 ||
	    g.key[0] == '\0') {
		TERR(p, "invalid key name %s", tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	if (word(p, "name, subdomain, wildcard or zonesub", buf,
	    sizeof(buf)) == -1)
		return -1;
	if (strcasecmp(buf, "zonesub") == 0) {
		g.match = GRANT_SUBDOMAIN;
		memcpy(g.name, z->name, sizeof(g.name));
	} else {
		if (strcasecmp(buf, "name") == 0)
			g.match = GRANT_NAME;
		else if (strcasecmp(buf, "subdomain") == 0)
			g.match = GRANT_SUBDOMAIN;
		else if (strcasecmp(buf, "wildcard") == 0)
			g.match = GRANT_WILDCARD;
		else {
			TERR(p, "unsupported grant rule %s (use name, "
			    "subdomain, wildcard or zonesub)",
			    tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		if (word(p, "name", buf, sizeof(buf)) == -1)
			return -1;
		if (acl_name_canon(g.name, sizeof(g.name), buf) == -1) {
			TERR(p, "invalid name %s", tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		if (g.match == GRANT_WILDCARD && (g.name[0] != '*' ||
		    !(g.name[1] == '.' || g.name[1] == '\0'))) {
			TERR(p, "wildcard name \"%s\" does not start with "
			    "\"*.\"", g.name);
			return -1;
		}
	}
	while (peek(p)->type == T_WORD) {
		next(p);
		if (rrtype(p->tok.text, &t) == -1) {
			TERR(p, "unknown type %s", tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		if (g.ntypes >= GRANT_TYPES_MAX) {
			TERR(p, "too many types in grant (max %d)",
			    GRANT_TYPES_MAX);
			return -1;
		}
		g.types[g.ntypes++] = t;
	}
	if (expect_semi(p) == -1)
		return -1;
	if ((ng = grow(p, &z->grants, &z->ngrants, sizeof(*ng),
	    CONF_GRANTS_MAX, "grants")) == NULL)
		return -1;
	*ng = g;
	return 0;
}

static int
policy_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx	*zc = arg;

	if (strcasecmp(kw, "grant") == 0)
		return grant(p, &p->conf->zones[zc->idx]);
	TERR(p, "unsupported update-policy rule \"%s\" (only grant)", kw);
	return -1;
}

static int
primaries_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx		*zc = arg;
	struct zone_conf	*z = &p->conf->zones[zc->idx];
	struct conf_primary	 pr, *np;

	(void)kw;
	memset(&pr, 0, sizeof(pr));
	/* The statement starts with the address, still the lookahead. */
	if (addrport(p, "address", &pr.ss, &pr.sslen, pr.key, &pr.file,
	    &pr.line) == -1)
		return -1;
	if (expect_semi(p) == -1)
		return -1;
	z = &p->conf->zones[zc->idx];
	if ((np = grow(p, &z->primaries, &z->nprimaries, sizeof(*np),
	    CONF_PRIMARIES_MAX, "primaries")) == NULL)
		return -1;
	*np = pr;
	return 0;
}

static int
zone_opt(struct parser *p, const char *kw, void *arg)
{
	struct zonectx		*zc = arg;
	struct zone_conf	*z = &p->conf->zones[zc->idx];
	char			 buf[CONF_STRING_MAX], b[100], *id;
	size_t			 i;
	int			 rv;

	if (strcasecmp(kw, "hosted-zone") == 0) {
		if (once(p, &zc->seen, Z_HOSTED, kw) == -1 ||
		    word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		id = buf;
		if (strncmp(id, "/hostedzone/", 12) == 0)
			id += 12;
		for (i = 0; id[i] != '\0'; i++)
			if (!isalnum((unsigned char)id[i]))
				break;
		if (i == 0 || id[i] != '\0' || i >= sizeof(z->hosted_zone)) {
			TERR(p, "invalid hosted zone id %s",
			    tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		memcpy(z->hosted_zone, id, i + 1);
		return expect_semi(p);
	}
	if (strcasecmp(kw, "allow-update") == 0)
		return acl_list(p, kw, &z->allow_update, &zc->seen, Z_UPDATE);
	if (strcasecmp(kw, "allow-query") == 0)
		return acl_list(p, kw, &z->allow_query, &zc->seen, Z_QUERY);
	if (strcasecmp(kw, "allow-notify") == 0)
		return acl_list(p, kw, &z->allow_notify, &zc->seen, Z_NOTIFY);
	if (strcasecmp(kw, "grant") == 0)
		return grant(p, z);
	if (strcasecmp(kw, "update-policy") == 0) {
		if (once(p, &zc->seen, Z_POLICY, kw) == -1 ||
		    expect_lbrace(p) == -1)
			return -1;
		return stmt_block(p, "update-policy", policy_opt, zc);
	}
	if (strcasecmp(kw, "primaries") == 0) {
		if (once(p, &zc->seen, Z_PRIMARIES, kw) == -1 ||
		    expect_lbrace(p) == -1)
			return -1;
		return stmt_block(p, "primaries", primaries_opt, zc);
	}
	if (strcasecmp(kw, "serial-policy") == 0) {
		if (once(p, &zc->seen, Z_SERIAL, kw) == -1 ||
		    word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		if (strcasecmp(buf, "increment") == 0)
			z->serial_policy = SERIAL_INCREMENT;
		else if (strcasecmp(buf, "unixtime") == 0)
			z->serial_policy = SERIAL_UNIXTIME;
		else {
			TERR(p, "serial-policy: expected increment or "
			    "unixtime, got %s", tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "coalesce") == 0) {
		if (once(p, &zc->seen, Z_COALESCE, kw) == -1)
			return -1;
		return end(p, boolean(p, kw, &z->coalesce));
	}
	if (strcasecmp(kw, "wait-insync") == 0) {
		if (once(p, &zc->seen, Z_INSYNC, kw) == -1)
			return -1;
		return end(p, boolean(p, kw, &z->wait_insync));
	}
	if (strcasecmp(kw, "update-timeout") == 0) {
		if (once(p, &zc->seen, Z_TIMEOUT, kw) == -1)
			return -1;
		rv = number(p, kw, 1, 3600, &z->update_timeout);
		return end(p, rv);
	}
	if (strcasecmp(kw, "queue-limit") == 0) {
		if (once(p, &zc->seen, Z_QLIMIT, kw) == -1)
			return -1;
		rv = number(p, kw, 1, 100000, &z->queue_limit);
		return end(p, rv);
	}
	TERR(p, "unknown keyword \"%s\" in zone", kw);
	return -1;
}

static const struct zone_conf *
zone_lookup(const struct conf *c, const char *name, size_t n)
{
	char	 canon[ACL_NAME_MAX];
	size_t	 i;

	if (acl_name_canon(canon, sizeof(canon), name) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(c->zones[i].name, canon) == 0)
			return &c->zones[i];
	return NULL;
}

/* zone "NAME" { ... }; */
static int
st_zone(struct parser *p)
{
	struct conf		*c = p->conf;
	struct zone_conf	*z;
	const struct zone_conf	*old;
	struct zonectx		 zc;
	char			 name[ACL_NAME_MAX], canon[ACL_NAME_MAX];
	char			 b[100];
	const char		*file;
	int			 line;

	file = peek(p)->file;
	line = p->tok.line;
	if (word(p, "zone name", name, sizeof(name)) == -1)
		return -1;
	if (acl_name_canon(canon, sizeof(canon), name) == -1 ||
	    canon[0] == '\0') {
		TERR(p, "invalid zone name %s", tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	if ((old = zone_lookup(c, canon, c->nzones)) != NULL) {
		TERR(p, "duplicate zone \"%s\" (first defined at %s:%d)",
		    canon, old->file, old->line);
		return -1;
	}
	if ((z = grow(p, &c->zones, &c->nzones, sizeof(*z), CONF_ZONES_MAX,
	    "zones")) == NULL)
		return -1;
	memcpy(z->name, canon, sizeof(canon));
	z->file = file;
	z->line = line;
	z->update_timeout = CONF_DEFAULT_UPDATE_TIMEOUT;
	z->queue_limit = CONF_DEFAULT_QUEUE_LIMIT;
	z->coalesce = 1;
	memset(&zc, 0, sizeof(zc));
	zc.idx = c->nzones - 1;
	if (expect_lbrace(p) == -1)
		return -1;
	return stmt_block(p, "zone", zone_opt, &zc);
}

/* AWS */

static int
url(struct parser *p, const char *kw, struct conf_url *u)
{
	char		 buf[CONF_STRING_MAX], b[100];
	const char	*h, *he, *s;
	unsigned long	 port;
	char		*end;
	size_t		 hl;

	if (word(p, kw, buf, sizeof(buf)) == -1)
		return -1;
	memset(u, 0, sizeof(*u));
	if (strncasecmp(buf, "https://", 8) == 0) {
		u->tls = 1;
		u->port = 443;
		h = buf + 8;
	} else if (strncasecmp(buf, "http://", 7) == 0) {
		u->port = 80;
		h = buf + 7;
	} else
		goto bad;
	if (*h == '[') {
		if ((he = strchr(h, ']')) == NULL)
			goto bad;
		h++;
		s = he + 1;
	} else {
		for (he = h; isalnum((unsigned char)*he) || *he == '.' ||
		    *he == '-' || *he == '_'; he++)
			;
		s = he;
	}
	hl = (size_t)(he - h);
	if (hl == 0 || hl >= sizeof(u->host))
		goto bad;
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	if (*s == ':') {
		errno = 0;
		port = strtoul(s + 1, &end, 10);
		if (!isdigit((unsigned char)s[1]) || errno == ERANGE ||
		    port == 0 || port > 65535)
			goto bad;
		u->port = (uint16_t)port;
		s = end;
	}
	if (*s == '/')
		s++;
	if (*s != '\0') {
		TERR(p, "%s %s: a path is not allowed", kw,
		    tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	memcpy(u->url, buf, strlen(buf) + 1);
	return 0;
bad:
	TERR(p, "%s: invalid URL %s (want http[s]://host[:port])", kw,
	    tokdesc(&p->tok, b, sizeof(b)));
	return -1;
}

enum {
	A_ENDPOINT = 1, A_REGION = 2, A_CA = 4, A_KEYID = 8, A_SECRET = 16,
	A_RATE = 32, A_IMDS = 64, A_IMDSURL = 128
};

struct awsctx {
	unsigned	 seen;
	const char	*file;
	int		 line;
};

/* Characters allowed in a word: the given set plus alphanumerics. */
static int
charset(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

static int
aws_opt(struct parser *p, const char *kw, void *arg)
{
	struct awsctx	*ac = arg;
	struct conf_aws	*a = &p->conf->aws;
	char		 buf[CONF_STRING_MAX], b[100];
	const char	*file;
	int		 line, rv;

	if (strcasecmp(kw, "endpoint") == 0) {
		if (once(p, &ac->seen, A_ENDPOINT, kw) == -1)
			return -1;
		return end(p, url(p, kw, &a->endpoint));
	}
	if (strcasecmp(kw, "imds-endpoint") == 0) {
		if (once(p, &ac->seen, A_IMDSURL, kw) == -1)
			return -1;
		return end(p, url(p, kw, &a->imds_endpoint));
	}
	if (strcasecmp(kw, "region") == 0) {
		if (once(p, &ac->seen, A_REGION, kw) == -1 ||
		    word(p, kw, a->region, sizeof(a->region)) == -1)
			return -1;
		if (!charset(a->region, "-")) {
			TERR(p, "invalid region %s", tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "ca-file") == 0) {
		if (once(p, &ac->seen, A_CA, kw) == -1)
			return -1;
		return end(p, pathopt(p, kw, &a->ca_file));
	}
	if (strcasecmp(kw, "access-key-id") == 0) {
		if (once(p, &ac->seen, A_KEYID, kw) == -1 ||
		    word(p, kw, a->access_key_id, sizeof(a->access_key_id)) ==
		    -1)
			return -1;
		if (!charset(a->access_key_id, "")) {
			TERR(p, "invalid access-key-id %s", tokdesc(&p->tok,
			    b, sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "secret-access-key-file") == 0) {
		if (once(p, &ac->seen, A_SECRET, kw) == -1)
			return -1;
		file = peek(p)->file;
		line = p->tok.line;
		if (pathopt(p, kw, &a->secret_key_file) == -1 ||
		    expect_semi(p) == -1)
			return -1;
		if (p->flags & CONF_NOFILES) {
			perr(p, file, line, "%s not allowed here", kw);
			return 0;
		}
		readsecret(p, kw, a->secret_key_file, a->secret_key,
		    sizeof(a->secret_key), file, line);
		return 0;
	}
	if (strcasecmp(kw, "rate") == 0) {
		if (once(p, &ac->seen, A_RATE, kw) == -1)
			return -1;
		rv = number(p, kw, 1, 100, &a->rate);
		return end(p, rv);
	}
	if (strcasecmp(kw, "imds") == 0) {
		if (once(p, &ac->seen, A_IMDS, kw) == -1)
			return -1;
		return end(p, boolean(p, kw, &a->imds));
	}
	(void)buf;
	TERR(p, "unknown keyword \"%s\" in aws", kw);
	return -1;
}

static int
st_aws(struct parser *p, int *seen)
{
	struct awsctx	 ac;
	int		 rv;

	memset(&ac, 0, sizeof(ac));
	ac.file = p->tok.file;
	ac.line = p->tok.line;
	if (*seen) {
		TERR(p, "duplicate aws block");
		return -1;
	}
	*seen = 1;
	if (expect_lbrace(p) == -1)
		return -1;
	rv = stmt_block(p, "aws", aws_opt, &ac);
	if ((ac.seen & A_KEYID) && !(ac.seen & A_SECRET))
		perr(p, ac.file, ac.line, "aws: access-key-id needs "
		    "secret-access-key-file");
	if (!(ac.seen & A_KEYID) && (ac.seen & A_SECRET))
		perr(p, ac.file, ac.line, "aws: secret-access-key-file needs "
		    "access-key-id");
	return rv;
}

/* Blocks and the top level */

/*
 * The statements of a block, after its "{": up to "}" and the ";" after
 * it.  Each statement starts with a keyword handed to opt(); include is
 * handled here, so it works in every block.
 */
static int
stmt_block(struct parser *p, const char *what,
    int (*opt)(struct parser *, const char *, void *), void *arg)
{
	char		 kw[64], b[100];
	struct tok	*t;

	for (;;) {
		t = peek(p);
		if (p->stop)
			return -1;
		if (t->type == T_RBRACE) {
			next(p);
			/* A missing ";" needs no recovery. */
			expect_semi(p);
			return 0;
		}
		if (t->type == T_EOF) {
			TERR(p, "unexpected end of file in %s block", what);
			return -1;
		}
		if (t->type != T_WORD) {
			TERR(p, "unexpected %s in %s block", tokdesc(t, b,
			    sizeof(b)), what);
			recover(p);
			continue;
		}
		if (strlen(t->text) >= sizeof(kw)) {
			next(p);
			TERR(p, "unknown keyword %s in %s", tokdesc(t, b,
			    sizeof(b)), what);
			skip(p);
			continue;
		}
		memcpy(kw, t->text, strlen(t->text) + 1);
		if (strcmp(what, "primaries") == 0) {
			/* Statements start with an address, not a keyword. */
			if (opt(p, kw, arg) == -1)
				skip(p);
			continue;
		}
		next(p);
		if (strcasecmp(kw, "include") == 0) {
			if (st_include(p) == -1)
				skip(p);
			continue;
		}
		if (opt(p, kw, arg) == -1)
			skip(p);
	}
}

static int
top_opt(struct parser *p, const char *kw, void *arg)
{
	struct conf	*c = p->conf;
	unsigned	*seen = arg;
	int		 rv;

	if (strcasecmp(kw, "listen") == 0)
		return st_listen(p);
	if (strcasecmp(kw, "key") == 0)
		return st_key(p);
	if (strcasecmp(kw, "zone") == 0)
		return st_zone(p);
	if (strcasecmp(kw, "aws") == 0) {
		int aws = (*seen & 1) != 0;

		rv = st_aws(p, &aws);
		*seen |= 1;
		return rv;
	}
	if (strcasecmp(kw, "user") == 0) {
		if (once(p, seen, 2, kw) == -1)
			return -1;
		if ((c->user = calloc(1, 256)) == NULL) {
			oom(p);
			return -1;
		}
		if (word(p, kw, c->user, 256) == -1)
			return -1;
		if (c->user[0] == '\0') {
			TERR(p, "user: empty name");
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "pid-file") == 0) {
		if (once(p, seen, 4, kw) == -1)
			return -1;
		return end(p, pathopt(p, kw, &c->pid_file));
	}
	if (strcasecmp(kw, "tcp-clients") == 0) {
		if (once(p, seen, 8, kw) == -1)
			return -1;
		rv = number(p, kw, 1, 1024, &c->tcp_clients);
		return end(p, rv);
	}
	if (strcasecmp(kw, "tcp-idle-timeout") == 0) {
		if (once(p, seen, 16, kw) == -1)
			return -1;
		rv = number(p, kw, 1, 3600, &c->tcp_idle_timeout);
		return end(p, rv);
	}
	TERR(p, "unknown keyword \"%s\"", kw);
	return -1;
}

/* The whole input: statements until the end of the main file. */
static void
toplevel(struct parser *p)
{
	char		 kw[64], b[100];
	struct tok	*t;
	unsigned	 seen = 0;

	for (;;) {
		t = peek(p);
		if (t->type == T_EOF || p->stop)
			return;
		if (t->type != T_WORD) {
			TERR(p, "unexpected %s", tokdesc(t, b, sizeof(b)));
			recover(p);
			continue;
		}
		next(p);
		if (strlen(t->text) >= sizeof(kw)) {
			TERR(p, "unknown keyword %s", tokdesc(t, b, sizeof(b)));
			skip(p);
			continue;
		}
		memcpy(kw, t->text, strlen(t->text) + 1);
		if (strcasecmp(kw, "include") == 0) {
			if (st_include(p) == -1)
				skip(p);
			continue;
		}
		if (top_opt(p, kw, &seen) == -1)
			skip(p);
	}
}

/* Checks after parsing, defaults */

static void
checkkey(struct parser *p, const char *key, const char *file, int line)
{
	if (key[0] != '\0' && key_lookup(p->conf, key) == NULL)
		perr(p, file, line, "undefined key \"%s\"", key);
}

static void
checkacl(struct parser *p, const struct acl *acl)
{
	size_t	 i;

	for (i = 0; i < acl->nelems; i++)
		if (acl->elems[i].type == ACL_KEY)
			checkkey(p, acl->elems[i].key, acl->elems[i].file,
			    acl->elems[i].line);
}

static int
defurl(struct parser *p, struct conf_url *u, const char *def)
{
	const char	*s = def + (strncmp(def, "https", 5) == 0 ? 8 : 7);

	(void)p;
	if (u->url[0] != '\0')
		return 0;
	snprintf(u->url, sizeof(u->url), "%s", def);
	u->tls = strncmp(def, "https", 5) == 0;
	u->port = u->tls ? 443 : 80;
	snprintf(u->host, sizeof(u->host), "%s", s);
	return 0;
}

static int
strdef(struct parser *p, char **dst, const char *def)
{
	if (*dst != NULL)
		return 0;
	if ((*dst = strdup(def)) == NULL) {
		oom(p);
		return -1;
	}
	return 0;
}

static void
finish(struct parser *p)
{
	struct conf		*c = p->conf;
	struct zone_conf	*z;
	struct conf_listen	*l;
	struct acl_elem		*e;
	size_t			 i, j, k;
	int			 dup;

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		checkacl(p, &z->allow_update);
		checkacl(p, &z->allow_query);
		checkacl(p, &z->allow_notify);
		for (j = 0; j < z->ngrants; j++)
			checkkey(p, z->grants[j].key, z->grants[j].file,
			    z->grants[j].line);
		for (j = 0; j < z->nprimaries; j++)
			checkkey(p, z->primaries[j].key, z->primaries[j].file,
			    z->primaries[j].line);
	}
	if (p->nerrors > 0 || p->stop)
		return;

	if (c->nlisten == 0) {
		if ((l = grow(p, &c->listen, &c->nlisten, sizeof(*l),
		    CONF_LISTEN_MAX, "listen addresses")) == NULL)
			return;
		sockaddr_parse("0.0.0.0", CONF_DEFAULT_PORT, &l->ss,
		    &l->sslen);
		if ((l = grow(p, &c->listen, &c->nlisten, sizeof(*l),
		    CONF_LISTEN_MAX, "listen addresses")) == NULL)
			return;
		sockaddr_parse("::", CONF_DEFAULT_PORT, &l->ss, &l->sslen);
	}
	defurl(p, &c->aws.endpoint, CONF_DEFAULT_ENDPOINT);
	defurl(p, &c->aws.imds_endpoint, CONF_DEFAULT_IMDS_ENDPOINT);
	if (c->aws.region[0] == '\0')
		snprintf(c->aws.region, sizeof(c->aws.region), "%s",
		    CONF_DEFAULT_REGION);
	if (c->aws.rate == 0)
		c->aws.rate = CONF_DEFAULT_RATE;
	if (strdef(p, &c->aws.ca_file, CONF_DEFAULT_CA_FILE) == -1)
		return;
	if (c->tcp_clients == 0)
		c->tcp_clients = CONF_DEFAULT_TCP_CLIENTS;
	if (c->tcp_idle_timeout == 0)
		c->tcp_idle_timeout = CONF_DEFAULT_TCP_IDLE;

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		if (z->allow_query.nelems == 0) {
			if ((e = acl_add(p, &z->allow_query)) == NULL)
				return;
			e->type = ACL_ANY;
		}
		/* Without allow-update, the keys with grants may update. */
		if (z->allow_update.nelems == 0) {
			for (j = 0; j < z->ngrants; j++) {
				dup = 0;
				for (k = 0; k < j; k++)
					if (strcmp(z->grants[k].key,
					    z->grants[j].key) == 0)
						dup = 1;
				if (dup)
					continue;
				if ((e = acl_add(p, &z->allow_update)) == NULL)
					return;
				e->type = ACL_KEY;
				memcpy(e->key, z->grants[j].key,
				    sizeof(e->key));
				e->file = z->grants[j].file;
				e->line = z->grants[j].line;
			}
		}
		if (z->allow_update.nelems == 0) {
			if ((e = acl_add(p, &z->allow_update)) == NULL)
				return;
			e->type = ACL_NONE;
		}
		/* allow-notify defaults to the primaries' addresses. */
		if (z->allow_notify.nelems == 0) {
			for (j = 0; j < z->nprimaries; j++) {
				if ((e = acl_add(p, &z->allow_notify)) == NULL)
					return;
				e->type = ACL_PREFIX;
				if (z->primaries[j].ss.ss_family == AF_INET) {
					e->family = AF_INET;
					e->plen = 32;
					memcpy(e->addr, &((struct sockaddr_in *)
					    &z->primaries[j].ss)->sin_addr, 4);
				} else {
					e->family = AF_INET6;
					e->plen = 128;
					memcpy(e->addr, &((struct sockaddr_in6 *)
					    &z->primaries[j].ss)->sin6_addr, 16);
				}
			}
		}
		if (z->allow_notify.nelems == 0) {
			if ((e = acl_add(p, &z->allow_notify)) == NULL)
				return;
			e->type = ACL_NONE;
		}
	}
}

/* Public interface */

static struct conf *
run(struct parser *p, const char *name, char *buf, size_t len,
    const struct stat *st)
{
	struct conf	*c;
	int		 i;

	pushsrc(p, name, buf, len, st);
	p->eoffile = name;
	p->eofline = 1;
	toplevel(p);
	for (i = 0; i < p->nsrc; i++)
		freesrc(&p->src[i]);
	p->nsrc = 0;
	explicit_bzero(&p->tok, sizeof(p->tok));
	finish(p);
	c = p->conf;
	if (p->nerrors > 0 || p->stop) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static int
parser_init(struct parser *p, const char *name, int flags,
    conf_report_fn *report, void *arg, const char **keptname)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->report = report;
	p->arg = arg;
	p->eoffile = name;
	p->tok.file = name;
	p->tok.line = 0;
	if ((p->conf = calloc(1, sizeof(*p->conf))) == NULL ||
	    (*keptname = keepname(p, name)) == NULL) {
		if (p->conf == NULL)
			perr(p, name, 0, "out of memory");
		conf_free(p->conf);
		return -1;
	}
	return 0;
}

struct conf *
conf_load(const char *path, conf_report_fn *report, void *arg)
{
	struct parser	*p;
	struct conf	*c;
	struct stat	 st;
	const char	*name;
	char		*buf;
	size_t		 len;

	if ((p = malloc(sizeof(*p))) == NULL) {
		if (report != NULL)
			report(arg, "out of memory");
		else
			log_warnx("%s: out of memory", path);
		return NULL;
	}
	if (parser_init(p, path, 0, report, arg, &name) == -1) {
		free(p);
		return NULL;
	}
	if (readfile(path, CONF_FILE_MAX, &buf, &len, &st) == -1) {
		if (errno == EFBIG)
			perr(p, path, 0, "file too large (max %d bytes)",
			    CONF_FILE_MAX);
		else
			perr(p, path, 0, "%s", strerror(errno));
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	c = run(p, name, buf, len, &st);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return c;
}

struct conf *
conf_parse(const char *name, const char *text, size_t len, int flags,
    conf_report_fn *report, void *arg)
{
	struct parser	*p;
	struct conf	*c;
	const char	*kept;
	char		*buf;

	if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	if (parser_init(p, name, flags, report, arg, &kept) == -1) {
		free(p);
		return NULL;
	}
	if (len > CONF_FILE_MAX) {
		perr(p, name, 0, "file too large (max %d bytes)",
		    CONF_FILE_MAX);
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	if ((buf = malloc(len + 1)) == NULL) {
		perr(p, name, 0, "out of memory");
		conf_free(p->conf);
		free(p);
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	c = run(p, kept, buf, len, NULL);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->listen);
	if (c->keys != NULL) {
		explicit_bzero(c->keys, c->nkeys * sizeof(*c->keys));
		free(c->keys);
	}
	for (i = 0; i < c->nzones; i++) {
		free(c->zones[i].allow_update.elems);
		free(c->zones[i].allow_query.elems);
		free(c->zones[i].allow_notify.elems);
		free(c->zones[i].grants);
		free(c->zones[i].primaries);
	}
	free(c->zones);
	free(c->aws.ca_file);
	free(c->aws.secret_key_file);
	free(c->user);
	free(c->pid_file);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

const struct conf_key *
conf_key_find(const struct conf *c, const char *name)
{
	return key_lookup(c, name);
}

const struct zone_conf *
conf_zone_find(const struct conf *c, const char *name)
{
	return zone_lookup(c, name, c->nzones);
}

const struct zone_conf *
conf_zone_for(const struct conf *c, const char *owner)
{
	const struct zone_conf	*z;
	const char		*s = owner;

	/* Walk up label by label: "a.b.c", "b.c", "c". */
	for (;;) {
		if ((z = zone_lookup(c, s, c->nzones)) != NULL)
			return z;
		while (*s != '\0' && *s != '.') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			s++;
		}
		if (*s == '\0' || s[1] == '\0')
			return NULL;
		s++;
	}
}

const char *
conf_tsig_alg_name(enum tsig_alg alg)
{
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return "unknown";
}

/* Printing */

/* Print a string quoted, escaping quotes. */
static void
pq(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_acl(FILE *fp, const char *kw, const struct acl *acl)
{
	const struct acl_elem	*e;
	char			 b[INET6_ADDRSTRLEN];
	size_t			 i;

	fprintf(fp, "\t%s {", kw);
	for (i = 0; i < acl->nelems; i++) {
		e = &acl->elems[i];
		fprintf(fp, " %s", e->negate ? "!" : "");
		switch (e->type) {
		case ACL_ANY:
			fprintf(fp, "any;");
			break;
		case ACL_NONE:
			fprintf(fp, "none;");
			break;
		case ACL_KEY:
			fprintf(fp, "key ");
			pq(fp, e->key);
			fputc(';', fp);
			break;
		case ACL_PREFIX:
			inet_ntop(e->family, e->addr, b, sizeof(b));
			fprintf(fp, "%s/%u;", b, e->plen);
			break;
		}
	}
	fprintf(fp, " };\n");
}

void
conf_print(FILE *fp, const struct conf *c)
{
	const struct zone_conf	*z;
	const struct conf_key	*k;
	const struct grant	*g;
	char			 b[INET6_ADDRSTRLEN], tb[16];
	static const char	*match[] = { "name", "subdomain", "wildcard" };
	unsigned		 port;
	size_t			 i, j, t;

	for (i = 0; i < c->nlisten; i++) {
		sockaddr_str(&c->listen[i].ss, b, sizeof(b), &port);
		fprintf(fp, "listen %s port %u;\n", b, port);
	}
	if (c->user != NULL) {
		fprintf(fp, "user ");
		pq(fp, c->user);
		fprintf(fp, ";\n");
	} else
		fprintf(fp, "# user not set: \"%s\" when started as root\n",
		    CONF_DEFAULT_USER);
	if (c->pid_file != NULL) {
		fprintf(fp, "pid-file ");
		pq(fp, c->pid_file);
		fprintf(fp, ";\n");
	}
	fprintf(fp, "tcp-clients %u;\n", c->tcp_clients);
	fprintf(fp, "tcp-idle-timeout %u;\n", c->tcp_idle_timeout);

	for (i = 0; i < c->nkeys; i++) {
		k = &c->keys[i];
		fprintf(fp, "\nkey ");
		pq(fp, k->name);
		fprintf(fp, " {\n\talgorithm %s", conf_tsig_alg_name(k->alg));
		if (k->truncbits != 0)
			fprintf(fp, "-%u", k->truncbits);
		fprintf(fp, ";\n\tsecret \"...\";\n};\n");
	}

	fprintf(fp, "\naws {\n\tendpoint ");
	pq(fp, c->aws.endpoint.url);
	fprintf(fp, ";\n\tregion ");
	pq(fp, c->aws.region);
	fprintf(fp, ";\n\tca-file ");
	pq(fp, c->aws.ca_file);
	fprintf(fp, ";\n");
	if (c->aws.access_key_id[0] != '\0') {
		fprintf(fp, "\taccess-key-id ");
		pq(fp, c->aws.access_key_id);
		fprintf(fp, ";\n");
	}
	if (c->aws.secret_key_file != NULL) {
		fprintf(fp, "\tsecret-access-key-file ");
		pq(fp, c->aws.secret_key_file);
		fprintf(fp, ";\n");
	}
	fprintf(fp, "\trate %u;\n\timds %s;\n\timds-endpoint ", c->aws.rate,
	    c->aws.imds ? "yes" : "no");
	pq(fp, c->aws.imds_endpoint.url);
	fprintf(fp, ";\n};\n");

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		fprintf(fp, "\nzone ");
		pq(fp, z->name);
		fprintf(fp, " {\n");
		if (z->hosted_zone[0] != '\0') {
			fprintf(fp, "\thosted-zone ");
			pq(fp, z->hosted_zone);
			fprintf(fp, ";\n");
		}
		print_acl(fp, "allow-update", &z->allow_update);
		for (j = 0; j < z->ngrants; j++) {
			g = &z->grants[j];
			fprintf(fp, "\tgrant ");
			pq(fp, g->key);
			fprintf(fp, " %s ", match[g->match]);
			pq(fp, g->name);
			for (t = 0; t < g->ntypes; t++)
				fprintf(fp, " %s", rrtype_name(g->types[t],
				    tb, sizeof(tb)));
			fprintf(fp, ";\n");
		}
		print_acl(fp, "allow-query", &z->allow_query);
		if (z->nprimaries > 0) {
			fprintf(fp, "\tprimaries {");
			for (j = 0; j < z->nprimaries; j++) {
				sockaddr_str(&z->primaries[j].ss, b,
				    sizeof(b), &port);
				fprintf(fp, " %s port %u", b, port);
				if (z->primaries[j].key[0] != '\0') {
					fprintf(fp, " key ");
					pq(fp, z->primaries[j].key);
				}
				fputc(';', fp);
			}
			fprintf(fp, " };\n");
		}
		print_acl(fp, "allow-notify", &z->allow_notify);
		fprintf(fp, "\tserial-policy %s;\n",
		    z->serial_policy == SERIAL_UNIXTIME ? "unixtime" :
		    "increment");
		fprintf(fp, "\twait-insync %s;\n", z->wait_insync ? "yes" :
		    "no");
		fprintf(fp, "\tcoalesce %s;\n", z->coalesce ? "yes" : "no");
		fprintf(fp, "\tupdate-timeout %u;\n", z->update_timeout);
		fprintf(fp, "\tqueue-limit %u;\n", z->queue_limit);
		fprintf(fp, "};\n");
	}
}
