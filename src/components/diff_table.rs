//! The diff table: per function, baseline and comparison self/total shares and the change
//! in the graph's colour; sortable by any column, filtered by the search, virtualised, and
//! synced with the graph (a clicked row highlights the function's bars).

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::flamegraph::diff::DiffStyle;
use crate::flamegraph::palette::Rgb;
use crate::state::diff_table::{percent_text, DiffColumn, DiffSort, DiffTableModel};
use crate::state::table::{visible_rows, ROW_HEIGHT_PX};

/// The sortable, virtualised diff table.
#[component]
pub fn DiffTable(
    /// Rows of the current diff.
    model: Signal<Option<Arc<DiffTableModel>>>,
    /// Colouring (the change column follows its mode and palette).
    style: Signal<DiffStyle>,
    /// Sort order.
    sort: Signal<DiffSort>,
    /// Search term filtering rows.
    search: Signal<String>,
    /// The selected function.
    selected: Signal<Option<String>>,
    /// Header clicks.
    on_sort: Callback<DiffColumn>,
    /// Row clicks: the function, or `None` when the selected row is clicked again.
    on_select: Callback<Option<String>>,
) -> impl IntoView {
    let body = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let order = Memo::new(move |_| {
        model.with(|m| {
            m.as_ref()
                .map(|m| m.view(sort.get(), &search.get(), &style.get()))
                .unwrap_or_default()
        })
    });
    crate::effect::effect(move || {
        if let Some(el) = body.get() {
            viewport.set(f64::from(el.client_height().max(100)));
        }
    });
    let header = move |column: DiffColumn| {
        let arrow = move || {
            let s = sort.get();
            match (s.column == column, s.descending) {
                (false, _) => "",
                (true, true) => " ▼",
                (true, false) => " ▲",
            }
        };
        view! { <div class="th" data-sort=column.as_str() on:click=move |_| on_sort.run(column)>{column.label()}{arrow}</div> }
    };
    let rows = move || {
        let Some(m) = model.get() else {
            return Vec::new();
        };
        let order = order.get();
        let st = style.get();
        let range = visible_rows(scroll_top.get(), viewport.get(), order.len());
        let sel = selected.get();
        range
            .filter_map(|pos| {
                let row = m.row(*order.get(pos)?, &st)?;
                let top = pos as f64 * ROW_HEIGHT_PX;
                let is_sel = sel.as_deref() == Some(row.name.as_str());
                let click_name = row.name.clone();
                let Rgb(r, g, b) = row.color;
                let (title, data) = (row.name.clone(), row.name.clone());
                Some(view! {
                    <div class="tr" class:selected=is_sel style=format!("top:{top}px") title=title data-name=data
                        on:click=move |_| on_select.run((!is_sel).then(|| click_name.clone()))>
                        <div class="td name">{row.name}</div>
                        <div class="td num">{percent_text(row.left.0)}</div>
                        <div class="td num">{percent_text(row.left.1)}</div>
                        <div class="td num">{percent_text(row.right.0)}</div>
                        <div class="td num">{percent_text(row.right.1)}</div>
                        <div class="td num change" style=format!("color:rgb({r},{g},{b})")>{row.change.text()}</div>
                    </div>
                })
            })
            .collect_view()
    };
    view! {
        <div class="fn-table diff-table" id="diff-table">
            <div class="thead">{DiffColumn::ALL.into_iter().map(header).collect_view()}</div>
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
