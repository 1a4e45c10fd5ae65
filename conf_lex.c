/*
 * conf_lex.c: the configuration parser's input side: error reports and
 * bounded arrays, the lexer over the stack of included files, readers
 * for words, numbers and booleans, and reading files (include, secret
 * files, paths relative to the file being read).
 */
#include <sys/types.h>
#include <sys/stat.h>

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

#include "conf.h"
#include "conf_impl.h"
#include "log.h"

/* Errors and memory */

/* "file:line: " (or "file: "), kind ("" or "warning: "), the message. */
static void __attribute__((__format__(__printf__, 5, 0)))
preport(struct parser *p, const char *file, int line, const char *kind,
    const char *fmt, va_list ap)
{
	char	 msg[1024], full[1400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s%s", file, line, kind,
		    msg);
	else
		snprintf(full, sizeof(full), "%s: %s%s", file, kind, msg);
	if (p->report != NULL)
		p->report(p->arg, full);
	else
		log_warnx("%s", full);
}

void
cf_perr(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (p->stop)
		return;
	va_start(ap, fmt);
	if (++p->nerrors > CONF_ERRORS_MAX) {
		p->stop = 1;
		preport(p, file, line, "", "too many errors", ap);
	} else
		preport(p, file, line, "", fmt, ap);
	va_end(ap);
}

void
cf_pwarn(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (p->stop)
		return;
	va_start(ap, fmt);
	preport(p, file, line, "warning: ", fmt, ap);
	va_end(ap);
}

int
cf_check_writable(struct parser *p, const struct stat *st, const char *file,
    int line, const char *what)
{
	if (!S_ISREG(st->st_mode) || !(st->st_mode & S_IWOTH))
		return 0;
	cf_perr(p, file, line, "%s is writable by others (mode %04o); "
	    "refusing it", what, (unsigned)(st->st_mode & 07777));
	return -1;
}

void
cf_check_secret_src(struct parser *p, const char *file, int line,
    const char *what)
{
	int	i;

	for (i = p->nsrc - 1; i >= 0; i--)
		if (p->src[i].name == file || (p->src[i].name != NULL &&
		    strcmp(p->src[i].name, file) == 0))
			break;
	if (i < 0 || !p->src[i].hasid || !S_ISREG(p->src[i].mode) ||
	    !(p->src[i].mode & S_IROTH))
		return;
	cf_pwarn(p, file, line, "%s: this file is readable by others "
	    "(mode %04o)", what, (unsigned)(p->src[i].mode & 07777));
}

void
cf_oom(struct parser *p)
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
void *
cf_grow(struct parser *p, void *arr, size_t *n, size_t sz, size_t max,
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
			cf_oom(p);
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
const char *
cf_keepname(struct parser *p, const char *name)
{
	struct conf	*c = p->conf;
	char		**nf, *s;

	if ((s = strdup(name)) == NULL) {
		cf_oom(p);
		return NULL;
	}
	if ((nf = reallocarray(c->files, c->nfiles + 1, sizeof(*nf))) == NULL) {
		free(s);
		cf_oom(p);
		return NULL;
	}
	c->files = nf;
	c->files[c->nfiles++] = s;
	return s;
}

/* Printable, bounded rendering of user text for messages. */
const char *
cf_show(const char *s, char *buf, size_t size)
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
void
cf_freesrc(struct src *s)
{
	if (s->buf != NULL) {
		explicit_bzero(s->buf, s->len);
		free(s->buf);
		s->buf = NULL;
	}
}

/*
 * Append c to t's text at o; returns the next o.  Past the room the
 * rest is dropped and "string too long" reported once (o then stays
 * one past the end; lex() cuts it back).
 */
static size_t
tok_put(struct parser *p, const struct src *s, struct tok *t, size_t o,
    int c)
{
	if (o + 1 < sizeof(t->text))
		t->text[o++] = (char)c;
	else if (o + 1 == sizeof(t->text)) {
		cf_perr(p, s->name, t->line, "string too long");
		o++;
	}
	return o;
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
			cf_freesrc(s);
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
				cf_perr(p, s->name, startline,
				    "unterminated comment");
			else
				s->pos += 2;
		} else if (c < 0x20 || c == 0x7f) {
			cf_perr(p, s->name, s->line,
			    "invalid character 0x%02x", (unsigned)c);
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
		/*
		 * A string ends on its line.  Without its closing quote,
		 * every quote after it would pair with the wrong one, and
		 * whatever was reported next would mislead: the error is
		 * reported where the string starts and reading stops.
		 */
		t->type = T_WORD;
		t->quoted = 1;
		s->pos++;
		for (;;) {
			if (s->pos >= s->len || s->buf[s->pos] == '\n') {
				cf_perr(p, s->name, t->line,
				    "unterminated string");
				p->stop = 1;
				break;
			}
			c = (unsigned char)s->buf[s->pos++];
			if (c == '"')
				break;
			if (c == '\\' && s->pos < s->len &&
			    s->buf[s->pos] == '"') {
				c = '"';
				s->pos++;
			}
			o = tok_put(p, s, t, o, c);
		}
		break;
	default:
		t->type = T_WORD;
		t->quoted = 0;
		while (s->pos < s->len) {
			c = (unsigned char)s->buf[s->pos];
			if (c <= ' ' || c == 0x7f || c == '{' || c == '}' ||
			    c == ';' || c == '"' || c == '!' || c == '#' ||
			    (c == '/' && s->pos + 1 < s->len &&
			    (s->buf[s->pos + 1] == '/' ||
			    s->buf[s->pos + 1] == '*')))
				break;
			s->pos++;
			o = tok_put(p, s, t, o, c);
		}
		break;
	}
	if (o >= sizeof(t->text))
		o = sizeof(t->text) - 1;
	t->text[o] = '\0';
}

