//! The identity commands in one place for the transports and other modules;
//! each lives in the file named after what it does.

pub use super::login::{login, superadmin_login};
pub use super::mfa::{confirm_mfa, disable_mfa, enrol_mfa};
pub use super::passwords::{change_password, request_password_reset, reset_password};
pub use super::sessions::{logout, refresh};
pub use super::types::{
    AuthTokens, ChangePasswordInput, Done, LoginInput, MfaCodeInput, MfaEnrolment, NewUser,
    RecoveryCodes, RefreshTokenInput, RequestPasswordResetInput, ResetPasswordInput,
    SuperadminLoginInput, User,
};
pub use super::users::{create_user, get_user, list_users, me, set_user_active};
