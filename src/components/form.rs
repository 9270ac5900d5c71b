//! Messages of plain forms: each next to the field it is about (the rules live in
//! `state::forms`), server refusals placed by the field they name, else above the form.

use leptos::either::Either;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::forms::{field_of_server_error, FieldError};

/// A refusal in words: the server's reason, or what the status means.
#[must_use]
pub fn server_message(e: &ApiError) -> String {
    match e {
        ApiError::Status(403, _) => "Your role does not allow this.".to_string(),
        ApiError::Status(_, m) if !m.is_empty() => m.clone(),
        other => other.to_string(),
    }
}

/// The messages a form shows now.
#[derive(Debug, Clone, Copy)]
pub struct FieldErrors(RwSignal<Vec<FieldError>>);

impl FieldErrors {
    /// No messages.
    #[must_use]
    pub fn new() -> Self {
        FieldErrors(RwSignal::new(Vec::new()))
    }

    /// Shows the problems of a checked form and returns its value when there are none.
    pub fn check<T>(self, checked: Result<T, Vec<FieldError>>) -> Option<T> {
        match checked {
            Ok(v) => {
                self.0.set(Vec::new());
                Some(v)
            }
            Err(errs) => {
                self.0.set(errs);
                None
            }
        }
    }

    /// Shows a server refusal next to the field it names (or above the form).
    pub fn server(self, e: &ApiError) {
        let message = server_message(e);
        let field = field_of_server_error(&message);
        let _ = self.0.try_set(vec![FieldError { field, message }]);
    }

    /// Shows a server refusal next to `field` (`""`: above the form).
    pub fn server_at(self, e: &ApiError, field: &'static str) {
        let message = server_message(e);
        let _ = self.0.try_set(vec![FieldError { field, message }]);
    }

    /// Removes every message.
    pub fn clear(self) {
        let _ = self.0.try_set(Vec::new());
    }

    fn message(self, field: &str) -> Option<String> {
        self.0.with(|es| {
            let msgs: Vec<&str> = es
                .iter()
                .filter(|e| e.field == field)
                .map(|e| e.message.as_str())
                .collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        })
    }
}

impl Default for FieldErrors {
    fn default() -> Self {
        FieldErrors::new()
    }
}

/// The message about `field` (`""`: the whole form), with id `<field>-error` (`form-error`).
#[component]
pub fn FieldMessage(errors: FieldErrors, field: &'static str) -> impl IntoView {
    let id = if field.is_empty() {
        "form-error".to_string()
    } else {
        format!("{field}-error")
    };
    move || {
        errors
            .message(field)
            .map(|m| view! { <span class="error-text" role="alert" id=id.clone()>{m}</span> })
    }
}

/// A "Delete" button that asks first: `question`, then Delete or Cancel. `class` marks the
/// first button (tests find it by it).
#[component]
pub fn ConfirmDelete(
    question: String,
    class: &'static str,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let first = format!("btn ghost {class}");
    move || {
        if confirming.get() {
            Either::Left(view! {
                <span>{question.clone()}</span>
                <button class="btn danger confirm-delete" on:click=move |_| on_confirm.run(())>"Delete"</button>
                <button class="btn ghost" on:click=move |_| confirming.set(false)>"Cancel"</button>
            })
        } else {
            Either::Right(view! {
                <button class=first.clone() on:click=move |_| confirming.set(true)>"Delete"</button>
            })
        }
    }
}
