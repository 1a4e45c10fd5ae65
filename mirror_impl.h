/*
 * mirror_impl.h: what mirror.c (the copy: loading, re-reading names,
 * reading the SOA back, the step) and mirror_find.c (finding the hosted
 * zone) share.  Private to those two files; everything else uses
 * mirror.h.
 *
 * A read goes through them in this order: mirror_started() when its
 * request is queued, mirror_record() from the request's done callback,
 * then, in mirror_step(), the read's end function, which returns
 * mirror_over() once the read is over.
 */
#ifndef R53D_MIRROR_IMPL_H
#define R53D_MIRROR_IMPL_H

#include <stdint.h>

#include "aws/r53.h"
#include "mirror.h"

/* Record a request's end; r53_result is valid only during the call. */
void	mirror_record(struct mirror *, const struct r53_result *);
/* Start a request; -1 if it could not be queued (nothing started). */
int	mirror_started(struct mirror *, enum mirror_read, uint32_t op);
/* The read is over: idle again, with this status. */
enum mirror_status mirror_over(struct mirror *, enum mirror_status);
/* Why the last request failed, for a log line; dflt when nothing says. */
const char *mirror_why(const struct mirror *, const char *dflt);

/* mirror_step() when a read of mirror_find.c has ended. */
enum mirror_status mirror_find_end(struct mirror *);
enum mirror_status mirror_vpc_end(struct mirror *);

#endif
