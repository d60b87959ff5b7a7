/*
 * report_md.c — Markdown text for the report (see report_md.h).
 */
#include "report_md.h"

void pb_report_cell_text(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			pb_buf_printf(b, "\\|");
		else
			pb_buf_printf(b, "%c",
				      *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}
