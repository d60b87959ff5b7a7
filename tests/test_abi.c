/*
 * test_abi.c — reading plugin structs by the copy_struct_from_user rule,
 * and plugins of other layouts that must load and run: version 1 (built
 * against a frozen copy of the old header) and a larger, later layout
 * whose unknown bytes are zero. Also: a strategy's out-of-range status.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "pbtest.h"
#include "plugin/abi.h"

Test(abi, copy_struct_zero_fills_a_smaller_struct)
{
	unsigned char src[4] = {1, 2, 3, 4}, dst[8];
	size_t bad = 99;

	memset(dst, 0xee, sizeof(dst));
	cr_assert_eq(pb_copy_struct(dst, sizeof(dst), src, sizeof(src), &bad),
		     PB_OK);
	cr_assert_arr_eq(dst, ((unsigned char[]){1, 2, 3, 4, 0, 0, 0, 0}), 8);
	cr_assert_eq(bad, 99, "bad is only set on a refusal");
}

Test(abi, copy_struct_accepts_a_larger_struct_with_a_zero_tail)
{
	unsigned char src[8] = {1, 2, 3, 4, 0, 0, 0, 0}, dst[4];
	size_t bad = 99;

	cr_assert_eq(pb_copy_struct(dst, sizeof(dst), src, sizeof(src), &bad),
		     PB_OK);
	cr_assert_arr_eq(dst, src, 4);
}

Test(abi, copy_struct_refuses_a_larger_struct_naming_the_first_set_byte)
{
	unsigned char src[8] = {1, 2, 3, 4, 0, 0, 9, 9}, dst[4];
	size_t bad = 0;

	cr_assert_eq(pb_copy_struct(dst, sizeof(dst), src, sizeof(src), &bad),
		     PB_ERROR);
	cr_assert_eq(bad, 6);
}

/* A version 1 descriptor is read into the host's layout. */
Test(abi, a_version_1_workload_loads_translated)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "v1_sum");

	cr_assert_eq(p->abi_version, 1);
	cr_assert_eq(p->struct_size, sizeof(struct pb_plugin));
	cr_assert_eq(p->workload->size, sizeof(struct pb_workload_hooks));
	cr_assert_not_null(p->workload->run_task);
	cr_assert_null(p->workload->verify);
	cr_assert_str_eq(p->params[1].name, "offset");
	cr_assert(isinf(p->params[1].min) && p->params[1].min < 0,
		  "version 1's 0..0 is unbounded");
	cr_assert(isinf(p->params[1].max) && p->params[1].max > 0);
	cr_assert_eq(p->params[0].max, 1e6, "a real bound stays");
	cr_assert_str_eq(p->metrics[0].name, "sum");
	cr_assert_eq(p->metrics[0].flags, 0);
}

/* Version 1 workload and strategy run together, and each with version 2
 * counterparts: 5 tasks write 1..5, the sum is 15, plus the offset. */
Test(abi, version_1_plugins_run_beside_version_2_ones)
{
	struct pb_measure m;

	pbt_run_ok("v1_sum", "tasks=5; offset=-1000", "v1_serial", "", 1, &m);
	cr_assert_eq(pbt_metric("v1_sum", &m, "sum"), -985);
	pbt_run_ok("v1_sum", "tasks=5; offset=7", "serial", "", 1, &m);
	cr_assert_eq(pbt_metric("v1_sum", &m, "sum"), 22);
	pbt_run_ok("v1_sum", "tasks=5", "pthreads", "", 3, &m);
	cr_assert_eq(pbt_metric("v1_sum", &m, "sum"), 15);
	pbt_run_ok("primes", "limit=100; tasks=3", "v1_serial", "", 1, &m);
	cr_assert_eq(pbt_metric("primes", &m, "count"), 25);
}

/* A later layout, larger everywhere but with zeros where this host knows
 * nothing, loads; its parameters come through pb_arg at the host's stride. */
Test(abi, a_larger_layout_with_zero_tails_loads_and_runs)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "future_sum");
	struct pb_measure m;

	cr_assert_eq(p->abi_version, PB_ABI_VERSION + 1);
	cr_assert_eq(p->param_size, sizeof(struct pb_param));
	cr_assert_str_eq(p->params[1].name, "scale");
	pbt_run_ok("future_sum", "tasks=4; scale=3", "v1_serial", "", 1, &m);
	cr_assert_eq(pbt_metric("future_sum", &m, "sum"), 30);
	pbt_run_ok("future_sum", "tasks=4; scale=2", "fork", "", 2, &m);
	cr_assert_eq(pbt_metric("future_sum", &m, "sum"), 20);
}

/* Issue 13.18: status 42 is recorded as failed, naming the strategy. */
Test(abi, an_out_of_range_status_is_recorded_as_failed)
{
	struct pb_measure m;

	pbt_run("v1_sum", "tasks=2", "status42", "", 1, &m);
	cr_assert_eq(m.status, PB_STATUS_FAILED);
	cr_assert(strstr(m.message, "strategy 'status42'"), "%s", m.message);
	cr_assert(strstr(m.message, "status 42"), "%s", m.message);
	cr_assert(strstr(m.message, "gave up on purpose"), "%s", m.message);
}

/* Enum parameters arrive as their index too. */
Test(abi, an_enum_value_carries_its_index)
{
	struct pb_arena arena = {0};
	const struct pb_plugin *p = pbt_plugin(PB_KIND_STRATEGY, "pthreads");
	struct pb_args a = pbt_args(p, "schedule=static", &arena);

	cr_assert_str_eq(pb_arg(&a, "schedule")->u.s, "static");
	cr_assert_eq(pb_arg(&a, "schedule")->index, 0);
	a = pbt_args(p, "schedule=dynamic", &arena);
	cr_assert_eq(pb_arg(&a, "schedule")->index, 1);
	cr_assert_eq(a.size, sizeof(struct pb_args));
	cr_assert_eq(a.param_size, sizeof(struct pb_param));
	pb_arena_free(&arena);
}

/* A smaller hook table (version 2's, before `check`) is read with zeros
 * for what it lacks, and runs. */
Test(abi, a_smaller_hook_table_loads_with_a_zero_tail)
{
	const struct pb_plugin *p = pbt_plugin(PB_KIND_WORKLOAD, "v2_sum");
	struct pb_measure m;

	cr_assert_eq(p->workload->size, sizeof(struct pb_workload_hooks));
	cr_assert_lt(PB_WORKLOAD_HOOKS_SIZE_VER2,
		     sizeof(struct pb_workload_hooks));
	cr_assert_null(p->workload->check);
	cr_assert_not_null(p->workload->teardown);
	pbt_run_ok("v2_sum", "tasks=6", "pthreads", "", 2, &m);
	cr_assert_eq(pbt_metric("v2_sum", &m, "sum"), 21);
}
