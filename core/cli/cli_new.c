/*
 * cli_new.c — `parabench new workload|strategy NAME`: a folder from which
 * a new plugin builds and runs as it is — its source (every hook present,
 * marked required or optional), a three-line Makefile using pkg-config,
 * and an example experiment. The texts are the templates installed in
 * share/parabench/templates (templates/ in the source tree).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lib/file.h"
#include "lib/path.h"
#include "lib/textbuf.h"

static const char new_usage[] =
    "usage: parabench new workload|strategy NAME [--dir DIR] "
    "[--plugin-dir DIR]...\n"
    "Writes the folder DIR (default: ./NAME) with NAME.c, a plugin that\n"
    "builds and runs as it is (every hook there, marked REQUIRED or\n"
    "OPTIONAL), a Makefile using `pkg-config parabench`, and NAME.yaml,\n"
    "an experiment that uses it. Then: cd DIR && make && parabench run\n"
    "NAME.yaml --plugin-dir .\n"
    "NAME: a C identifier of a-z, 0-9 and _ (at most 64), not already the\n"
    "name of a plugin. See parabench(1) and docs/writing-plugins.md.\n";

#define NAME_MAX_LEN 64

static bool is_keyword(const char *name)
{
	static const char *const words[] = {
	    "auto",	"break",   "case",     "char",	   "const",
	    "continue", "default", "do",       "double",   "else",
	    "enum",	"extern",  "float",    "for",	   "goto",
	    "if",	"inline",  "int",      "long",	   "register",
	    "restrict", "return",  "short",    "signed",   "sizeof",
	    "static",	"struct",  "switch",   "typedef",  "union",
	    "unsigned", "void",	   "volatile", "while",	   "_bool",
	    "bool",	"true",	   "false",    "_complex", "_imaginary"};

	for (size_t k = 0; k < PB_COUNT(words); k++)
		if (strcmp(name, words[k]) == 0)
			return true;
	return false;
}

/* NAME must be a C identifier made of a-z, 0-9 and _ (a plugin name). */
static int check_name(const char *name, struct pb_err *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN)
		return pb_fail(err,
			       "the name must be 1 to %d characters, got %zu",
			       NAME_MAX_LEN, n);
	if (name[0] >= '0' && name[0] <= '9')
		return pb_fail(err,
			       "'%s' starts with a digit; expected a C "
			       "identifier of a-z, 0-9 and _",
			       name);
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return pb_fail(err,
				       "'%.64s' is not a plugin name; "
				       "expected a C identifier of a-z, 0-9 "
				       "and _ (such as my_work)",
				       name);
	if (is_keyword(name))
		return pb_fail(err, "'%s' is a C keyword; choose another name",
			       name);
	return PB_OK;
}

/* Refuses a name a loaded plugin already has, naming its file. */
static int check_free(const struct pb_registry *reg, const char *name,
		      struct pb_err *err)
{
	const enum pb_kind kinds[] = {PB_KIND_WORKLOAD, PB_KIND_STRATEGY};

	for (size_t k = 0; k < PB_COUNT(kinds); k++) {
		const struct pb_plugin *p =
		    pb_registry_find(reg, kinds[k], name);
		if (p)
			return pb_fail(err,
				       "'%s' is taken: the %s plugin %s has "
				       "that name; choose another",
				       name,
				       kinds[k] == PB_KIND_WORKLOAD
					   ? "workload"
					   : "strategy",
				       pb_registry_path(reg, p));
	}
	return PB_OK;
}

/* The template file, with every @NAME@ replaced by name, into out. */
static int fill(const char *template, const char *name, struct pb_buf *out,
		struct pb_err *err)
{
	char *text;
	size_t len;