struct tok *
cf_peek(struct parser *p)
{
	if (!p->peeked) {
		lex(p, &p->tok);
		p->peeked = 1;
	}
	return &p->tok;
}

struct tok *
cf_next(struct parser *p)
{
	cf_peek(p);
	p->peeked = 0;
	return &p->tok;
}

const char *
cf_tokdesc(const struct tok *t, char *buf, size_t size)
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
		snprintf(buf, size, "\"%s\"", cf_show(t->text, b, sizeof(b)));
		return buf;
	}
}

/*
 * Skip the rest of a statement after an error: up to and including the
 * next ";" outside braces, or up to (not including) an unmatched "}".
 */
void
cf_skip(struct parser *p)
{
	struct tok	*t;
	int		 depth = 0;

	for (;;) {
		t = cf_peek(p);
		if (t->type == T_EOF)
			return;
		if (t->type == T_RBRACE && depth == 0)
			return;
		cf_next(p);
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
void
cf_recover(struct parser *p)
{
	enum toktype	 type = p->tok.type;

	if (type == T_LBRACE) {
		cf_skip(p);
		return;
	}
	cf_next(p);
	if (type == T_BANG)
		cf_skip(p);
	else if (type == T_RBRACE && cf_peek(p)->type == T_SEMI)
		cf_next(p);
}

/* Token expectations; on a mismatch report and leave the token. */

int
cf_expect(struct parser *p, enum toktype type, const char *what)
{
	char	 b[100];

	if (cf_peek(p)->type != type) {
		TERR(p, "expected %s, got %s", what, cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	cf_next(p);
	return 0;
}

/* Next word into buf; -1 if it is not a word or does not fit. */
int
cf_word(struct parser *p, const char *what, char *buf, size_t size)
{
	char	 b[100];

	if (cf_peek(p)->type != T_WORD) {
		TERR(p, "expected %s, got %s", what, cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	cf_next(p);
	if (strlen(p->tok.text) >= size) {
		TERR(p, "%s too long: %s", what, cf_tokdesc(&p->tok, b,
		    sizeof(b)));
		return -1;
	}
	memcpy(buf, p->tok.text, strlen(p->tok.text) + 1);
	return 0;
}

int
cf_number(struct parser *p, const char *what, unsigned min, unsigned max,
    unsigned *v)
{
	char		 buf[32], b[100];
	unsigned long	 n;
	char		*end;

	if (cf_word(p, what, buf, sizeof(buf)) == -1)
		return -1;
	errno = 0;
	n = strtoul(buf, &end, 10);
	if (!isdigit((unsigned char)buf[0]) || *end != '\0') {
		TERR(p, "%s: expected a number, got %s", what,
		    cf_tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	if (errno == ERANGE || n < min || n > max) {
		TERR(p, "%s %s out of range (%u..%u)", what,
		    cf_show(buf, b, sizeof(b)), min, max);
		return -1;
	}
	*v = (unsigned)n;
	return 0;
}

int
cf_boolean(struct parser *p, const char *what, int *v)
{
	char	 buf[16], b[100];

	if (cf_word(p, what, buf, sizeof(buf)) == -1)
		return -1;
	if (strcasecmp(buf, "yes") == 0 || strcasecmp(buf, "true") == 0 ||
	    strcmp(buf, "1") == 0)
		*v = 1;
	else if (strcasecmp(buf, "no") == 0 || strcasecmp(buf, "false") == 0 ||
	    strcmp(buf, "0") == 0)
		*v = 0;
	else {
		TERR(p, "%s: expected yes or no, got %s", what,
		    cf_tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	return 0;
}

/* A value statement ends with ";". */
int
cf_end(struct parser *p, int rv)
{
	if (rv == -1)
		return -1;
	return expect_semi(p);
}

/* Refuse an option given twice in one block. */
int
cf_once(struct parser *p, unsigned *seen, unsigned bit, const char *kw)
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
		cf_oom(p);
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
static int	readfile(const char *, size_t, char **, size_t *,
		    struct stat *);

int
cf_readfile(struct parser *p, const char *path, size_t max, char **bufp,
    size_t *lenp, struct stat *st)
{
	if (p->replay != NULL)
		return cf_files_replay(p->replay, path, max, bufp, lenp, st);
	if (readfile(path, max, bufp, lenp, st) == -1)
		return -1;
	if (p->record != NULL && cf_files_record(p->record, path, *bufp,
	    *lenp, st) == -1) {
		explicit_bzero(*bufp, *lenp);
		free(*bufp);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

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

void
cf_pushsrc(struct parser *p, const char *name, char *buf, size_t len,
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
		s->mode = st->st_mode;
		s->hasid = 1;
	}
}

/* include "path"; -- the file's text is read next, in place. */
int
cf_include(struct parser *p)
{
	char		 path[CONF_STRING_MAX], b[100], what[120];
	char		*full, *buf;
	const char	*name, *file;
	struct stat	 st;
	size_t		 len;
	int		 i, line;

	if (cf_word(p, "file name", path, sizeof(path)) == -1)
		return -1;
	file = p->tok.file;
	line = p->tok.line;
	if (expect_semi(p) == -1)
		return -1;
	if (p->flags & CONF_NOFILES) {
		cf_perr(p, file, line, "include not allowed here");
		return 0;
	}
	if ((full = resolve(p, path)) == NULL)
		return 0;
	if (p->nsrc > CONF_INCLUDE_DEPTH) {
		cf_perr(p, file, line, "include \"%s\": nested too deeply "
		    "(max %d)", cf_show(full, b, sizeof(b)),
		    CONF_INCLUDE_DEPTH);
		free(full);
		return 0;
	}
	if (++p->nincludes > CONF_INCLUDE_MAX) {
		cf_perr(p, file, line, "include \"%s\": too many includes "
		    "(max %d)", cf_show(full, b, sizeof(b)), CONF_INCLUDE_MAX);
		free(full);
		return 0;
	}
	if (cf_readfile(p, full, CONF_FILE_MAX, &buf, &len, &st) == -1) {
		if (errno == EFBIG)
			cf_perr(p, file, line, "include \"%s\": file too "
			    "large (max %d bytes)", cf_show(full, b,
			    sizeof(b)), CONF_FILE_MAX);
		else
			cf_perr(p, file, line, "include \"%s\": %s",
			    cf_show(full, b, sizeof(b)), strerror(errno));
		free(full);
		return 0;
	}
	for (i = 0; i < p->nsrc; i++) {
		if (p->src[i].hasid && p->src[i].dev == st.st_dev &&
		    p->src[i].ino == st.st_ino) {
			cf_perr(p, file, line, "include \"%s\": include cycle",
			    cf_show(full, b, sizeof(b)));
			free(full);
			free(buf);
			return 0;
		}
	}
	snprintf(what, sizeof(what), "include \"%s\"", cf_show(full, b,
	    sizeof(b)));
	if (cf_check_writable(p, &st, file, line, what) == -1) {
		free(full);
		explicit_bzero(buf, len);
		free(buf);
		return 0;
	}
	name = cf_keepname(p, full);
	free(full);
	if (name == NULL) {
		free(buf);
		return 0;
	}
	cf_pushsrc(p, name, buf, len, &st);
	return 0;
}

/*
 * Read the first line of a secret file, trimmed of surrounding
 * whitespace, into buf.  Reports its own errors.
 */
int
cf_readsecret(struct parser *p, const char *kw, const char *path, char *out,
    size_t size, const char *file, int line)
{
	char		*buf, *s, *e, b[200], tmp[100];
	size_t		 len, flen;
	struct stat	 st;

	if (cf_readfile(p, path, 4096, &buf, &len, &st) == -1) {
		cf_perr(p, file, line, "%s \"%s\": %s", kw,
		    cf_show(path, b, sizeof(b)),
		    errno == EFBIG ? "file too large" : strerror(errno));
		return -1;
	}
	flen = len;
	snprintf(b, sizeof(b), "%s \"", kw);
	snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s\"",
	    cf_show(path, tmp, sizeof(tmp)));
	if (cf_check_writable(p, &st, file, line, b) == -1) {
		explicit_bzero(buf, flen);
		free(buf);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & S_IROTH))
		cf_pwarn(p, file, line, "%s is readable by others (mode %04o)",
		    b, (unsigned)(st.st_mode & 07777));
	for (s = buf; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s; *e != '\0' && *e != '\n' && *e != '\r'; e++)
		;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	len = (size_t)(e - s);
	if (len == 0 || len >= size) {
		cf_perr(p, file, line, "%s \"%s\": %s", kw,
		    cf_show(path, b, sizeof(b)),
		    len == 0 ? "empty first line" : "secret too long");
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
int
cf_pathopt(struct parser *p, const char *kw, char **dst)
{
	char	 path[CONF_STRING_MAX];

	if (cf_word(p, kw, path, sizeof(path)) == -1)
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
