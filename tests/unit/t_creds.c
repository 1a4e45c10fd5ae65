/*
 * t_creds.c: credential sources and their parsers: the shared files
 * and profiles, the IMDS, container and credential_process JSON
 * documents, STS answers, and the order of sources.
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
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_ROLE_ARN");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
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
	snprintf(path, sizeof(path), "%s/.aws/config", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/token", tmpdir);
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

	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_CONFIG);
	cr_assert_not_null(sv = creds_get(&c));
	cr_assert_str_eq(sv->access_key_id, "AKIDCONF");
	cr_assert_str_eq(sv->secret_key, "sconf");
	cr_assert_null(sv->session_token);
	creds_free(&c);
	cr_assert_null(creds_get(&c));

	aws.access_key_id = "";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_ENV);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDENV");
	cr_assert_str_eq(sv->session_token, "tenv");
	creds_free(&c);

	unsetenv("AWS_SECRET_ACCESS_KEY");
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_FILE);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDFILE");
	cr_assert_null(sv->session_token);
	creds_free(&c);

	setenv("AWS_PROFILE", "p2", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	sv = creds_get(&c);
	cr_assert_str_eq(sv->access_key_id, "AKIDP2");
	cr_assert_str_eq(sv->session_token, "tp2");
	cr_assert(strstr(creds_describe(&c), "[p2]") != NULL);
	creds_free(&c);

	/* A named profile that is missing is an error, not a fallback. */
	setenv("AWS_PROFILE", "nope", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
}

Test(sources, explicit_file_and_nothing, .init = clear_env, .fini = remove_tmp)
{
	struct aws_settings	 aws;
	struct creds	 c;
	char		 path[128];
	FILE		*f;

	memset(&aws, 0, sizeof(aws));
	/* Nothing anywhere and no IMDS: an error. */
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);

	snprintf(path, sizeof(path), "%s/other", tmpdir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("[default]\naws_access_key_id=AKIDOTHER\n"
	    "aws_secret_access_key=so\n", f);
	fclose(f);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_str_eq(creds_get(&c)->access_key_id, "AKIDOTHER");
	creds_free(&c);

	/* An explicitly named file that is missing is an error. */
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
}

