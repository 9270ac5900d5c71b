//! "Scrape targets" (`/service-discovery`, the original's path): a table per pull-mode
//! job with each endpoint's URL, labels, health, last scrape, duration and error; "show
//! unhealthy only" and a refresh button. The rows come from `state::targets`.

use cinder_profile::api::ScrapeTarget;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::state::targets::{by_job, JobTargets, TargetRow};

/// The list as last loaded (`None` while loading).
type Loaded = RwSignal<Option<Result<Vec<ScrapeTarget>, String>>>;

/// (Re)loads the list; a page left meanwhile ignores the answer.
fn load(list: Loaded) {
    spawn_local(async move {
        let _ = list.try_set(Some(api::http::targets().await.map_err(|e| e.to_string())));
    });
}

/// The page.
#[component]
pub fn ServiceDiscoveryPage() -> impl IntoView {
    let list: Loaded = RwSignal::new(None);
    let unhealthy_only = RwSignal::new(false);
    load(list);
    let body = move || match list.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-text" role="alert">{e}</p> }.into_any(),
        Some(Ok(targets)) if targets.is_empty() => view! {
            <p class="muted" id="no-targets">
                "No scrape targets. Pull mode is configured with scrape-configs in the config file."
            </p>
        }
        .into_any(),
        Some(Ok(targets)) => {
            let jobs = by_job(&targets, unhealthy_only.get(), api::browser::now_secs());
            if jobs.is_empty() {
                view! { <p class="muted" id="all-healthy">"Every target is up."</p> }.into_any()
            } else {
                jobs.into_iter()
                    .map(|job| view! { <JobTable job=job/> })
                    .collect_view()
                    .into_any()
            }
        }
    };
    view! {
        <section class="page targets-page">
            <h1>"Scrape targets"</h1>
            <div class="toolbar">
                <label>
                    <input type="checkbox" id="unhealthy-only"
                        prop:checked=move || unhealthy_only.get()
                        on:change=move |ev| unhealthy_only.set(event_target_checked(&ev)) />
                    " Show unhealthy only"
                </label>
                <button class="btn" id="refresh-targets" on:click=move |_| load(list)>"Refresh"</button>
            </div>
            {body}
        </section>
    }
}

#[component]
fn JobTable(job: JobTargets) -> impl IntoView {
    view! {
        <h2 class="job-name">{job.job}" "<span class="muted">{job.summary}</span></h2>
        <table class="settings-table targets-table">
            <thead><tr>
                <th>"Endpoint"</th><th>"State"</th><th>"Labels"</th>
                <th>"Last scrape"</th><th>"Duration"</th><th>"Error"</th>
            </tr></thead>
            <tbody>{job.rows.into_iter().map(|r| view! { <Row row=r/> }).collect_view()}</tbody>
        </table>
    }
}

#[component]
fn Row(row: TargetRow) -> impl IntoView {
    let badge = row.badge_class();
    let health = row.health.as_str();
    view! {
        <tr>
            <td class="mono">{row.url}</td>
            <td><span class=badge>{health}</span></td>
            <td>{row.labels.into_iter().map(|l| view! { <span class="label-chip">{l}</span> }).collect_view()}</td>
            <td>{row.last_scrape}</td>
            <td>{row.duration}</td>
            <td class="error-text">{row.error}</td>
        </tr>
    }
}
