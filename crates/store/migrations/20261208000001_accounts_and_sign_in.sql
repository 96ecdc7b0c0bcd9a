-- Accounts that can be deactivated and signed in through OpenID Connect, and the failed
-- sign-in attempts that slow down password guessing.

-- When an administrator deactivated the account; a deactivated account cannot sign in.
ALTER TABLE app_user ADD COLUMN disabled_at TEXT;

-- The OpenID Connect subject (`sub`) of the account at the configured provider, bound at the
-- first OIDC sign-in (matched then by e-mail address).
ALTER TABLE app_user ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX app_user_oidc_subject ON app_user (oidc_subject);

-- When the account's name and e-mail address were replaced after its retention period
-- (docs/retention.md); its id stays, so that the traçabilité still says who acted.
ALTER TABLE app_user ADD COLUMN pseudonymised_at TEXT;

-- Failed attempts in a row for one sign-in name, whether an account has it or not. The name
-- is kept as the SHA-256 of the lower-case e-mail address, never in clear.
CREATE TABLE sign_in_failure (
    name_sha256 TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_last ON sign_in_failure (last_failure_at);
