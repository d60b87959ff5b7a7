/*
 * gp_text.h — the one way text reaches a gnuplot script.
 *
 * A chart's script carries names that come from experiment files and
 * results folders (experiments, strategies, parameter values, metric
 * names, descriptions, the host), and both get shared: opening one must
 * never run code. gnuplot runs a newline-separated command stream and
 * `system '...'` runs a shell, so a name written raw — even after '#' —
 * can end a comment and start a command. Every text that goes into a .gp
 * (or .dat) file therefore goes through pb_gp_string, and nothing else
 * writes text there: fixed words of the templates and numbers aside.
 */
#ifndef PB_GP_TEXT_H
#define PB_GP_TEXT_H

#include "lib/textbuf.h"

/*
 * Appends s to b as a gnuplot single-quoted string literal: the quotes,
 * every ' doubled, every control character (bytes below 0x20 and 0x7f)
 * and every byte of invalid UTF-8 made a space. Inside single quotes
 * gnuplot expands neither backquotes, nor @macros, nor backslash escapes,
 * so the literal is inert wherever it is put, a comment included. Out of
 * memory shows as b->oom.
 */
void pb_gp_string(struct pb_buf *b, const char *s);

/* pb_gp_string of the text that fmt and its arguments make. */
__attribute__((format(printf, 2, 3))) void pb_gp_stringf(struct pb_buf *b,
							 const char *fmt, ...);

#endif
