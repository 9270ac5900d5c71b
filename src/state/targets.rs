//! The "Scrape targets" page (`/service-discovery`): the pull-mode endpoints of `GET
//! /targets` grouped by job, optionally only the unhealthy ones, with every cell's text
//! ready for the table.

use cinder_profile::api::{ScrapeTarget, TargetHealth};

use super::clock::{parse_rfc3339, relative};

/// One row of a job's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// The URL scraped.
    pub url: String,
    /// `key=value` pairs of the stored labels, sorted by key.
    pub labels: Vec<String>,
    /// Health after the last scrape.
    pub health: TargetHealth,
    /// When the last scrape started, relative to now (`4s ago`, `never`).
    pub last_scrape: String,
    /// How long it took (`1.2s`), empty before the first scrape.
    pub duration: String,
    /// Why it failed; empty when it did not.
    pub error: String,
}

impl TargetRow {
    /// CSS class of the health badge.
    #[must_use]
    pub fn badge_class(&self) -> &'static str {
        match self.health {
            TargetHealth::Up => "badge up",
            TargetHealth::Down => "badge down",
            TargetHealth::Unknown => "badge unknown",
        }
    }
}

/// The endpoints of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobTargets {
    /// The job's name.
    pub job: String,
    /// How many of the job's endpoints are up, as `2/3 up`.
    pub summary: String,
    /// The rows shown.
    pub rows: Vec<TargetRow>,
}

/// Groups `targets` by job (in the order jobs first appear), keeping only unhealthy rows
/// (down or not scraped yet) when `unhealthy_only`; jobs left without rows are dropped.
#[must_use]
pub fn by_job(targets: &[ScrapeTarget], unhealthy_only: bool, now: i64) -> Vec<JobTargets> {
    let mut jobs: Vec<JobTargets> = Vec::new();
    let mut up: Vec<(usize, usize)> = Vec::new();
    for t in targets {
        let i = match jobs.iter().position(|j| j.job == t.job) {
            Some(i) => i,
            None => {
                jobs.push(JobTargets {
                    job: t.job.clone(),
                    summary: String::new(),
                    rows: Vec::new(),
                });
                up.push((0, 0));
                jobs.len() - 1
            }
        };
        if let Some(count) = up.get_mut(i) {
            count.0 += usize::from(t.health == TargetHealth::Up);
            count.1 += 1;
        }
        if unhealthy_only && t.health == TargetHealth::Up {
            continue;
        }
        if let Some(job) = jobs.get_mut(i) {
            job.rows.push(row(t, now));
        }
    }
    for (job, (n_up, n)) in jobs.iter_mut().zip(up) {
        job.summary = format!("{n_up}/{n} up");
    }
    jobs.retain(|j| !j.rows.is_empty());
    jobs
}

fn row(t: &ScrapeTarget, now: i64) -> TargetRow {
    let scraped = parse_rfc3339(&t.last_scrape).filter(|&s| s > 0);
    TargetRow {
        url: t.url.clone(),
        labels: t.labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        health: t.health,
        last_scrape: scraped.map_or_else(|| "never".to_string(), |s| ago(s, now)),
        duration: if scraped.is_some() {
            t.last_scrape_duration.clone()
        } else {
            String::new()
        },
        error: t.last_error.clone(),
    }
}

/// Seconds for the last minute (scrapes are seconds apart), then [`relative`].
fn ago(t: i64, now: i64) -> String {
    match now - t {
        d @ 0..60 => format!("{d}s ago"),
        _ => relative(t, now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(job: &str, url: &str, health: TargetHealth, last: &str) -> ScrapeTarget {
        ScrapeTarget {
            job: job.into(),
            url: url.into(),
            labels: [
                ("job".to_string(), job.to_string()),
                ("env".into(), "prod".into()),
            ]
            .into(),
            health,
            last_scrape: last.into(),
            last_error: if health == TargetHealth::Down {
                "server returned HTTP status 500 Internal Server Error".into()
            } else {
                String::new()
            },
            last_scrape_duration: "15ms".into(),
            ..ScrapeTarget::default()
        }
    }

    const NOW: i64 = 1_700_000_000;

    fn sample() -> Vec<ScrapeTarget> {
        vec![
            target(
                "api",
                "http://a:1/debug/pprof/heap",
                TargetHealth::Up,
                "2023-11-14T22:13:16Z",
            ),
            target(
                "db",
                "http://d:1/debug/pprof/heap",
                TargetHealth::Down,
                "2023-11-14T22:03:20Z",
            ),
            target(
                "api",
                "http://b:1/debug/pprof/heap",
                TargetHealth::Unknown,
                "0001-01-01T00:00:00Z",
            ),
        ]
    }

    #[test]
    fn rows_are_grouped_by_job_in_order_with_ready_texts() {
        let jobs = by_job(&sample(), false, NOW);
        let names: Vec<&str> = jobs.iter().map(|j| j.job.as_str()).collect();
        assert_eq!(names, ["api", "db"]);
        assert_eq!(jobs[0].summary, "1/2 up");
        let first = &jobs[0].rows[0];
        assert_eq!(first.labels, ["env=prod", "job=api"]);
        assert_eq!(
            (first.last_scrape.as_str(), first.duration.as_str()),
            ("4s ago", "15ms")
        );
        assert_eq!(first.badge_class(), "badge up");
        let never = &jobs[0].rows[1];
        assert_eq!(
            (never.last_scrape.as_str(), never.duration.as_str()),
            ("never", "")
        );
        assert_eq!(never.badge_class(), "badge unknown");
        let db = &jobs[1].rows[0];
        assert_eq!(db.last_scrape, "10 minutes ago");
        assert!(db.error.contains("500"));
    }

    #[test]
    fn unhealthy_only_keeps_down_and_unscraped_rows_and_drops_empty_jobs() {
        let all_up = vec![target(
            "ok",
            "http://o:1/x",
            TargetHealth::Up,
            "2023-11-14T22:13:16Z",
        )];
        assert!(by_job(&all_up, true, NOW).is_empty());
        let jobs = by_job(&sample(), true, NOW);
        let urls: Vec<&str> = jobs
            .iter()
            .flat_map(|j| &j.rows)
            .map(|r| r.url.as_str())
            .collect();
        assert_eq!(
            urls,
            ["http://b:1/debug/pprof/heap", "http://d:1/debug/pprof/heap"]
        );
        assert_eq!(
            jobs[0].summary, "1/2 up",
            "the summary counts every endpoint"
        );
    }
}
