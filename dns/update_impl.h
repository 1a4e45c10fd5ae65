/*
 * dns/update_impl.h: private to dns/update.c and dns/update_check.c, the
 * two halves of one UPDATE's evaluation (dns/update.h).
 */
#ifndef R53D_DNS_UPDATE_IMPL_H
#define R53D_DNS_UPDATE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"

/* One evaluation in progress. */
struct uctx {
	struct zview		*v;
	const struct upd_req	*req;
	struct upd_result	*res;
	size_t			 rlen;		/* bytes used in res->reason */
	/* Scratch for the text of one owner name and one type. */
	char			 nb[DNS_NAME_TEXTMAX];
	char			 tb[RRTYPE_TEXTMAX];
};

/* Text of a name for the summary. */
const char	*update_ntext(const uint8_t *, char *, size_t);
/* Fail: the summary is replaced by "RCODE: why"; returns rcode. */
int		 update_fail(struct uctx *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
/* Delete one RRset (3.4.2.3); OPAQUE ones are refused. */
int		 update_del_rrset(struct uctx *, const uint8_t *, uint16_t);

/*
 * dns/update_check.c: BIND's checks after the changes: 0, or -1 when the
 * UPDATE fails (the result says why).
 */
int		 update_check_ns(struct uctx *);
int		 update_check_mx(struct uctx *);
int		 update_check_ds(struct uctx *);

#endif
