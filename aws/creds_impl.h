/*
 * aws/creds_impl.h: what the files of the credentials module share:
 * aws/creds.c (the chain, its sources and its refresh schedule),
 * aws/credsfile.c (the shared config and credentials files and their
 * profiles) and aws/credsparse.c (the parsers of what the sources give).
 * Private to those three files; everything else uses aws/creds.h.
 */
#ifndef R53D_AWS_CREDS_IMPL_H
#define R53D_AWS_CREDS_IMPL_H

#include <stddef.h>

#include "aws/creds.h"
#include "aws/util.h"

struct cfetch_spec;

/* What creds_init() works with. */
struct build {
	struct creds			*c;
	const struct aws_settings	*aws;
	struct http_resolver		*res;
	const struct http_tls_anchors	*ta;
	char				 sts[300];	/* STS endpoint */
	/* The shared files, NULL when there is none. */
	char				*cred, *conf;
	size_t				 credlen, conflen;
	char				 credpath[1024], confpath[1024];
};

static inline void
keys_wipe(struct creds_keys *k)
{
	util_wipe(k, sizeof(*k));
}

/*
 * aws/creds.c
 */

/* The environment variable name if it is set and not empty, else NULL. */
const char *creds_env(const char *name);

/* Keys from three strings (id, secret, token or NULL).  0 or -1. */
int	creds_keys_of(struct creds_keys *k, const char *id, const char *sec,
	    const char *tok);

/*
 * Add a stage to the chain: one with keys k (wiped), or one fetched as
 * sp says.  0, or -1 (logged when the chain is too long).
 */
int	creds_add_static(struct build *b, struct creds_keys *k);
int	creds_add_fetch(struct build *b, const struct cfetch_spec *sp);

/*
 * Sources 2 (environment) and 5 (container endpoint): 0 found, 1 not
 * there, -1 error (logged).  Source 6 (IMDS), or a credential_source:
 * 0, or -1 (logged).
 */
int	creds_from_env(struct build *b);
int	creds_from_container(struct build *b);
int	creds_from_imds(struct build *b);

/*
 * aws/credsfile.c
 */

/*
 * Source 4: load the shared files into b and add the stages of the
 * profile (the settings', else AWS_PROFILE, else "default").  0 found,
 * 1 not there, -1 error (logged).  creds_free_files() wipes and frees
 * the files afterwards, whatever it returned.
 */
int	creds_from_files(struct build *b);
void	creds_free_files(struct build *b);

/*
 * aws/credsparse.c
 */

/*
 * Copy a string into a fixed field; -1 if it is empty, does not fit or
 * holds a control character (keys and tokens go into request headers).
 */
int	creds_setfield(char *dst, size_t cap, const char *src, size_t len);

#endif
