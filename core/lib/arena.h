/*
 * arena.h — a region allocator: many small allocations, one owner, one free.
 *
 * An experiment's strings, lists and value tables all live in its arena, so
 * freeing the experiment is one call and nothing can leak piecemeal.
 */
#ifndef PB_ARENA_H
#define PB_ARENA_H

#include <stddef.h>

struct pb_arena_block;

struct pb_arena {
	struct pb_arena_block *head;
};

/* Returns zeroed memory owned by the arena, or NULL when out of memory. */
void *pb_arena_alloc(struct pb_arena *a, size_t size);

/* Copies a string into the arena; NULL when out of memory. */
char *pb_arena_strdup(struct pb_arena *a, const char *s);

/* Copies n bytes of s and terminates them; NULL when out of memory. */
char *pb_arena_strndup(struct pb_arena *a, const char *s, size_t n);

/* Frees everything the arena handed out; the arena is empty and reusable. */
void pb_arena_free(struct pb_arena *a);

#endif