	if (pb_read_whole_file(template, &text, &len, err))
		return PB_ERROR;
	for (const char *p = text, *at; *p; p = at + 6) {
		at = strstr(p, "@NAME@");
		if (!at) {
			pb_buf_printf(out, "%s", p);
			break;
		}
		pb_buf_printf(out, "%.*s%s", (int)(at - p), p, name);
	}
	free(text);
	return out->oom ? pb_fail(err, "out of memory") : PB_OK;
}

/* Writes dir/file from the template, never over an existing file. */
static int write_one(const char *templates, const char *template,
		     const char *dir, const char *file, const char *name,
		     struct pb_err *err)
{
	char from[PB_PATH_MAX], to[PB_PATH_MAX];
	struct pb_buf text = {0};
	int fd, rc = PB_ERROR;

	if (pb_path_join(from, sizeof(from), templates, template, err) ||
	    pb_path_join(to, sizeof(to), dir, file, err) ||
	    fill(from, name, &text, err))
		goto out;
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		pb_fail(err, "%s: cannot create: %s", to, strerror(errno));
		goto out;
	}
	if (pb_write_all(fd, text.data, text.len) || close(fd)) {
		pb_fail(err, "%s: cannot write: %s", to, strerror(errno));
		goto out;
	}
	printf("  %s\n", to);
	rc = PB_OK;
out:
	pb_buf_free(&text);
	return rc;
}

static int scaffold(const char *kind, const char *name, const char *dir,
		    struct pb_err *err)
{
	char file[NAME_MAX_LEN + 8], templates[PB_PATH_MAX];
	char source[32], yaml[32];

	if (cli_share_dir("templates", templates, sizeof(templates)))
		return pb_fail(err,
			       "cannot find the templates (share/parabench/"
			       "templates beside the binary); reinstall "
			       "parabench");
	if (mkdir(dir, 0755))
		return pb_fail(err, "%s: cannot make the folder: %s%s", dir,
			       strerror(errno),
			       errno == EEXIST ? " (choose another with --dir)"
					       : "");
	printf("%s %s, in %s:\n", kind, name, dir);
	snprintf(source, sizeof(source), "%s.c", kind);
	snprintf(yaml, sizeof(yaml), "%s.yaml", kind);
	snprintf(file, sizeof(file), "%s.c", name);
	if (write_one(templates, source, dir, file, name, err) ||
	    write_one(templates, "Makefile", dir, "Makefile", name, err))
		return PB_ERROR;
	snprintf(file, sizeof(file), "%s.yaml", name);
	if (write_one(templates, yaml, dir, file, name, err))
		return PB_ERROR;
	printf("next: cd %s && make && parabench run %s.yaml --plugin-dir .\n",
	       dir, name);
	return PB_OK;
}

int cli_new(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"plugin-dir", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *dirs[64], *dir = NULL;
	size_t ndirs = 0;
	struct pb_registry reg = {0};
	struct pb_err err = {{0}};
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:p:h", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(new_usage, stdout), 0;
		if (c == 'd')
			dir = optarg;
		else if (c == 'p' && ndirs < PB_COUNT(dirs))
			dirs[ndirs++] = optarg;
		else
			return fputs(new_usage, stderr), EXIT_USAGE;
	}
	if (argc - optind != 2 || (strcmp(argv[optind], "workload") != 0 &&
				   strcmp(argv[optind], "strategy") != 0)) {
		cli_error("new takes 'workload' or 'strategy' and a NAME "
			  "(see parabench new --help)");
		return EXIT_USAGE;
	}
	const char *kind = argv[optind], *name = argv[optind + 1];
	if (check_name(name, &err)) {
		cli_error("%s", err.msg);
		return EXIT_USAGE;
	}
	if (cli_load_plugins(&reg, dirs, ndirs))
		return EXIT_USAGE;
	rc = check_free(&reg, name, &err);
	pb_registry_free(&reg);
	if (rc == PB_OK)
		rc = scaffold(kind, name, dir ? dir : name, &err);
	if (rc != PB_OK) {
		cli_error("%s", err.msg);
		return EXIT_USAGE;
	}
	return 0;
}
