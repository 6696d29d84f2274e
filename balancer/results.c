/* balancer/results — the balancer's results, written through sim/metrics:
 * the "balancer" object of summary.json and its columns of
 * timeseries.csv (connected, ghost_sessions, sessions_<server> per
 * server, imbalance_cv, imbalance_max_over_mean: the state at the row's
 * time; the imbalance columns are empty while no session is connected).
 * The imbalance figures are sampled every output.sample_interval, with
 * or without a file.
 *
 * Metrics (summary.json "balancer"): requests (info requests included),
 * sends, polls; send_404_rate = 404s the clients closed on / sends;
 * lost_session_rate = lost-session closes / polls; opens (session opens
 * the clients started); connect_success_per_open (opens that reached the
 * DDP connected state); reconnects_per_client_minute; ghost_sessions_peak;
 * sessions_per_server (connected clients' sessions, at the end); imbalance
 * {cv, max_over_mean} of connected sessions over up servers, the mean of
 * the per-sample values; moved_by_failure (sessions on a server when it
 * was killed); rehome_seconds {median, max} (from the kill to each moved
 * client's next connected state); broken_on_recovery (connected clients
 * closed by a request routed to a server within `recovery_window` (60 s)
 * after it restarted); tls_cpu_seconds per server: `tls_handshake_cpu`
 * seconds for every connection that reaches it (TLS terminated on the
 * instances, as behind an ELB TCP listener; the model has no keep-alive:
 * every xhr request is a connection, a websocket one).  Both views of the
 * sessions, time-averaged exactly over the run: server_sessions_mean (the
 * sessions the servers hold: the clients', stray ones and ones whose "o"
 * was never read) with server_sessions_peak, and client_sessions_mean
 * (the sessions the clients think they have open: from reading "o" to
 * the close). */
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "balancer/balancer_internal.h"
#include "sim/alloc.h"

/* The connected sessions now, and their imbalance over the up servers:
 * false (cv, mom unset) when none is connected. */
static bool imbalance(const struct cs_balancer *b, uint32_t *connected, double *cv, double *mom)
{
	double counts[256];
	uint32_t up = 0;
	*connected = 0;
	for (uint32_t s = 0; s < b->nservers; s++) {
		*connected += b->st[s].connected;
		if (b->st[s].alive && up < 256)
			counts[up++] = b->st[s].connected;
	}
	double mean = up > 0 ? gsl_stats_mean(counts, 1, up) : 0;
	if (!(mean > 0))
		return false;
	*cv = (up > 1 ? gsl_stats_sd_with_fixed_mean(counts, 1, up, mean) : 0) / mean;
	*mom = gsl_stats_max(counts, 1, up) / mean;
	return true;
}

static void sample_fire(void *ctx, cs_time now)
{
	struct cs_balancer *b = ctx;
	uint32_t connected;
	double cv, mom;
	if (imbalance(b, &connected, &cv, &mom)) {
		b->cv_sum += cv;
		b->mom_sum += mom;
		b->samples++;
	}
	/* (standalone, the rows are its own: the row limit was checked
	 * against the duration when the experiment was read) */
	if (!b->attached)
		(void)cs_series_row(&b->own_series, now);
	if (now + b->sample <= b->duration)
		cs_engine_after(b->e, b->sample, sample_fire, b);
}

void cs_bal_sampling_start(struct cs_balancer *b)
{
	cs_engine_after(b->e, 0, sample_fire, b);
}

static void series_columns(void *ctx, struct cs_series *s)
{
	struct cs_balancer *b = ctx;
	cs_series_column(s, "connected");
	cs_series_column(s, "ghost_sessions");
	for (uint32_t k = 0; k < b->nservers; k++) {
		char *col = cs_xasprintf("sessions_%s", b->st[k].name);
		cs_series_column(s, col); /* a server's name may hold a comma */
		free(col);
	}
	cs_series_column(s, "imbalance_cv");
	cs_series_column(s, "imbalance_max_over_mean");
}

