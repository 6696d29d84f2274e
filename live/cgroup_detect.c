/* live/cgroup_detect — see cgroup_detect.h. */
#include "live/cgroup_detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ctl_v2[CS_CG_NCTL] = {"cpu", "memory", "pids"};

const char *cs_cg_kind_name(enum cs_cg_kind k)
{
	return k == CS_CG_V2 ? "cgroup-v2" : k == CS_CG_V1 ? "cgroup-v1" : "rlimit";
}

/* whether the comma-separated list has word */
static bool has_word(const char *list, const char *word, char sep)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static void read_v2_controllers(struct cs_cg_detect *d, const char *root)
{
	char path[600], line[1024];
	snprintf(path, sizeof path, "%s%s/cgroup.controllers", root ? root : "", d->v2_mount);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		for (int c = 0; c < CS_CG_NCTL; c++)
			d->v2[c] = has_word(line, ctl_v2[c], ' ');
	}
	fclose(f);
}

int cs_cg_detect(struct cs_cg_detect *d, const char *mountinfo, const char *root)
{
	memset(d, 0, sizeof *d);
	d->kind = CS_CG_RLIMIT;
	FILE *f = fopen(mountinfo, "r");
	if (!f)
		return -1;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS */
		char mnt[256] = "", fstype[64] = "", super[1024] = "";
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, super) < 1)
			continue;
		if (strcmp(fstype, "cgroup2") == 0 && !d->v2_mount[0]) {
			snprintf(d->v2_mount, sizeof d->v2_mount, "%s", mnt);
		} else if (strcmp(fstype, "cgroup") == 0) {
			static const char *const ctl_v1[CS_CG_NCTL] = {"cpu", "memory", "pids"};
			for (int c = 0; c < CS_CG_NCTL; c++)
				if (has_word(super, ctl_v1[c], ',') && !d->v1_mount[c][0])
					snprintf(d->v1_mount[c], sizeof d->v1_mount[c], "%s", mnt);
		}
	}
	fclose(f);
	if (d->v2_mount[0])
		read_v2_controllers(d, root);
	bool v2_all = d->v2[CS_CG_CPU] && d->v2[CS_CG_MEM] && d->v2[CS_CG_PIDS];
	bool v1_any = d->v1_mount[CS_CG_CPU][0] || d->v1_mount[CS_CG_MEM][0] || d->v1_mount[CS_CG_PIDS][0];
	bool v2_any = d->v2[CS_CG_CPU] || d->v2[CS_CG_MEM] || d->v2[CS_CG_PIDS];
	if (v2_all || (v2_any && !v1_any))
		d->kind = CS_CG_V2;
	else if (v1_any)
		d->kind = CS_CG_V1;
	return 0;
}

bool cs_cg_limits(const struct cs_cg_detect *d, int c)
{
	switch (d->kind) {
	case CS_CG_V2:
		return d->v2[c];
	case CS_CG_V1:
		return d->v1_mount[c][0] != '\0';
	default:
		return true; /* setrlimit has a limit for each */
	}
}
