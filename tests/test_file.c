/*
 * test_file.c — lib/file: the one write-all loop, the one whole-file
 * reader, and the one atomic write, which never writes through a symlink
 * (issue 13: a summary.csv.tmp symlink made `analyze` overwrite its
 * target).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"
#include "pbt_files.h"

TestSuite(file, .fini = pbt_scratch_remove);

/* Number of entries of folder dir, "." and ".." left out. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

Test(file, write_all_to_a_full_device_says_enospc)
{
	int fd = open("/dev/full", O_WRONLY);

	cr_assert_geq(fd, 0);
	errno = 0;
	cr_assert_eq(pb_write_all(fd, "abc", 3), -1);
	cr_assert_eq(errno, ENOSPC);
	close(fd);
}

Test(file, write_all_through_a_pipe)
{
	static char big[1 << 17]; /* beyond one pipe buffer: short writes */
	char back[sizeof(big)];
	int p[2];
	size_t got = 0;

	memset(big, 'x', sizeof(big));
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(pb_write_all(p[1], big, sizeof(big)) ? 1 : 0);
	}
	close(p[1]);
	for (ssize_t n; (n = read(p[0], back + got, sizeof(back) - got)) > 0;)
		got += (size_t)n;
	close(p[0]);
	cr_assert_eq(got, sizeof(big));
	cr_assert_eq(memcmp(back, big, sizeof(big)), 0);
}

Test(file, read_keeps_nul_bytes_and_ends_with_one)
{
	const char *dir = pbt_scratch_new();
	char path[4096], *text;
	size_t len;
	struct pb_err err = {{0}};

	snprintf(path, sizeof(path), "%s/bin", dir);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	cr_assert_eq(write(fd, "a\0b", 3), 3);
	close(fd);
	cr_assert_eq(pb_read_whole_file(path, &text, &len, &err), PB_OK);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(text, "a\0b", 4), 0);
	free(text);
}

Test(file, read_refuses_missing_folder_and_too_large)
{
	const char *dir = pbt_scratch_new();
	char path[4096], *text = NULL;
	size_t len;
	struct pb_err err = {{0}};

	cr_assert_eq(pb_read_file("/nonexistent/f", 0, &text, &len, &err),
		     PB_ERROR);
	cr_assert_eq(errno, ENOENT);
	cr_assert_str_eq(err.msg,
			 "/nonexistent/f: cannot open: No such file or "
			 "directory");
	cr_assert_eq(pb_read_file(dir, 0, &text, &len, &err), PB_ERROR);
	cr_assert_eq(errno, EISDIR);
	cr_assert(strstr(err.msg, ": is a folder"), "%s", err.msg);
	pbt_write_in(dir, "f", "0123456789");
	snprintf(path, sizeof(path), "%s/f", dir);
	cr_assert_eq(pb_read_file(path, 9, &text, &len, &err), PB_ERROR);
	cr_assert_eq(errno, EFBIG);
	cr_assert(strstr(err.msg, "larger than 9 bytes"), "%s", err.msg);
	cr_assert_eq(pb_read_file(path, 10, &text, &len, &err), PB_OK);
	cr_assert_str_eq(text, "0123456789");
	free(text);
}

Test(file, atomic_write_replaces_and_leaves_nothing_else)
{
	const char *dir = pbt_scratch_new();
	char path[4096];
	struct pb_err err = {{0}};
	struct stat st;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	cr_assert_eq(pb_write_file_atomic(path, "old", 3, &err), PB_OK);
	cr_assert_eq(pb_write_file_atomic(path, "new!", 4, &err), PB_OK, "%s",
		     err.msg);
	cr_assert(pbt_file_has(path, "new!"));
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	cr_assert_eq(entries(dir), 1, "no temporary file is left");
}

Test(file, atomic_write_never_follows_a_planted_symlink)
{
	const char *dir = pbt_scratch_new();
	char path[4096], tmp[4096], target[4096];
	struct pb_err err = {{0}};

	/* The attack of issue 13: NAME.tmp, and NAME itself, are links. */
	snprintf(target, sizeof(target), "%s/victim", dir);
	pbt_write_in(dir, "victim", "precious");
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	pbt_fmt(tmp, "%s.tmp", path);
	cr_assert_eq(symlink(target, tmp), 0);
	cr_assert_eq(pb_write_file_atomic(path, "a,b\n", 4, &err), PB_OK, "%s",
		     err.msg);
	cr_assert(pbt_file_has(target, "precious"));
	cr_assert(pbt_file_has(path, "a,b"));
	unlink(path);
	cr_assert_eq(symlink(target, path), 0);
	cr_assert_eq(pb_write_file_atomic(path, "c,d\n", 4, &err), PB_OK, "%s",
		     err.msg);
	cr_assert(pbt_file_has(target, "precious"), "the link's target");
	cr_assert(pbt_file_has(path, "c,d"), "the link itself was replaced");
}

Test(file, atomic_write_into_a_missing_folder_names_the_file)
{
	struct pb_err err = {{0}};

	cr_assert_eq(pb_write_file_atomic("/nonexistent/x/f", "{}", 2, &err),
		     PB_ERROR);
	cr_assert(strstr(err.msg, "/nonexistent/x/f: cannot create"), "%s",
		  err.msg);
}

Test(file, atomic_write_to_a_path_too_long_is_refused)
{
	const char *dir = pbt_scratch_new();
	char path[5000];
	struct pb_err err = {{0}};

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memcpy(path, dir, strlen(dir));
	path[strlen(dir)] = '/';
	cr_assert_eq(pb_write_file_atomic(path, "x", 1, &err), PB_ERROR);
	cr_assert(strstr(err.msg, "bytes long"), "%s", err.msg);
	cr_assert_eq(entries(dir), 0);
}
