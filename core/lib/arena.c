/*
 * arena.c — region allocator. Blocks are chained; a request larger than the
 * usual block gets a block of its own, so any size works.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 16384

struct pb_arena_block {
	struct pb_arena_block *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

static size_t round_up(size_t n)
{
	size_t a = alignof(max_align_t);
	return (n + a - 1) / a * a;
}

void *pb_arena_alloc(struct pb_arena *a, size_t size)
{
	struct pb_arena_block *b = a->head;

	size = round_up(size ? size : 1);
	if (!b || b->cap - b->used < size) {
		size_t cap = size > BLOCK_SIZE ? size : BLOCK_SIZE;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *pb_arena_strndup(struct pb_arena *a, const char *s, size_t n)
{
	char *p = pb_arena_alloc(a, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *pb_arena_strdup(struct pb_arena *a, const char *s)
{
	return pb_arena_strndup(a, s, strlen(s));
}

void pb_arena_free(struct pb_arena *a)
{
	struct pb_arena_block *b = a->head;
	while (b) {
		struct pb_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}
