/*
 * fmt.h: number formatting without stdio, for the paths that run per
 * message (log lines, Route 53 text, change batches).  Pure functions
 * over caller buffers; nothing here allocates.
 */
#ifndef R53D_FMT_H
#define R53D_FMT_H

#include <stdint.h>

#define FMT_U64_MAX	20	/* digits of the largest uint64_t */

/*
 * The decimal digits of v, written backwards so that the last one is
 * end[-1] (at most FMT_U64_MAX of them, no NUL); returns the first.
 */
char	*fmt_u64(char *end, uint64_t v);

#endif
