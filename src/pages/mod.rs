//! One module per route. Pages compose components and read state; they hold no business
//! logic.

mod comparison;
mod explore;
mod forbidden;
mod login;
mod not_found;
mod settings;
mod signup;

pub use comparison::{ComparisonPage, DiffPage};
pub use explore::{ExplorePage, Shown};
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use signup::SignupPage;
