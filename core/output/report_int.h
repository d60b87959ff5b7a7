/*
 * report_int.h — what the files of the report share.
 *
 * Internal to core/report*.c; the public interface is report.h.
 * report.c writes report.md: the heading, environment, experiment,
 * warnings and methods sections; report_groups.c the Results section,
 * one part per group, and the warnings each group raises.
 */
#ifndef PB_REPORT_INT_H
#define PB_REPORT_INT_H

#include "analysis/analyze.h"
#include "lib/textbuf.h"
#include "report.h"
#include "results/meta_read.h"

/* The report being written. */
struct report {
	const char *dir;
	const struct pb_view *v;
	const struct pb_meta_doc *meta; /* NULL when meta.json is missing */
	struct pb_buf out, warn;
};

/* Appends s as text for a Markdown table cell: no newlines, pipes escaped. */
void pb_report_cell_text(struct pb_buf *b, const char *s);

/*
 * Appends the Results section to r->out, a part per group (table, fits,
 * charts found in r->dir/charts), and the groups' warnings to r->warn.
 * Out of memory shows as r->out.oom or r->warn.oom.
 */
void pb_report_groups(struct report *r);

#endif
