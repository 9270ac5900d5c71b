//! The frame around every page: header with navigation and theme toggle, the server error
//! banner, and the footer with the server's version.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::{ServerCtx, ThemeCtx};
use crate::state::nav::NAV;

/// Header, banner, the page (`children`) and footer.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Cinder"</a>
            <nav class="mainnav" aria-label="Main">
                {NAV.iter().map(|item| view! { <A href=item.path>{item.label}</A> }).collect_view()}
            </nav>
            <ThemeToggle/>
        </header>
        <ErrorBanner/>
        <main id="main">{children()}</main>
        <Footer/>
    }
}

/// Cycles the theme preference: system → light → dark.
#[component]
fn ThemeToggle() -> impl IntoView {
    let ThemeCtx(theme) = expect_context();
    view! {
        <button
            id="theme-toggle"
            class="btn ghost"
            title="Switch colour theme"
            on:click=move |_| theme.update(|t| *t = t.next())
        >
            {move || theme.get().label()}
        </button>
    }
}

/// A banner shown while the server cannot be reached.
#[component]
fn ErrorBanner() -> impl IntoView {
    let ServerCtx(server) = expect_context();
    move || {
        server.with(|s| s.banner()).map(|msg| {
            view! { <div id="server-error" class="banner error" role="alert">{msg}</div> }
        })
    }
}

/// The footer: product name and server version.
#[component]
fn Footer() -> impl IntoView {
    let ServerCtx(server) = expect_context();
    view! {
        <footer class="footer">
            <span id="server-version">{move || server.with(|s| s.footer_label())}</span>
        </footer>
    }
}
