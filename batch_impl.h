/*
 * batch_impl.h: what the files of the write pipeline share: batch.c (the
 * queue, building, outcomes), batch_send.c (the change batch of a view),
 * batch_verify.c (an unknown outcome) and batch_insync.c (INSYNC).
 * Private to those files; everything else uses batch.h.  The pipeline's
 * states are described at the top of batch.c.
 */
#ifndef R53D_BATCH_IMPL_H
#define R53D_BATCH_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"

/* batch.c */
/* Unit u ends: ops->done()'s answer, 1 if it waits for INSYNC. */
int	batch_end_unit(struct bunit *, enum bend_how, const char *change,
	    int track, const char *code, const char *msg);
/* Every unit of the batch ends (change NULL: nothing was sent). */
void	batch_end_units(struct batch *, enum bend_how, const char *change,
	    int track);
/* Route 53 applied the batch: the mirror takes the view, the units end. */
void	batch_commit(struct batch *, const char *change, int track);
/* The SOA serial of the mirror's store: 0, or -1 without a usable SOA. */
int	batch_store_serial(const struct batch *, uint32_t *serial);

/* batch_send.c */
/* 1 if the view fits one change batch (*vrec, *vchr: its cost). */
int	batch_view_fits(const struct batch *, size_t *vrec, size_t *vchr);
/* Send the view as a change batch (or log it, dry run): 0, or -1. */
int	batch_send(struct batch *, uint64_t now);

/* batch_verify.c */
/* Free what an unknown outcome's verification holds (vset). */
void	batch_verify_free(struct batch *);

#endif
