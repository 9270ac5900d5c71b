//! Users: the `users` records and the `users_by_name` index. Reads go straight to the
//! keyspaces; every change goes through [`Store::users_transaction`], which loads all users
//! (there are few), lets the caller check rules that span users (unique names and e-mails,
//! "the last admin stays") and commits the difference as one atomic, fsynced batch while
//! holding the users lock, so two concurrent changes cannot both pass a check.

use std::collections::BTreeMap;

use fjall::PersistMode;

use super::tables::{self, UserRecord};
use super::{corrupt, get_json, scan_json, Store, StoreError};

/// Why a user could not be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserConflict {
    /// Another user has this e-mail address.
    Email,
    /// Another user has this name.
    Name,
    /// No user has this id.
    Missing,
}

/// All users, staged: read and change them, then [`Store::users_transaction`] commits.
#[derive(Debug)]
pub struct UsersTxn {
    users: BTreeMap<u64, UserRecord>,
    next_id: u64,
    initialized: bool,
}

impl UsersTxn {
    /// The user with `id`.
    #[must_use]
    pub fn get(&self, id: u64) -> Option<&UserRecord> {
        self.users.get(&id)
    }

    /// The user called `name` (exact case).
    #[must_use]
    pub fn by_name(&self, name: &str) -> Option<&UserRecord> {
        self.users.values().find(|u| u.name == name)
    }

    /// Every user, by id.
    pub fn iter(&self) -> impl Iterator<Item = &UserRecord> {
        self.users.values()
    }

    /// Whether the initial users were created once already.
    #[must_use]
    pub fn initialized(&self) -> bool {
        self.initialized
    }

    /// Records that the initial users were created.
    pub fn set_initialized(&mut self) {
        self.initialized = true;
    }

    /// Adds `user` under a new id (its `id` field is ignored); returns the stored record.
    pub fn insert(&mut self, mut user: UserRecord) -> Result<UserRecord, UserConflict> {
        user.id = self.next_id;
        self.check_unique(&user)?;
        self.next_id += 1;
        self.users.insert(user.id, user.clone());
        Ok(user)
    }

    /// Replaces the user with `user.id`.
    pub fn replace(&mut self, user: UserRecord) -> Result<(), UserConflict> {
        if !self.users.contains_key(&user.id) {
            return Err(UserConflict::Missing);
        }
        self.check_unique(&user)?;
        self.users.insert(user.id, user);
        Ok(())
    }

    /// Removes the user with `id`; whether it existed.
    pub fn remove(&mut self, id: u64) -> bool {
        self.users.remove(&id).is_some()
    }

    /// E-mail first, then name, as the original reports conflicts.
    fn check_unique(&self, user: &UserRecord) -> Result<(), UserConflict> {
        let others = || self.users.values().filter(|u| u.id != user.id);
        if user.email.is_some() && others().any(|u| u.email == user.email) {
            return Err(UserConflict::Email);
        }
        if others().any(|u| u.name == user.name) {
            return Err(UserConflict::Name);
        }
        Ok(())
    }
}

impl Store {
    /// The user with `id`.
    pub fn user(&self, id: u64) -> Result<Option<UserRecord>, StoreError> {
        get_json(&self.users, "user record", tables::id_key(id))
    }

    /// The user called `name` (exact case), through the name index.
    pub fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        match self.users_by_name.get(name)? {
            Some(id) => self.user(decode_id(&id)?),
            None => Ok(None),
        }
    }

    /// Every user, by id.
    pub fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        scan_json("user record", self.users.iter())
    }

    /// Runs `change` over all users under the users lock; if it returns `Ok`, commits what
    /// it changed atomically and durably, otherwise nothing.
    pub fn users_transaction<T, E: From<StoreError>>(
        &self,
        change: impl FnOnce(&mut UsersTxn) -> Result<T, E>,
    ) -> Result<T, E> {
        let _guard = self
            .users_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before: BTreeMap<u64, UserRecord> =
            self.users()?.into_iter().map(|u| (u.id, u)).collect();
        let mut txn = UsersTxn {
            users: before.clone(),
            next_id: self.counter(tables::META_NEXT_USER_ID)?,
            initialized: self
                .meta
                .get(tables::META_USERS_INITIALIZED)
                .map_err(StoreError::from)?
                .is_some(),
        };
        let (next_id, was_initialized) = (txn.next_id, txn.initialized);
        let out = change(&mut txn)?;
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        for (id, old) in &before {
            if txn.users.get(id).is_none_or(|new| new.name != old.name) {
                batch.remove(&self.users_by_name, old.name.as_str());
            }
            if !txn.users.contains_key(id) {
                batch.remove(&self.users, tables::id_key(*id));
            }
        }
        for (id, user) in &txn.users {
            if before.get(id) != Some(user) {
                batch.insert(&self.users, tables::id_key(*id), to_json(user)?);
                batch.insert(&self.users_by_name, user.name.as_str(), tables::id_key(*id));
            }
        }
        if txn.next_id != next_id {
            batch.insert(
                &self.meta,
                tables::META_NEXT_USER_ID,
                txn.next_id.to_le_bytes(),
            );
        }
        if txn.initialized && !was_initialized {
            batch.insert(&self.meta, tables::META_USERS_INITIALIZED, [1u8]);
        }
        batch.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// A u64 counter of `meta` (starting at 1).
    pub(super) fn counter(&self, key: &[u8]) -> Result<u64, StoreError> {
        Ok(self
            .meta
            .get(key)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_le_bytes))
            .unwrap_or(1))
    }
}

/// A big-endian id as stored in `users_by_name`.
fn decode_id(bytes: &[u8]) -> Result<u64, StoreError> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| corrupt("user name index", "id is not 8 bytes"))
}

pub(super) fn to_json(v: &impl serde::Serialize) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| corrupt("record", e))
}
