/*
 * conf_impl.h: internals shared by the files of the configuration parser
 * (conf.c, conf_lex.c, conf_key.c, conf_zone.c, conf_aws.c,
 * conf_print.c).  Private to those files; everything else uses conf.h.
 *
 * The parser state: a stack of in-memory files (includes are pushed in
 * place and read first), one token of lookahead, and the error count.
 * Every statement parser reports its first problem through TERR() or
 * cf_perr() and returns -1; its caller then calls cf_skip().  After
 * CONF_ERRORS_MAX errors, an unterminated string or running out of
 * memory, stop is set: the lexer returns T_EOF and nothing more is
 * reported.
 *
 * Memory: the struct conf being built belongs to the parser until
 * conf_parse()/conf_load() return it; src[].buf are owned by the parser
 * and wiped when freed (they may hold secrets).  Token text is valid until
 * the next cf_next() or cf_peek() that reads a new token.
 */
#ifndef R53D_CONF_IMPL_H
#define R53D_CONF_IMPL_H

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

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
	int		 quoted;	/* T_WORD written in quotes */
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
	mode_t		 mode;		/* permissions, valid if hasid */
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
	struct conf_files *record;	/* files read go here too */
	const struct conf_files *replay; /* files come from here only */
};

/*
 * conf_lex.c: errors, memory, the lexer, values and files.
 */

/* Report "file:line: message" (see conf.h); counts toward the limit. */
void	 cf_perr(struct parser *, const char *, int, const char *, ...)
	    __attribute__((__format__(printf, 4, 5)));

/* A warning "file:line: warning: message": not counted, no effect. */
void	 cf_pwarn(struct parser *, const char *, int, const char *, ...)
	    __attribute__((__format__(printf, 4, 5)));

/*
 * Files that others may write could give anybody r53d's keys: the error
 * for such a file (reported at file:line, what names it), 0 if it is fine.
 */
int	 cf_check_writable(struct parser *, const struct stat *,
	    const char *file, int line, const char *what);
/*
 * The file the token at file:line came from holds a secret: warn when
 * others may read it.
 */
void	 cf_check_secret_src(struct parser *, const char *file, int line,
	    const char *what);

/* Error at the lookahead token (or the last one read). */
#define TERR(p, ...)	\
	cf_perr((p), (p)->tok.file, (p)->tok.line, __VA_ARGS__)

/* Report running out of memory (once) and stop. */
void	 cf_oom(struct parser *);

/*
 * Make room for one more element in *arr of *n elements of size sz, at
 * most max; see conf_lex.c.  A pointer to the new zeroed element, or NULL
 * after reporting "too many what" or out of memory.
 */
void	*cf_grow(struct parser *, void *arr, size_t *n, size_t sz,
	    size_t max, const char *what);

/* A copy of a file name owned by the configuration; NULL if no memory. */
const char *cf_keepname(struct parser *, const char *);

/* Printable, bounded rendering of user text in buf, for messages. */
const char *cf_show(const char *s, char *buf, size_t size);

/* Wipe and free a source's text. */
void	 cf_freesrc(struct src *);

/* The lookahead token, read if needed; cf_next() also consumes it. */
struct tok *cf_peek(struct parser *);
struct tok *cf_next(struct parser *);

/* "end of file", "\"{\"", or the quoted word (in buf), for messages. */
const char *cf_tokdesc(const struct tok *, char *buf, size_t size);

/*
 * Recovery after an error: skip the rest of a statement, or a stray
 * punctuation token (with its group) where a statement should start.
 */
void	 cf_skip(struct parser *);
void	 cf_recover(struct parser *);

/*
 * Token and value readers: 0, or -1 after reporting.  cf_end() ends a
 * value statement with its ";" unless rv is already -1.
 */
int	 cf_expect(struct parser *, enum toktype, const char *what);
#define expect_semi(p)	cf_expect((p), T_SEMI, "\";\"")
#define expect_lbrace(p) cf_expect((p), T_LBRACE, "\"{\"")
int	 cf_word(struct parser *, const char *what, char *buf, size_t size);
int	 cf_number(struct parser *, const char *what, unsigned min,
	    unsigned max, unsigned *v);
int	 cf_boolean(struct parser *, const char *what, int *v);
int	 cf_end(struct parser *, int rv);
int	 cf_once(struct parser *, unsigned *seen, unsigned bit,
	    const char *kw);

/*
 * Read a whole file of at most max bytes into a NUL-terminated malloc'd
 * buffer, from disk or from the parser's replay set, and into its record
 * set.  0, or -1 with errno set (EFBIG when too large).
 */
int	 cf_readfile(struct parser *, const char *path, size_t max,
	    char **bufp, size_t *lenp, struct stat *st);

/* conf_files.c: a set of files read (see conf.h). */
struct conf_files *conf_files_new(void);
/* Copy a file read into the set: 0, or -1 (no memory, a limit). */
int	 cf_files_record(struct conf_files *, const char *path,
	    const char *data, size_t len, const struct stat *);
/* A file of the set, as cf_readfile() gives it (ENOENT: not there). */
int	 cf_files_replay(const struct conf_files *, const char *path,
	    size_t max, char **bufp, size_t *lenp, struct stat *);

/* Push a file onto the source stack; it takes buf.  st may be NULL. */
void	 cf_pushsrc(struct parser *, const char *name, char *buf,
	    size_t len, const struct stat *st);

/* include "path"; after the keyword: the file is read next, in place. */
int	 cf_include(struct parser *);

/* The first line of a secret file into out; reports its own errors. */
int	 cf_readsecret(struct parser *, const char *kw, const char *path,
	    char *out, size_t size, const char *file, int line);

/* A path option, resolved against the current file, malloc'd in *dst. */
int	 cf_pathopt(struct parser *, const char *kw, char **dst);

/*
 * conf.c: blocks and addresses.
 */

/*
 * The statements of a block, after its "{": up to "}" and the ";" after
 * it, each handed to opt() after its keyword.
 */
int	 cf_stmt_block(struct parser *, const char *what,
	    int (*opt)(struct parser *, const char *, void *), void *arg);

/* ADDR [port N] [key NAME]; the key is allowed when keybuf is not NULL. */
int	 cf_addrport(struct parser *, const char *what,
	    struct sockaddr_storage *, socklen_t *, char *keybuf,
	    const char **kfile, int *kline);

/* Numeric address of ss into buf, its port into *port. */
void	 cf_sockaddr_str(const struct sockaddr_storage *, char *buf,
	    size_t size, unsigned *port);

/*
 * conf_key.c, conf_zone.c, conf_aws.c: the statements after their
 * keyword.  0, or -1 after reporting (the caller skips).
 */
int	 cf_key(struct parser *);
/* An address match list "{ ...; };" (kw once: bit in *seen). */
int	 cf_acl_list(struct parser *, const char *kw, struct acl *,
	    unsigned *seen, unsigned bit);
int	 cf_zone(struct parser *);
int	 cf_aws(struct parser *, int *seen);

/* The key named name, any spelling; NULL if none. */
struct conf_key *cf_key_lookup(const struct conf *, const char *name);

/* Append an element to an address match list; NULL after reporting. */
struct acl_elem *cf_acl_add(struct parser *, struct acl *);

/* The mnemonic of an RR type, or "TYPEn" in buf. */
const char *cf_rrtype_name(uint16_t type, char *buf, size_t size);

#endif