static void series_row(void *ctx, struct cs_series *s, cs_time now)
{
	struct cs_balancer *b = ctx;
	uint32_t connected;
	double cv, mom;
	bool some = imbalance(b, &connected, &cv, &mom);
	cs_series_count(s, connected);
	cs_series_count(s, b->ghosts);
	for (uint32_t k = 0; k < b->nservers; k++)
		cs_series_count(s, b->st[k].alive ? b->st[k].connected : 0);
	if (some) {
		cs_series_real(s, cv);
		cs_series_real(s, mom);
	} else {
		cs_series_blank(s);
		cs_series_blank(s);
	}
}

void cs_bal_series_add(struct cs_balancer *b, struct cs_series *s)
{
	cs_series_add(s, &(struct cs_series_source){series_columns, series_row, b});
}


json_t *cs_bal_summary(struct cs_balancer *b)
{
	cs_time now = cs_engine_now(b->e);
	double client_minutes = b->client_seconds;
	for (uint32_t k = 0; k < b->nclients; k++)
		if (b->clients[k].state != C_GONE)
			client_minutes += cs_time_to_seconds(now - b->clients[k].arrived);
	client_minutes /= 60;
	json_t *per = json_object();
	for (uint32_t s = 0; s < b->nservers; s++)
		json_object_set_new(per, b->st[s].name, json_integer(b->st[s].alive ? b->st[s].connected : 0));
	json_t *rh = json_object();
	if (b->nrehome > 0) {
		gsl_sort(b->rehome, 1, b->nrehome);
		json_object_set_new(rh, "median", json_real(gsl_stats_median_from_sorted_data(b->rehome, 1, b->nrehome)));
		json_object_set_new(rh, "max", json_real(b->rehome[b->nrehome - 1]));
	} else {
		json_object_set_new(rh, "median", json_null());
		json_object_set_new(rh, "max", json_null());
	}
	json_t *imb = json_object();
	json_object_set_new(imb, "cv", b->samples ? json_real(b->cv_sum / (double)b->samples) : json_null());
	json_object_set_new(imb, "max_over_mean", b->samples ? json_real(b->mom_sum / (double)b->samples) : json_null());
	json_t *bal = json_object();
	json_object_set_new(bal, "requests", json_integer((json_int_t)b->requests));
	json_object_set_new(bal, "sends", json_integer((json_int_t)b->sends));
	json_object_set_new(bal, "polls", json_integer((json_int_t)b->polls));
	json_object_set_new(bal, "send_404_rate", b->sends ? json_real((double)b->send_404 / (double)b->sends) : json_null());
	json_object_set_new(bal, "lost_session_rate", b->polls ? json_real((double)b->lost / (double)b->polls) : json_null());
	json_object_set_new(bal, "opens", json_integer((json_int_t)b->opens));
	json_object_set_new(bal, "connect_success_per_open",
			    b->opens ? json_real((double)b->connected_ok / (double)b->opens) : json_null());
	json_object_set_new(bal, "reconnects_per_client_minute",
			    client_minutes > 0 ? json_real((double)b->reconnects / client_minutes) : json_null());
	json_object_set_new(bal, "ghost_sessions_peak", json_integer((json_int_t)b->ghosts_peak));
	/* both views of the sessions, time-averaged over the run */
	double run = cs_time_to_seconds(now);
	cs_bal_level_add(&b->held, 0, now);
	cs_bal_level_add(&b->believed, 0, now);
	json_object_set_new(bal, "server_sessions_mean", run > 0 ? json_real(b->held.area / run) : json_null());
	json_object_set_new(bal, "server_sessions_peak", json_integer((json_int_t)b->held.peak));
	json_object_set_new(bal, "client_sessions_mean", run > 0 ? json_real(b->believed.area / run) : json_null());
	json_object_set_new(bal, "sessions_per_server", per);
	json_object_set_new(bal, "imbalance", imb);
	json_object_set_new(bal, "moved_by_failure", json_integer((json_int_t)b->moved));
	json_object_set_new(bal, "rehome_seconds", rh);
	json_object_set_new(bal, "broken_on_recovery", json_integer((json_int_t)b->broken));
	json_t *tls = json_object();
	for (uint32_t s2 = 0; s2 < b->nservers; s2++)
		json_object_set_new(tls, b->st[s2].name, json_real(b->st[s2].tls_cpu));
	json_object_set_new(bal, "tls_cpu_seconds", tls);
	return bal;
}
