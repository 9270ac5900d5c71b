//! [`ByPtr`]: a shared value that compares by identity, for memos and signals holding built
//! models or profiles (comparing two whole layouts or trees on every update would cost as
//! much as building them).

use std::sync::Arc;

/// An `Arc<T>` equal only to clones of itself.
#[derive(Debug)]
pub struct ByPtr<T>(pub Arc<T>);

impl<T> ByPtr<T> {
    /// Wraps a new value.
    pub fn new(value: T) -> ByPtr<T> {
        ByPtr(Arc::new(value))
    }
}

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for ByPtr<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_to_its_clones() {
        let a = ByPtr::new(vec![1, 2]);
        let b = ByPtr::new(vec![1, 2]);
        assert!(a == a.clone());
        assert!(a != b, "equal contents are not the same value");
        assert_eq!(*a, [1, 2]);
    }
}
