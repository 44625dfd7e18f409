//! Typed services one plugin publishes for others.
//!
//! A provider calls [`ServiceRegistry::provide`] in `on_load` with an `Arc` of its own type
//! (`presets::PresetService`); a consumer whose manifest lists the provider in `requires.plugins`
//! or `optional` — which is also what makes the crate dependency legal — asks the host for it
//! by type. A consumer that did not declare the dependency is refused, so the manifest stays the
//! truth about who uses whom.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    sync::{Arc, RwLock},
};

type Entry = (String, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct ServiceRegistry {
    services: RwLock<HashMap<TypeId, Entry>>,
}

impl std::fmt::Debug for ServiceRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let owners: Vec<String> = self
            .services
            .read()
            .map(|s| s.values().map(|(owner, _)| owner.clone()).collect())
            .unwrap_or_default();
        f.debug_struct("ServiceRegistry")
            .field("owners", &owners)
            .finish()
    }
}

impl ServiceRegistry {
    /// Publishes `service` as `owner`'s; a second service of the same type replaces the first.
    pub fn provide<T: Any + Send + Sync>(&self, owner: &str, service: Arc<T>) {
        if let Ok(mut services) = self.services.write() {
            services.insert(TypeId::of::<T>(), (owner.to_string(), service));
        }
    }

    /// The service of type `T` and the plugin that provides it.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<(String, Arc<T>)> {
        let services = self.services.read().ok()?;
        let (owner, service) = services.get(&TypeId::of::<T>())?;
        let service = Arc::clone(service).downcast::<T>().ok()?;
        Some((owner.clone(), service))
    }

    /// The service registered under `wanted`'s type id and the plugin that provides it.
    pub fn get_by_type(&self, wanted: TypeId) -> Option<(String, Arc<dyn Any + Send + Sync>)> {
        let services = self.services.read().ok()?;
        services
            .get(&wanted)
            .map(|(owner, service)| (owner.clone(), Arc::clone(service)))
    }

    /// Drops everything `owner` published (before a reload, or when its `on_load` failed).
    pub fn remove_owner(&self, owner: &str) {
        if let Ok(mut services) = self.services.write() {
            services.retain(|_, (o, _)| o != owner);
        }
    }

    pub fn owners(&self) -> Vec<String> {
        self.services
            .read()
            .map(|s| s.values().map(|(o, _)| o.clone()).collect())
            .unwrap_or_default()
    }
}
