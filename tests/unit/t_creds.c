/*
 * t_creds.c: credential sources and their parsers: the shared
 * credentials file, the IMDS JSON document and the order of sources.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/settings.h"

#define INI(s)	(s), sizeof(s) - 1

Test(ini, default_and_named_profiles)
{
	static const char f[] =
	    "# a comment\n"
	    "[default]\n"
	    "aws_access_key_id = AKIDDEFAULT\n"
	    "aws_secret_access_key=secretdefault\n"
	    "\n"
	    "[ work ]\r\n"
	    "; another comment\n"
	    "AWS_ACCESS_KEY_ID = AKIDWORK  \r\n"
	    "aws_secret_access_key : secret/work+1=\n"
	    "aws_session_token = tok3n==\n"
	    "region = eu-west-1\n";
	struct creds_keys	k;

	cr_assert_eq(creds_parse_ini(INI(f), "default", &k, NULL), 0);
	cr_assert_str_eq(k.akid, "AKIDDEFAULT");
	cr_assert_str_eq(k.secret, "secretdefault");
	cr_assert_str_eq(k.token, "");
	cr_assert_eq(creds_parse_ini(INI(f), "work", &k, NULL), 0);
	cr_assert_str_eq(k.akid, "AKIDWORK");
	cr_assert_str_eq(k.secret, "secret/work+1=");
	cr_assert_str_eq(k.token, "tok3n==");
	cr_assert_eq(creds_parse_ini(INI(f), "other", &k, NULL), 1);
	cr_assert_str_eq(k.akid, "");
}

Test(ini, incomplete_profile_is_not_used)
{
	static const char f[] =
	    "[default]\naws_access_key_id = A\n[x]\naws_secret_access_key=s\n";
	struct creds_keys	k;

	cr_assert_eq(creds_parse_ini(INI(f), "default", &k, NULL), 1);
	cr_assert_eq(creds_parse_ini(INI(f), "x", &k, NULL), 1);
	/* Keys of another section do not leak into the one asked for. */
	cr_assert_str_eq(k.akid, "");
}

Test(ini, malformed_lines_and_limits)
{
	struct creds_keys	k;
	char			buf[6000];
	int			line = 0;

	cr_assert_eq(creds_parse_ini(INI("[default\naws_access_key_id=A\n"),
	    "default", &k, &line), -1);
	cr_assert_eq(line, 1);
	cr_assert_eq(creds_parse_ini(INI("[default]\n\njust words\n"),
	    "default", &k, &line), -1);
	cr_assert_eq(line, 3);
	/* A token longer than CREDS_TOKEN_MAX is refused, not truncated. */
	snprintf(buf, sizeof(buf), "[default]\naws_access_key_id=A\n"
	    "aws_secret_access_key=B\naws_session_token=");
	memset(buf + strlen(buf), 'T', CREDS_TOKEN_MAX + 10);
	buf[sizeof(buf) - 1] = '\0';
	cr_assert_eq(creds_parse_ini(buf, strlen(buf), "default", &k, NULL),
	    -1);
	/* NUL bytes inside the file. */
	cr_assert_eq(creds_parse_ini("[default]\na\0=b\n", 15, "default", &k,
	    NULL), -1);
	/* No newline at the end, empty file. */
	cr_assert_eq(creds_parse_ini(INI("[default]\naws_access_key_id=A\n"
	    "aws_secret_access_key=B"), "default", &k, NULL), 0);
	cr_assert_str_eq(k.secret, "B");
	cr_assert_eq(creds_parse_ini("", 0, "default", &k, NULL), 1);
}

Test(imds, parse_document)
{
	static const char j[] =
	    "{\n  \"Code\" : \"Success\",\n"
	    "  \"LastUpdated\" : \"2012-04-26T16:39:16Z\",\n"
	    "  \"Type\" : \"AWS-HMAC\",\n"
	    "  \"AccessKeyId\" : \"ASIAEXAMPLE\",\n"
	    "  \"SecretAccessKey\" : \"wJalr\\/K7MDENG\",\n"
	    "  \"Token\" : \"IQoJ\\u0041b3JpZ2lu\",\n"
	    "  \"Expiration\" : \"2017-05-17T15:09:54Z\",\n"
	    "  \"Count\" : 3, \"Ok\": true, \"None\": null\n}\n";
	struct creds_keys	 k;
	const char		*why = "x";

	cr_assert_eq(creds_parse_imds(INI(j), &k, &why), 0, "%s", why);
	cr_assert_str_eq(k.akid, "ASIAEXAMPLE");
	cr_assert_str_eq(k.secret, "wJalr/K7MDENG");
	cr_assert_str_eq(k.token, "IQoJAb3JpZ2lu");
	cr_assert_eq(k.expiration, (time_t)1495033794);
}