static void
write_file(const char *name, const char *text)
{
	char	path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/.aws", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

Test(ini, get_keys_and_sections)
{
	static const char f[] =
	    "[default]\nregion = us-east-1\n"
	    "[profile cross]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
	    "external_id=ext-1\nempty =\n";
	char	out[64];
	int	line = 0;

	cr_assert_eq(creds_ini_get(INI(f), "profile cross", "ROLE_ARN", out,
	    sizeof(out), &line), 0);
	cr_assert_str_eq(out, "arn:aws:iam::123456789012:role/r");
	cr_assert_eq(creds_ini_get(INI(f), "profile cross", "external_id",
	    out, sizeof(out), &line), 0);
	cr_assert_str_eq(out, "ext-1");
	cr_assert_eq(creds_ini_get(INI(f), "profile cross", "empty", out,
	    sizeof(out), &line), 1);
	cr_assert_eq(creds_ini_get(INI(f), "default", "role_arn", out,
	    sizeof(out), &line), 1);
	cr_assert_eq(creds_ini_get(INI(f), "profile cross", NULL, NULL, 0,
	    &line), 0);
	cr_assert_eq(creds_ini_get(INI(f), "cross", NULL, NULL, 0, &line), 1);
	/* A value that does not fit is an error, with its line. */
	cr_assert_eq(creds_ini_get(INI(f), "profile cross", "role_arn", out,
	    8, &line), -1);
	cr_assert_eq(line, 4);
	cr_assert_eq(creds_ini_get(INI("[a]\nx\n"), "a", "x", out,
	    sizeof(out), &line), -1);
	cr_assert_eq(line, 2);
}

Test(process, parse_document)
{
	static const char j[] = "{\"Version\": 1, \"AccessKeyId\": \"ASIAP\","
	    " \"SecretAccessKey\": \"sp\", \"SessionToken\": \"tp\","
	    " \"Expiration\": \"2030-01-02T03:04:05Z\"}\n";
	struct creds_keys	 k;
	const char		*why;

	cr_assert_eq(creds_parse_process(INI(j), &k, &why), 0, "%s", why);
	cr_assert_str_eq(k.akid, "ASIAP");
	cr_assert_str_eq(k.secret, "sp");
	cr_assert_str_eq(k.token, "tp");
	cr_assert_eq(k.expiration, (time_t)1893553445);
	/* Without Expiration: keys that do not expire. */
	cr_assert_eq(creds_parse_process(INI("{\"Version\":1,"
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"), &k, &why),
	    0);
	cr_assert_eq(k.expiration, 0);
	cr_assert_str_eq(k.token, "");
	/* Version is required and must be 1. */
	cr_assert_eq(creds_parse_process(INI("{\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"B\"}"), &k, &why), -1);
	cr_assert_str_eq(why, "Version 1 missing");
	cr_assert_eq(creds_parse_process(INI("{\"Version\":2,"
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"), &k, &why),
	    -1);
	cr_assert_eq(creds_parse_process(INI("{\"Version\":\"1\","
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"), &k, &why),
	    -1);
	cr_assert_eq(creds_parse_process(INI("{\"Version\":10,"
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"), &k, &why),
	    -1);
	/* IMDS's "Token" is not the process's "SessionToken". */
	cr_assert_eq(creds_parse_process(INI("{\"Version\":1,"
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\","
	    "\"Token\":\"t\"}"), &k, &why), 0);
	cr_assert_str_eq(k.token, "");
	cr_assert_eq(creds_parse_process(INI("{\"Version\":1,"
	    "\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\",\"x\":[1]}"),
	    &k, &why), -1);
}

#define STS_OK(kind) \
	"<" kind "Response xmlns=\"https://sts.amazonaws.com/doc/" \
	"2011-06-15/\">\n<" kind "Result>\n" \
	"<SubjectFromWebIdentityToken>system:sa</SubjectFromWebIdentityToken>" \
	"<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn>" \
	"<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\n" \
	"<Credentials><AccessKeyId>ASIASTS</AccessKeyId>" \
	"<SecretAccessKey>s/t+s</SecretAccessKey>" \
	"<SessionToken>FwoG&amp;tok</SessionToken>" \
	"<Expiration>2030-01-02T03:04:05.123Z</Expiration></Credentials>" \
	"<PackedPolicySize>6</PackedPolicySize></" kind "Result>" \
	"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>" \
	"</" kind "Response>\n"

Test(sts, answers)
{
	char			 buf[2048], code[64], msg[128];
	struct creds_keys	 k;
	const char		*why;

	snprintf(buf, sizeof(buf), "%s", STS_OK("AssumeRole"));
	cr_assert_eq(creds_parse_sts(buf, strlen(buf), &k, code,
	    sizeof(code), msg, sizeof(msg), &why), 0, "%s", why);
	cr_assert_str_eq(k.akid, "ASIASTS");
	cr_assert_str_eq(k.secret, "s/t+s");
	cr_assert_str_eq(k.token, "FwoG&tok");
	cr_assert_eq(k.expiration, (time_t)1893553445);
	snprintf(buf, sizeof(buf), "%s", STS_OK("AssumeRoleWithWebIdentity"));
	cr_assert_eq(creds_parse_sts(buf, strlen(buf), &k, code,
	    sizeof(code), msg, sizeof(msg), &why), 0, "%s", why);

	snprintf(buf, sizeof(buf), "<ErrorResponse xmlns=\"https://sts."
	    "amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
	    "<Code>ExpiredTokenException</Code><Message>Token expired: "
	    "current date/time 1 must be before the expiration date/time 0"
	    "</Message></Error><RequestId>x</RequestId></ErrorResponse>");
	cr_assert_eq(creds_parse_sts(buf, strlen(buf), &k, code,
	    sizeof(code), msg, 20, &why), 1);
	cr_assert_str_eq(code, "ExpiredTokenException");
	cr_assert_str_eq(msg, "Token expired: curr");
	cr_assert_str_eq(k.akid, "");
}

Test(sts, refuses_bad_answers)
{
	static const char *bad[] = {
		"",
		"<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult>"
		    "</AssumeRoleResponse>",
		/* No SessionToken. */
		"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
		    "<AccessKeyId>A</AccessKeyId><SecretAccessKey>B"
		    "</SecretAccessKey><Expiration>2030-01-02T03:04:05Z"
		    "</Expiration></Credentials></AssumeRoleResult>"
		    "</AssumeRoleResponse>",
		/* A malformed Expiration. */
		"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
		    "<AccessKeyId>A</AccessKeyId><SecretAccessKey>B"
		    "</SecretAccessKey><SessionToken>T</SessionToken>"
		    "<Expiration>soon</Expiration></Credentials>"
		    "</AssumeRoleResult></AssumeRoleResponse>",
		/* A token that would break the request head. */
		"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
		    "<AccessKeyId>A</AccessKeyId><SecretAccessKey>B"
		    "</SecretAccessKey><SessionToken>T&#13;&#10;X: y"
		    "</SessionToken><Expiration>2030-01-02T03:04:05Z"
		    "</Expiration></Credentials></AssumeRoleResult>"
		    "</AssumeRoleResponse>",
		"<GetCallerIdentityResponse/>",
		"<ErrorResponse><Error><Message>m</Message></Error>"
		    "</ErrorResponse>",
		"<AssumeRoleResponse><AssumeRoleResult>",
		NULL
	};
	char			 buf[2048], code[64], msg[128];
	struct creds_keys	 k;
	const char		*why;
	size_t			 i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		cr_expect_eq(creds_parse_sts(buf, strlen(buf), &k, code,
		    sizeof(code), msg, sizeof(msg), &why), -1, "case %zu", i);
		cr_expect_not_null(why);
		cr_expect_str_eq(k.akid, "");
	}
}

/* The stage of a chain that would be fetched, by what it says it is. */
static const char *
stage_of(const struct creds *c, size_t i)
{
	return c->st[i].fetch != NULL ? "fetch" : c->st[i].have ? "keys" :
	    "none";
}

Test(profiles, roles_process_and_files, .init = clear_env,
    .fini = remove_tmp)
{
	struct aws_settings	 aws;
	struct creds		 c;
	char			 path[128];

	memset(&aws, 0, sizeof(aws));
	aws.sts_endpoint = "http://127.0.0.1:9";
	write_file(".aws/credentials",
	    "[base]\naws_access_key_id=AKIDBASE\naws_secret_access_key=sb\n"
	    "[self]\naws_access_key_id=AKIDSELF\naws_secret_access_key=ss\n"
	    "role_arn=arn:aws:iam::1:role/self\nsource_profile=self\n");
	write_file(".aws/config",
	    "[default]\nregion=us-east-1\n"
	    "[profile cross]\nrole_arn = arn:aws:iam::2:role/dns\n"
	    "source_profile = base\nexternal_id = e1\n"
	    "duration_seconds = 900\n"
	    "[profile chained]\nrole_arn = arn:aws:iam::3:role/x\n"
	    "source_profile = cross\n"
	    "[profile loop]\nrole_arn = arn:aws:iam::3:role/x\n"
	    "source_profile = loop2\n"
	    "[profile loop2]\nrole_arn = arn:aws:iam::3:role/x\n"
	    "source_profile = loop\n"
	    "[profile proc]\ncredential_process = /bin/echo hi\n"
	    "[profile envsrc]\nrole_arn = arn:aws:iam::4:role/e\n"
	    "credential_source = Environment\n"
	    "[profile badsrc]\nrole_arn = arn:aws:iam::4:role/e\n"
	    "credential_source = Elsewhere\n"
	    "[profile baddur]\nrole_arn = arn:aws:iam::4:role/e\n"
	    "source_profile = base\nduration_seconds = 60\n"
	    "[profile web]\nrole_arn = arn:aws:iam::5:role/w\n"
	    "web_identity_token_file = TOKEN\n"
	    "[profile nokeys]\nregion = eu-west-1\n");

	/* Keys from the credentials file, then the role. */
	aws.profile = "cross";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_FILE);
	cr_assert_eq(c.nst, 2);
	cr_assert_str_eq(stage_of(&c, 0), "keys");
	cr_assert_str_eq(c.st[0].keys.akid, "AKIDBASE");
	cr_assert_str_eq(stage_of(&c, 1), "fetch");
	/* Nothing to sign with until STS answers. */
	cr_assert_null(creds_get(&c));
	creds_free(&c);

	aws.profile = "chained";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.nst, 3);
	creds_free(&c);

	aws.profile = "self";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.nst, 2);
	cr_assert_str_eq(c.st[0].keys.akid, "AKIDSELF");
	creds_free(&c);

	aws.profile = "proc";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.nst, 1);
	cr_assert(creds_runs_commands(&c));
	creds_free(&c);

	aws.profile = "envsrc";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	/* The profile is named: it wins over the environment's keys. */
	aws.pin = AWS_CREDS_PROFILE;
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.nst, 2);
	cr_assert_str_eq(c.st[0].keys.akid, "AKIDENV");
	creds_free(&c);
	aws.pin = AWS_CREDS_CHAIN;
	unsetenv("AWS_ACCESS_KEY_ID");

	aws.profile = "loop";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	aws.profile = "badsrc";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	aws.profile = "baddur";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	aws.profile = "nokeys";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	aws.profile = "missing";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);

	/* A web identity profile needs its token file at start. */
	aws.profile = "web";
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	snprintf(path, sizeof(path), "%s/token", tmpdir);
	write_file("token", "eyJ.tok.en\n");
	write_file(".aws/config", "[profile web]\nrole_arn = "
	    "arn:aws:iam::5:role/w\nweb_identity_token_file = ");
	{
		FILE *f;
		char p2[128];

		snprintf(p2, sizeof(p2), "%s/.aws/config", tmpdir);
		cr_assert_not_null(f = fopen(p2, "a"));
		fprintf(f, "%s\n", path);
		fclose(f);
	}
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.nst, 1);
	creds_free(&c);
}

Test(sources, order_of_fetched_sources, .init = clear_env,
    .fini = remove_tmp)
{
	struct aws_settings	 aws;
	struct creds		 c;
	char			 path[128];

	memset(&aws, 0, sizeof(aws));
	aws.sts_endpoint = "http://127.0.0.1:9";
	aws.imds = 1;
	aws.imds_endpoint = "http://127.0.0.1:9";
	snprintf(path, sizeof(path), "%s/token", tmpdir);
	write_file("token", "eyJ.tok.en\n");
	write_file(".aws/credentials", "[default]\naws_access_key_id=AKIDF\n"
	    "aws_secret_access_key=sf\n");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1:9/creds", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/irsa", 1);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);

	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_ENV);
	creds_free(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_WEBID);
	creds_free(&c);
	unsetenv("AWS_ROLE_ARN");
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_FILE);
	creds_free(&c);
	/* Pinned: the container, though the file has keys. */
	aws.pin = AWS_CREDS_CONTAINER;
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_CONTAINER);
	creds_free(&c);
	aws.pin = AWS_CREDS_CHAIN;
	remove_tmp();
	cr_assert_eq(mkdir(tmpdir, 0700), 0);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_CONTAINER);
	creds_free(&c);
	/* Plain http elsewhere than a loopback or the ECS/EKS hosts. */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://192.0.2.1/creds", 1);
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), 0);
	cr_assert_eq(c.source, CREDS_IMDS);
	creds_free(&c);
	aws.imds = 0;
	cr_assert_eq(creds_init(&c, &aws, NULL, NULL), -1);
}
