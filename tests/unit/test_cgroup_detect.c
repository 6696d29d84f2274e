/* tests/unit/test_cgroup_detect — the live agent's limit mechanism found
 * from made-up hosts' mountinfo (live/cgroup_detect.c): this machine
 * kind's hybrid layout (a cgroup2 mount without controllers beside v1
 * cpu, memory and pids) gives v1; a v2 mount offering all three gives v2;
 * no cgroups, rlimit; a v1 host without pids says so per controller. */
#include "testutil.h"

#include "live/cgroup_detect.h"

static char *mountinfo(const char *name, const char *text)
{
	return tu_file(name, text);
}

static const char hybrid[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void test_hybrid_is_v1(void **state)
{
	(void)state;
	char *mi = mountinfo("hybrid", hybrid);
	struct cs_cg_detect d;
	/* the v2 mount's cgroup.controllers (under the test's root) is empty */
	char dir[600];
	snprintf(dir, sizeof dir, "%s/sys/fs/cgroup/unified", tu_dir());
	assert_int_equal(tu_sh("mkdir -p %s && : > %s/cgroup.controllers", dir, dir), 0);
	assert_int_equal(cs_cg_detect(&d, mi, tu_dir()), 0);
	assert_int_equal(d.kind, CS_CG_V1);
	assert_string_equal(d.v2_mount, "/sys/fs/cgroup/unified");
	assert_string_equal(d.v1_mount[CS_CG_CPU], "/sys/fs/cgroup/cpu");
	assert_string_equal(d.v1_mount[CS_CG_MEM], "/sys/fs/cgroup/memory");
	assert_string_equal(d.v1_mount[CS_CG_PIDS], "/sys/fs/cgroup/pids");
	assert_true(cs_cg_limits(&d, CS_CG_PIDS));
	free(mi);
}

static void test_v2_with_controllers(void **state)
{
	(void)state;
	char *mi = mountinfo("v2", "30 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
	char dir[600];
	snprintf(dir, sizeof dir, "%s/v2root/sys/fs/cgroup", tu_dir());
	assert_int_equal(tu_sh("mkdir -p %s && echo 'cpuset cpu io memory hugetlb pids rdma' > %s/cgroup.controllers", dir,
			       dir),
			 0);
	char root[600];
	snprintf(root, sizeof root, "%s/v2root", tu_dir());
	struct cs_cg_detect d;
	assert_int_equal(cs_cg_detect(&d, mi, root), 0);
	assert_int_equal(d.kind, CS_CG_V2);
	assert_string_equal(cs_cg_kind_name(d.kind), "cgroup-v2");
	assert_true(d.v2[CS_CG_CPU] && d.v2[CS_CG_MEM] && d.v2[CS_CG_PIDS]);
	/* "cpuset" is not "cpu": only whole words count */
	assert_int_equal(tu_sh("echo 'cpuset memory' > %s/cgroup.controllers", dir), 0);
	assert_int_equal(cs_cg_detect(&d, mi, root), 0);
	assert_false(d.v2[CS_CG_CPU]);
	assert_true(d.v2[CS_CG_MEM]);
	assert_int_equal(d.kind, CS_CG_V2); /* some v2 controllers, no v1 */
	assert_false(cs_cg_limits(&d, CS_CG_CPU));
	free(mi);
}

static void test_none_and_partial(void **state)
{
	(void)state;
	char *none = mountinfo("none", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
	struct cs_cg_detect d;
	assert_int_equal(cs_cg_detect(&d, none, NULL), 0);
	assert_int_equal(d.kind, CS_CG_RLIMIT);
	assert_string_equal(cs_cg_kind_name(d.kind), "rlimit");
	char *partial = mountinfo("partial", "32 31 0:29 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
					     "35 31 0:32 / /cg/memory rw - cgroup cgroup rw,memory\n");
	assert_int_equal(cs_cg_detect(&d, partial, NULL), 0);
	assert_int_equal(d.kind, CS_CG_V1);
	assert_string_equal(d.v1_mount[CS_CG_CPU], "/cg/cpu,cpuacct");
	assert_false(cs_cg_limits(&d, CS_CG_PIDS));
	/* an unreadable mountinfo: rlimit, and -1 */
	assert_int_equal(cs_cg_detect(&d, "/nonexistent/mountinfo", NULL), -1);
	assert_int_equal(d.kind, CS_CG_RLIMIT);
	/* this host, whatever it has: one of the three */
	assert_int_equal(cs_cg_detect(&d, "/proc/self/mountinfo", NULL), 0);
	print_message("this host: %s\n", cs_cg_kind_name(d.kind));
	free(none);
	free(partial);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hybrid_is_v1),
		cmocka_unit_test(test_v2_with_controllers),
		cmocka_unit_test(test_none_and_partial),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