Test(imds, refuses_bad_documents)
{
	struct creds_keys	 k;
	const char		*why;

	cr_assert_eq(creds_parse_imds(INI("{\"Code\":\"Failure\","
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"), &k, &why), -1);
	cr_assert_str_eq(why, "Code is not Success");
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\"}"), &k,
	    &why), -1);
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"B\"} x"), &k, &why), -1);
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"B\",\"n\":{\"x\":1}}"), &k, &why), -1);
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A"), &k, &why),
	    -1);
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"B\",\"Expiration\":\"tomorrow\"}"), &k,
	    &why), -1);
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\\u0000\","
	    "\"SecretAccessKey\":\"B\"}"), &k, &why), -1);
	/* A token that would break the request head. */
	cr_assert_eq(creds_parse_imds(INI("{\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"B\",\"Token\":\"x\\r\\nX-Evil: 1\"}"), &k,
	    &why), -1);
	cr_assert_eq(creds_parse_imds(INI(""), &k, &why), -1);
	cr_assert_eq(creds_parse_imds(INI("{}"), &k, &why), -1);
	cr_assert_str_eq(k.akid, "");
}

Test(imds, time_format)
{
	cr_assert_eq(creds_parse_time("1970-01-01T00:00:00Z"), 0);
	cr_assert_eq(creds_parse_time("2017-05-17T15:09:54.123Z"),
	    (time_t)1495033794);
	cr_assert_eq(creds_parse_time("2017-05-17T15:09:54"), -1);
	cr_assert_eq(creds_parse_time("2017-13-17T15:09:54Z"), -1);
	cr_assert_eq(creds_parse_time("2017-05-17 15:09:54Z"), -1);
	cr_assert_eq(creds_parse_time(""), -1);
}

static char	tmpdir[64];

static void
clear_env(void)
{
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_PROFILE");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/t_creds.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	setenv("HOME", tmpdir, 1);
}

static void
remove_tmp(void)
{
	char	path[128];

	snprintf(path, sizeof(path), "%s/.aws/credentials", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.aws", tmpdir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/other", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static void
write_creds(const char *text)
{
	char	path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/.aws", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.aws/credentials", tmpdir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

Test(sources, config_then_env_then_file, .init = clear_env, .fini = remove_tmp)
{
	struct aws_settings		 aws;
	struct creds			 c;
	const struct sigv4_creds	*sv;

	memset(&aws, 0, sizeof(aws));
	write_creds("[default]\naws_access_key_id=AKIDFILE\n"
	    "aws_secret_access_key=sfile\n[p2]\naws_access_key_id=AKIDP2\n"
	    "aws_secret_access_key=sp2\naws_session_token=tp2\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	setenv("AWS_SESSION_TOKEN", "tenv", 1);
	aws.access_key_id = "AKIDCONF";
	aws.secret_key = "sconf";

	cr_assert_eq(creds_init(&c, &aws, NULL), 0);
	cr_assert_eq(c.source, CREDS_CONFIG);
	cr_assert_not_null(sv = creds_get(&c));
	cr_assert_str_eq(sv->access_key_id, "AKIDCONF");
	cr_assert_str_eq(sv->secret_key, "sconf");
	cr_assert_null(sv->session_token);
	creds_free(&c);
	cr_assert_null(creds_get(&c));

	aws.access_key_id = "";
	cr_assert_eq(creds_init(&c, &aws, NULL), 0);
	cr_assert_eq(c.source, CREDS_ENV);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDENV");
	cr_assert_str_eq(sv->session_token, "tenv");
	creds_free(&c);

	unsetenv("AWS_SECRET_ACCESS_KEY");
	cr_assert_eq(creds_init(&c, &aws, NULL), 0);
	cr_assert_eq(c.source, CREDS_FILE);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDFILE");
	cr_assert_null(sv->session_token);
	creds_free(&c);

	setenv("AWS_PROFILE", "p2", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL), 0);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDP2");
	cr_assert_str_eq(sv->session_token, "tp2");
	cr_assert(strstr(creds_describe(&c), "[p2]") != NULL);
	creds_free(&c);

	/* A named profile that is missing is an error, not a fallback. */
	setenv("AWS_PROFILE", "nope", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL), -1);
}

Test(sources, explicit_file_and_nothing, .init = clear_env, .fini = remove_tmp)
{
	struct aws_settings	 aws;
	struct creds	 c;
	char		 path[128];
	FILE		*f;

	memset(&aws, 0, sizeof(aws));
	/* Nothing anywhere and no IMDS: an error. */
	cr_assert_eq(creds_init(&c, &aws, NULL), -1);

	snprintf(path, sizeof(path), "%s/other", tmpdir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("[default]\naws_access_key_id=AKIDOTHER\n"
	    "aws_secret_access_key=so\n", f);
	fclose(f);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	cr_assert_eq(creds_init(&c, &aws, NULL), 0);
	cr_assert_str_eq(creds_get(&c)->access_key_id, "AKIDOTHER");
	creds_free(&c);

	/* An explicitly named file that is missing is an error. */
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL), -1);
}
