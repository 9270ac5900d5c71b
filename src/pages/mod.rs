//! One module per route. Pages compose components and read state; they hold no business
//! logic.

pub mod chunked;
mod comparison;
mod comparison_diff;
mod explore;
mod forbidden;
mod login;
mod not_found;
mod service_discovery;
mod settings;
pub mod side;
mod signup;

pub use comparison::ComparisonPage;
pub use comparison_diff::DiffPage;
pub use explore::ExplorePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use service_discovery::ServiceDiscoveryPage;
pub use settings::SettingsPage;
pub use signup::SignupPage;
