//! Effects through one boxed closure type. `Effect::new` compiles its whole scheduling loop
//! once per closure it is given (about 1 KB of wasm each); boxing the closures first makes
//! every effect of the app share a single copy (part of the bundle budget, issues 11/13).

use leptos::prelude::Effect;

/// The closure type every app effect is compiled through.
type Body = Box<dyn FnMut(Option<()>)>;

/// Runs `f` once, then again whenever a signal it read changes (as `Effect::new`).
pub fn effect(mut f: impl FnMut() + 'static) {
    let body: Body = Box::new(move |_| f());
    Effect::new(body);
}
