/*
 * report_state.h — the report being written: types only.
 *
 * The report is split by section, each file with a header of its own that
 * declares what it provides: report.c writes report.md (the heading,
 * environment, experiment, warnings and methods sections) and calls
 * report_groups.c for the Results section, one part per group, and
 * report_machine.c for the machine during the run, report_sanity.c for
 * the sanity warnings; all write
 * Markdown text through report_md. Nothing calls back into report.c. The
 * public interface is report.h.
 */
#ifndef PB_REPORT_STATE_H
#define PB_REPORT_STATE_H

#include "analysis/analyze.h"
#include "analysis/failures.h"
#include "lib/textbuf.h"
#include "results/meta_read.h"

/* The report being written. */
struct report {
	const char *dir;
	const struct pb_view *v;
	const struct pb_meta_doc *meta;	 /* NULL when meta.json is missing */
	const struct pb_failures *fails; /* the cells with rows not ok */
	struct pb_buf out, warn;
};

#endif
