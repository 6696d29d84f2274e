/* Experiment loading: key paths, --set overrides, variables, defaults
 * written back, "did you mean". */
#include "testutil.h"

#include "sim/config.h"

static void test_paths(void **state)
{
	json_t *root = json_loads("{\"a\":{\"b\":[{\"c\":1},{\"c\":2}]}}", 0, NULL);
	assert_int_equal(json_integer_value(cs_json_get_path(root, "a.b[1].c")), 2);
	assert_null(cs_json_get_path(root, "a.b[2].c"));
	assert_null(cs_json_get_path(root, "a.x"));
	char why[128];
	assert_int_equal(cs_json_set_path(root, "a.b[0].c", json_integer(9), why, sizeof why), 0);
	assert_int_equal(json_integer_value(cs_json_get_path(root, "a.b[0].c")), 9);
	assert_int_equal(cs_json_set_path(root, "x.y.z", json_string("new"), why, sizeof why), 0);
	assert_string_equal(json_string_value(cs_json_get_path(root, "x.y.z")), "new");
	assert_int_equal(cs_json_set_path(root, "a.b[7]", json_integer(1), why, sizeof why), -1);
	assert_int_equal(cs_json_set_path(root, "a..b", json_integer(1), why, sizeof why), -1);
	json_decref(root);
}

static void test_set_and_vars(void **state)
{
	struct cs_error err = {0};
	json_t *root = json_loads("{\"vars\":{\"t\":0.1,\"sched\":{\"type\":\"monolithic\"}},"
				  "\"scheduler\":\"$sched\",\"x\":[\"$t\",\"$t\",\"plain\",\"$ not a var\"]}", 0, NULL);
	assert_int_equal(cs_experiment_set(root, "f.json", "vars.t=30", &err), 0);
	assert_int_equal(cs_experiment_set(root, "f.json", "name=hello world", &err), 0);
	assert_int_equal(cs_experiment_resolve_vars(root, "f.json", &err), 0);
	assert_true(json_number_value(cs_json_get_path(root, "x[1]")) == 30);
	assert_string_equal(json_string_value(cs_json_get_path(root, "x[2]")), "plain");
	assert_string_equal(json_string_value(cs_json_get_path(root, "x[3]")), "$ not a var");
	assert_string_equal(json_string_value(cs_json_get_path(root, "scheduler.type")), "monolithic");
	assert_string_equal(json_string_value(cs_json_get_path(root, "name")), "hello world");
	assert_int_equal(cs_experiment_set(root, "f.json", "noequals", &err), -1);
	assert_int_equal(err.code, CS_EXIT_INPUT);
	json_decref(root);
}

static void test_defaults_written_back(void **state)
{
	struct cs_error err = {0};
	struct cs_cfg cfg = {"f.json", ".", &err};
	json_t *o = json_object();
	double x;
	cs_time t;
	int e;
	static const char *const names[] = {"a", "b", NULL};
	assert_int_equal(cs_cfg_num(&cfg, o, "p", "n", 3, CS_CFG_INTEGER, &x), 1);
	assert_int_equal(cs_cfg_time(&cfg, o, "p", "t", 1.5, 0, &t), 1);
	assert_int_equal(cs_cfg_enum(&cfg, o, "p", "e", "b", names, &e), 1);
	assert_true(x == 3 && t == 1500000 && e == 1);
	assert_true(json_is_integer(json_object_get(o, "n")));
	assert_string_equal(json_string_value(json_object_get(o, "e")), "b");
	json_object_set_new(o, "bad", json_string("15 parsecs"));
	assert_int_equal(cs_cfg_time(&cfg, o, "p", "bad", 0, 0, &t), -1);
	assert_non_null(strstr(err.msg, "f.json: p.bad: expected seconds"));
	json_decref(o);
}

static void test_did_you_mean(void **state)
{
	static const char *const keys[] = {"duration", "workloads", "scheduler", "seed", NULL};
	assert_string_equal(cs_did_you_mean("duraton", keys), "duration");
	assert_string_equal(cs_did_you_mean("workload", keys), "workloads");
	assert_string_equal(cs_did_you_mean("sed", keys), "seed");
	assert_null(cs_did_you_mean("zzzzzzzzz", keys));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_set_and_vars),
		cmocka_unit_test(test_defaults_written_back),
		cmocka_unit_test(test_did_you_mean),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
