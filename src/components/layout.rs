//! The frame around every page: header with navigation and theme toggle, the server error
//! banner, and the footer with the server's version.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::app::{ServerCtx, SessionCtx, ThemeCtx};
use crate::state::nav;
use crate::state::session::is_bare_page;

/// Header, banners, the page (`children`) and footer. The sign-in and sign-up pages get
/// no navigation: signed out, its links would only lead back to them.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let path = use_location().pathname;
    let bare = move || is_bare_page(&path.get());
    let nav = move || {
        let settings = session.with(super::super::state::session::SessionState::shows_settings);
        nav::visible(settings)
            .map(|item| view! { <A href=item.path>{item.label}</A> })
            .collect_view()
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Cinder"</a>
            {move || (!bare()).then(|| view! {
                <nav class="mainnav" aria-label="Main">{nav}</nav>
                <UserMenu/>
            })}
            <ThemeToggle/>
        </header>
        <ErrorBanner/>
        {move || (!bare()).then(|| view! { <DefaultPasswordBanner/> })}
        <main id="main">{children()}</main>
        <Footer/>
    }
}

/// The signed-in user's name and the way out (a full page load: the server clears the
/// cookie and answers with the sign-in page).
#[component]
fn UserMenu() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    move || {
        session.with(|s| s.user().map(|u| u.name.clone())).map(|name| {
            view! {
                <span class="user-menu">
                    <span id="signed-in-user" class="muted">{name}</span>
                    <a id="sign-out" class="btn ghost" href="/logout" rel="external">"Sign out"</a>
                </span>
            }
        })
    }
}

/// While the initial admin still has the initial password, every page says so.
#[component]
fn DefaultPasswordBanner() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    move || {
        session
            .with(super::super::state::session::SessionState::default_password)
            .then(|| {
                view! {
                    <div id="default-password-banner" class="banner warning" role="status">
                        "You are signed in with the initial admin password. "
                        <A href="/settings/security">"Change it now"</A>
                    </div>
                }
            })
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
        server
            .with(super::super::state::server::ServerStatus::banner)
            .map(|msg| {
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
            <span id="server-version">{move || server.with(super::super::state::server::ServerStatus::footer_label)}</span>
        </footer>
    }
}
