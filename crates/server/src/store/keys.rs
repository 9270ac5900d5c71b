//! API keys (`api_keys`) and server secrets (`secrets`). Key records hold a digest of the
//! secret, never the secret; names are unique, checked under the users lock (keys are few,
//! so the check is a scan).

use fjall::PersistMode;

use super::tables::{self, ApiKeyRecord};
use super::users::to_json;
use super::{get_json, scan_json, Store, StoreError};

impl Store {
    /// Every API key, by id.
    pub fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        scan_json("api key record", self.api_keys.iter())
    }

    /// The API key with `id`.
    pub fn api_key(&self, id: u64) -> Result<Option<ApiKeyRecord>, StoreError> {
        get_json(&self.api_keys, "api key record", tables::id_key(id))
    }

    /// Stores `key` under a new id (its `id` field is ignored). `None` when another key
    /// already has its name.
    pub fn insert_api_key(
        &self,
        mut key: ApiKeyRecord,
    ) -> Result<Option<ApiKeyRecord>, StoreError> {
        let _guard = self
            .users_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.api_keys()?.iter().any(|k| k.name == key.name) {
            return Ok(None);
        }
        key.id = self.counter(tables::META_NEXT_API_KEY_ID)?;
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        batch.insert(&self.api_keys, tables::id_key(key.id), to_json(&key)?);
        batch.insert(
            &self.meta,
            tables::META_NEXT_API_KEY_ID,
            (key.id + 1).to_le_bytes(),
        );
        batch.commit()?;
        Ok(Some(key))
    }

    /// Deletes the API key with `id`; whether it existed.
    pub fn delete_api_key(&self, id: u64) -> Result<bool, StoreError> {
        let _guard = self
            .users_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let existed = self.api_keys.get(tables::id_key(id))?.is_some();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        batch.remove(&self.api_keys, tables::id_key(id));
        batch.commit()?;
        Ok(existed)
    }

    /// The secret called `name`; when absent, stores `make()` first (durably), so every
    /// later call and every restart sees the same value.
    pub fn secret_or_insert(
        &self,
        name: &str,
        make: impl FnOnce() -> Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        let _guard = self
            .users_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(v) = self.secrets.get(name)? {
            return Ok(v.to_vec());
        }
        let value = make();
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        batch.insert(&self.secrets, name, value.as_slice());
        batch.commit()?;
        Ok(value)
    }
}
