/*
 * aws/r53msg_impl.h: what the files of aws/r53msg.h share: aws/r53req.c
 * (request bodies and paths), aws/r53parse.c (one parse of a response
 * and its failure message), aws/r53resp.c (success documents) and
 * aws/r53err.c (error documents).  Private to those files; everything
 * else uses aws/r53msg.h.
 */
#ifndef R53D_AWS_R53MSG_IMPL_H
#define R53D_AWS_R53MSG_IMPL_H

#include <stddef.h>

#include "aws/r53msg.h"
#include "aws/xml.h"

/*
 * Characters in t as Route 53 counts them: the bytes that do not continue
 * a UTF-8 sequence (exact for valid UTF-8, which the XML reader has
 * already checked in responses).
 */
static inline size_t
chars_of(const char *t)
{
	size_t	n = 0;

	for (; *t != '\0'; t++)
		if (((unsigned char)*t & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * ---- Parsing helpers (aws/r53parse.c) ----
 *
 * A struct rp is one parse: the reader, and where to say why it failed.
 * The first failure writes the message (r53_rp_fail()); callers above it
 * pass the status up unchanged.  Paths name elements from the root:
 * r53_rp_path() the open ones, r53_rp_closed() also the element whose
 * END was read last (or the root, once the document has ended).
 *
 * Call order: r53_rp_begin(); then, for the children of the root (and
 * deeper) as xml_child() finds them, r53_rp_text() or r53_rp_skip() at
 * each START; r53_rp_finish() with xml_child()'s last result.  Every
 * function returning a status returns R53_OK or the first failure's.
 * The strings r53_rp_path() and r53_rp_closed() return share one buffer
 * of the struct rp, those of r53_rp_quote() another: each is valid until
 * the next call that writes the same buffer.
 */

#define QUOTE_MAX	40	/* bytes of a value quoted in a message */

struct rp {
	struct xml	 x;
	struct r53_why	*why;		/* NULL: no message wanted */
	char		 path[R53_WHY_SIZE];
	char		 quoted[QUOTE_MAX * 4 + 8];
};

int	r53_rp_begin(struct rp *, char *body, size_t len, const char *root,
	    struct r53_why *);
int	r53_rp_finish(struct rp *, int r);
int	r53_rp_text(struct rp *, const char **t);
int	r53_rp_skip(struct rp *);
int	r53_rp_xerr(struct rp *);

/* Write the message (if none yet); returns status. */
int	r53_rp_fail(struct rp *, int status, const char *fmt, ...)
	    __attribute__((__format__(printf, 3, 4)));
void	r53_rp_fail_more(struct rp *, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));
const char *r53_rp_path(struct rp *);
const char *r53_rp_closed(struct rp *);
const char *r53_rp_quote(struct rp *, const char *t);

/* A description being built, truncated with "..." when full. */
struct desc {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 cut;
};

void	r53_desc_put(struct desc *, const char *s, size_t n);

#endif
