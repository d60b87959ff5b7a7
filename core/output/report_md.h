/*
 * report_md.h — Markdown text for the report: what report.c and
 * report_groups.c both write (report_md.c).
 */
#ifndef PB_REPORT_MD_H
#define PB_REPORT_MD_H

#include "lib/textbuf.h"

/* Appends s as text for a Markdown table cell: no newlines, pipes escaped. */
void pb_report_cell_text(struct pb_buf *b, const char *s);

#endif
