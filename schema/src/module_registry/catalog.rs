//! `module-registry.json`, compiled into the binary and checked at start.

use kernel::{AppError, AppResult};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::LazyLock;

const SOURCE: &str = include_str!("../../../module-registry.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModuleDef {
    pub key: String,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub core: bool,
    pub default_enabled: bool,
    pub permissions: Vec<String>,
    #[serde(default)]
    pub features: Vec<FeatureDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureDef {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub default_enabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleDef {
    pub key: String,
    pub name: String,
    pub description: String,
    /// Permission keys, `module.*`, or `*` for all.
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub modules: Vec<ModuleDef>,
    pub roles: Vec<RoleDef>,
}

impl Catalog {
    fn parse(source: &str) -> AppResult<Self> {
        let catalog: Catalog = serde_json::from_str(source)
            .map_err(|e| AppError::internal(format!("module-registry.json: {e}")))?;
        catalog.check()?;
        Ok(catalog)
    }

    /// Every permission belongs to its module (first segment), keys are unique,
    /// features live under their module, roles name only known permissions.
    fn check(&self) -> AppResult<()> {
        let mut keys = BTreeSet::new();
        for module in &self.modules {
            if !keys.insert(module.key.clone()) {
                return Err(AppError::internal(format!(
                    "duplicate module {}",
                    module.key
                )));
            }
            for permission in &module.permissions {
                if kernel::context::module_of(permission) != module.key
                    || permission.split('.').count() < 2
                {
                    return Err(AppError::internal(format!(
                        "permission {permission} is not under module {}",
                        module.key
                    )));
                }
            }
            for feature in &module.features {
                if !feature.key.starts_with(&format!("{}.", module.key))
                    || !keys.insert(feature.key.clone())
                {
                    return Err(AppError::internal(format!(
                        "bad feature key {}",
                        feature.key
                    )));
                }
            }
        }
        for role in &self.roles {
            self.expand(&role.permissions)?;
        }
        Ok(())
    }

    pub fn permissions(&self) -> BTreeSet<String> {
        self.modules
            .iter()
            .flat_map(|m| m.permissions.iter().cloned())
            .collect()
    }

    pub fn is_permission(&self, permission: &str) -> bool {
        self.modules
            .iter()
            .any(|m| m.permissions.iter().any(|p| p == permission))
    }

    /// Expands `*` and `module.*` patterns into permission keys.
    pub fn expand(&self, patterns: &[String]) -> AppResult<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for pattern in patterns {
            if pattern == "*" {
                out.extend(self.permissions());
            } else if let Some(module) = pattern.strip_suffix(".*") {
                let def = self
                    .modules
                    .iter()
                    .find(|m| m.key == module)
                    .ok_or_else(|| AppError::internal(format!("unknown module in {pattern}")))?;
                out.extend(def.permissions.iter().cloned());
            } else if self.is_permission(pattern) {
                out.insert(pattern.clone());
            } else {
                return Err(AppError::internal(format!("unknown permission {pattern}")));
            }
        }
        Ok(out)
    }

    pub fn module(&self, key: &str) -> Option<&ModuleDef> {
        self.modules.iter().find(|m| m.key == key)
    }
}

static CATALOG: LazyLock<AppResult<Catalog>> = LazyLock::new(|| Catalog::parse(SOURCE));

/// The compiled-in catalogue; an invalid file is an `INTERNAL` error at start
/// (and a failing unit test long before).
pub fn catalog() -> AppResult<&'static Catalog> {
    CATALOG
        .as_ref()
        .map_err(|e| AppError::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_registry_is_valid() -> AppResult<()> {
        let catalog = catalog()?;
        for key in ["owner", "manager", "cashier", "kitchen"] {
            assert!(
                catalog.roles.iter().any(|r| r.key == key),
                "built-in role {key}"
            );
        }
        assert!(catalog.is_permission("pos.ticket.write"));
        assert!(catalog.is_permission("inventory.stock.adjust"));
        let owner = catalog.expand(&["*".to_owned()])?;
        assert_eq!(owner, catalog.permissions());
        assert!(catalog.module("admin").is_some_and(|m| m.core));
        Ok(())
    }

    #[test]
    fn bad_registries_are_refused() {
        let stray = r#"{"modules":[{"key":"pos","name":"P","description":"","defaultEnabled":true,"permissions":["menu.x"]}],"roles":[]}"#;
        assert!(Catalog::parse(stray).is_err());
        let unknown = r#"{"modules":[{"key":"pos","name":"P","description":"","defaultEnabled":true,"permissions":["pos.x"]}],
                          "roles":[{"key":"r","name":"R","description":"","permissions":["pos.y"]}]}"#;
        assert!(Catalog::parse(unknown).is_err());
    }
}
