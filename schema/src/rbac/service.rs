//! The RBAC functions and types other modules and transports use, gathered
//! so that callers need not follow the files they live in.

pub use super::access::{Permission, check_grantable, load_user_access, permission_catalog};
pub use super::roles::assign::{assign_in, assign_role, grantable_roles, unassign_role};
pub use super::roles::edit::{create_role, delete_role, update_role};
pub use super::roles::provision::provision_builtin_roles;
pub use super::roles::read::{get_role, list_roles, roles_of_users};
pub use super::roles::store::{owner_standing, permissions_of};
pub use super::roles::{NewRole, OWNER_ROLE, Role, RoleAssignment, RolePatch};
