//! The function table: name, self and total with inline bars, sortable by any column, and
//! virtualised (only the rows in view exist in the DOM), so profiles with tens of
//! thousands of functions scroll smoothly. Clicking a row selects that function.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::state::table::{percent, visible_rows, TableModel, ROW_HEIGHT_PX};
use crate::state::view::{SortColumn, TableSort};

/// The sortable, virtualised function table.
#[component]
pub fn FunctionTable(
    /// Rows of the current profile.
    model: Signal<Option<Arc<TableModel>>>,
    /// Sort order.
    sort: Signal<TableSort>,
    /// Search term filtering rows.
    search: Signal<String>,
    /// The selected function.
    selected: Signal<Option<String>>,
    /// Header clicks.
    on_sort: Callback<SortColumn>,
    /// Row clicks: the function, or `None` when the selected row is clicked again.
    on_select: Callback<Option<String>>,
    /// Formats a tick count with the profile's units.
    format_value: Callback<u64, String>,
) -> impl IntoView {
    let body = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let order = Memo::new(move |_| {
        model.with(|m| {
            m.as_ref()
                .map(|m| m.view(sort.get(), &search.get()))
                .unwrap_or_default()
        })
    });
    crate::effect::effect(move || {
        if let Some(el) = body.get() {
            viewport.set(f64::from(el.client_height().max(100)));
        }
    });
    let header = move |column: SortColumn, label: &'static str| {
        let arrow = move || {
            let s = sort.get();
            if s.column != column {
                ""
            } else if s.descending {
                " ▼"
            } else {
                " ▲"
            }
        };
        view! { <div class="th" data-sort=label on:click=move |_| on_sort.run(column)>{label}{arrow}</div> }
    };
    let rows = move || {
        let Some(m) = model.get() else {
            return Vec::new();
        };
        let order = order.get();
        let range = visible_rows(scroll_top.get(), viewport.get(), order.len());
        let total = m.total();
        let max_self = m.max_self();
        let sel = selected.get();
        range
            .filter_map(|pos| {
                let row = m.row(*order.get(pos)?)?.clone();
                let top = pos as f64 * ROW_HEIGHT_PX;
                let self_w = row.ticks.self_ticks.ratio_of(max_self) * 100.0;
                let total_w = row.ticks.total.ratio_of(total) * 100.0;
                let is_sel = sel.as_deref() == Some(row.name.as_str());
                let name = row.name.clone();
                let click_name = row.name.clone();
                let title = row.name.clone();
                Some(view! {
                    <div class="tr" class:selected=is_sel style=format!("top:{top}px") title=title
                        on:click=move |_| on_select.run((!is_sel).then(|| click_name.clone()))>
                        <div class="td name">{name}</div>
                        <div class="td num" style=format!("--bar:{self_w:.1}%")>
                            {format_value.run(row.ticks.self_ticks.0)} <span class="pct">{percent(row.ticks.self_ticks, total)}</span>
                        </div>
                        <div class="td num" style=format!("--bar:{total_w:.1}%")>
                            {format_value.run(row.ticks.total.0)} <span class="pct">{percent(row.ticks.total, total)}</span>
                        </div>
                    </div>
                })
            })
            .collect_view()
    };
    view! {
        <div class="fn-table" id="fn-table">
            <div class="thead">
                {header(SortColumn::Name, "Location")}
                {header(SortColumn::SelfTicks, "Self")}
                {header(SortColumn::Total, "Total")}
            </div>
            <div class="tbody" node_ref=body on:scroll=move |_| {
                if let Some(el) = body.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                    viewport.set(f64::from(el.client_height().max(100)));
                }
            }>
                <div class="spacer" style=move || format!("height:{}px", order.with(Vec::len) as f64 * ROW_HEIGHT_PX)>
                    {rows}
                </div>
            </div>
            <div class="tfoot muted">{move || format!("{} functions", order.with(Vec::len))}</div>
        </div>
    }
}
