/*
 * aws/r53err.c: Route 53's error responses (aws/r53msg.h): the
 * ErrorResponse form and the InvalidChangeBatch form with its list of
 * messages, parsed in place with the helpers of aws/r53parse.c.
 */
#include <string.h>

#include "aws/r53msg.h"
#include "aws/r53msg_impl.h"
#include "aws/xml.h"

/* Copy t into dst[cap], cutting it (at a character boundary) with "...". */
static void
copy_trunc(char *dst, size_t cap, const char *t)
{
	size_t	n = strlen(t);

	if (n < cap) {
		memcpy(dst, t, n + 1);
		return;
	}
	n = cap - 4;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	memcpy(dst, t, n);
	memcpy(dst + n, "...", 4);
}

static int
parse_error_elem(struct rp *p, struct r53_error *out)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, s;

	while ((r = xml_child(x)) == 1) {
		if (xml_is(x, "Type") || xml_is(x, "Code") ||
		    xml_is(x, "Message")) {
			if ((s = r53_rp_text(p, &t)) != R53_OK)
				return s;
			if (xml_is(x, "Type"))
				copy_trunc(out->type, sizeof(out->type), t);
			else if (xml_is(x, "Code"))
				copy_trunc(out->code, sizeof(out->code), t);
			else
				copy_trunc(out->message, sizeof(out->message),
				    t);
		} else if ((s = r53_rp_skip(p)) != R53_OK)
			return s;
	}
	return r == 0 ? R53_OK : r53_rp_xerr(p);
}

/* Form B: Messages { Message* } joined as "[m1, m2]". */
static int
parse_messages(struct rp *p, struct desc *d)
{
	struct xml	*x = &p->x;
	const char	*t;
	int		 r, s, n = 0;

	r53_desc_put(d, "[", 1);
	while ((r = xml_child(x)) == 1) {
		if (!xml_is(x, "Message")) {
			if ((s = r53_rp_skip(p)) != R53_OK)
				return s;
			continue;
		}
		if ((s = r53_rp_text(p, &t)) != R53_OK)
			return s;
		if (n++ > 0)
			r53_desc_put(d, ", ", 2);
		r53_desc_put(d, t, strlen(t));
	}
	r53_desc_put(d, "]", 1);
	return r == 0 ? R53_OK : r53_rp_xerr(p);
}

int
r53_parse_error(char *body, size_t len, struct r53_error *out,
    struct r53_why *why)
{
	struct rp	 p;
	struct xml	*x = &p.x;
	struct desc	 d;
	const char	*t;
	int		 r, s, form_a, have_list = 0, have_msg = 0;

	memset(out, 0, sizeof(*out));
	if ((s = r53_rp_begin(&p, body, len, NULL, why)) != R53_OK)
		return s;
	form_a = xml_is(x, "ErrorResponse");
	if (!form_a) {
		if (x->namelen >= sizeof(out->code))
			return r53_rp_fail(&p, R53_ESHAPE, "root element name "
			    "of %zu bytes is too long for an error code",
			    x->namelen);
		memcpy(out->code, x->name, x->namelen);
		out->code[x->namelen] = '\0';
	}
	d.buf = out->message;
	d.cap = sizeof(out->message);
	d.len = 0;
	d.cut = 0;
	while ((r = xml_child(x)) == 1) {
		if (form_a && xml_is(x, "Error")) {
			if ((s = parse_error_elem(&p, out)) != R53_OK)
				return s;
		} else if (xml_is(x, "RequestId")) {
			if ((s = r53_rp_text(&p, &t)) != R53_OK)
				return s;
			copy_trunc(out->request_id, sizeof(out->request_id), t);
		} else if (!form_a && xml_is(x, "Messages") && !have_list) {
			out->message[0] = '\0';
			d.len = 0;
			if ((s = parse_messages(&p, &d)) != R53_OK)
				return s;
			have_list = have_msg = 1;
		} else if (!form_a && !have_list && (xml_is(x, "Message") ||
		    xml_is(x, "message"))) {
			if ((s = r53_rp_text(&p, &t)) != R53_OK)
				return s;
			copy_trunc(out->message, sizeof(out->message), t);
			have_msg = 1;
		} else if ((s = r53_rp_skip(&p)) != R53_OK)
			return s;
	}
	if ((s = r53_rp_finish(&p, r)) != R53_OK)
		return s;
	/* Another root counts only with a message (not some HTML page). */
	if (form_a && out->code[0] == '\0')
		return r53_rp_fail(&p, R53_ESHAPE, "%s/Error/Code missing",
		    r53_rp_closed(&p));
	if (!form_a && !have_msg)
		return r53_rp_fail(&p, R53_ESHAPE, "%s/Message missing: not an "
		    "error document", r53_rp_closed(&p));
	return R53_OK;
}
