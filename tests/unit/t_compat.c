/*
 * compat/: the tail queues used where the C library has no
 * <sys/queue.h> (musl), tested here on every system.
 */
#include <stddef.h>

#include <criterion/criterion.h>

#include "compat/sys/queue.h"

struct item {
	int			 v;
	TAILQ_ENTRY(item)	 entry;
};
TAILQ_HEAD(items, item);

/* The values of q in order, as digits; checks the links both ways. */
static const char *
order(struct items *q)
{
	static char	 s[16];
	struct item	*it, **prevnext = &q->tqh_first;
	size_t		 n = 0;

	TAILQ_FOREACH(it, q, entry) {
		cr_assert_eq(it->entry.tqe_prev, prevnext, "broken back link");
		prevnext = &it->entry.tqe_next;
		s[n++] = (char)('0' + it->v);
	}
	cr_assert_eq(q->tqh_last, prevnext, "broken tail pointer");
	s[n] = '\0';
	return s;
}

Test(compat, tailq)
{
	struct items	 q = TAILQ_HEAD_INITIALIZER(q);
	struct item	 it[5];
	int		 i;

	for (i = 0; i < 5; i++)
		it[i].v = i;
	cr_assert(TAILQ_EMPTY(&q));
	cr_assert_str_eq(order(&q), "");
	TAILQ_INSERT_TAIL(&q, &it[1], entry);
	TAILQ_INSERT_TAIL(&q, &it[2], entry);
	TAILQ_INSERT_HEAD(&q, &it[0], entry);
	TAILQ_INSERT_TAIL(&q, &it[3], entry);
	cr_assert_str_eq(order(&q), "0123");
	cr_assert_eq(TAILQ_FIRST(&q), &it[0]);
	cr_assert_eq(TAILQ_NEXT(&it[1], entry), &it[2]);
	cr_assert_null(TAILQ_NEXT(&it[3], entry));
	TAILQ_REMOVE(&q, &it[3], entry);	/* the last */
	cr_assert_str_eq(order(&q), "012");
	TAILQ_INSERT_TAIL(&q, &it[4], entry);
	cr_assert_str_eq(order(&q), "0124");
	TAILQ_REMOVE(&q, &it[0], entry);	/* the first */
	TAILQ_REMOVE(&q, &it[2], entry);	/* one inside */
	cr_assert_str_eq(order(&q), "14");
	TAILQ_REMOVE(&q, &it[1], entry);
	TAILQ_REMOVE(&q, &it[4], entry);
	cr_assert(TAILQ_EMPTY(&q));
	cr_assert_str_eq(order(&q), "");
	TAILQ_INIT(&q);
	TAILQ_INSERT_HEAD(&q, &it[2], entry);
	cr_assert_str_eq(order(&q), "2");
}
