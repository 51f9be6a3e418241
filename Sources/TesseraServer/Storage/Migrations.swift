import Foundation
import SQLKit

/// The schema, as numbered steps applied in order and recorded in `schema_migrations`.
///
/// Steps are append-only: a released step is never edited, a change is a new step. Each runs in
/// one transaction under the engine's migration lock, so several nodes starting at once apply
/// every step exactly once. Timestamps are Unix seconds (BIGINT) and flags are 0/1 integers,
/// which both engines store alike; secrets appear only as SHA-256 hex (`*_hash`).
enum Migrations {
    struct Step: Sendable {
        let version: Int
        let statements: [String]
        /// The one engine the statements are for; on the other the step is recorded and does nothing.
        var only: SQLFlavor? = nil
        /// Statements where the engines' SQL differs, run after ``statements`` on their engine.
        var byFlavor: [SQLFlavor: [String]] = [:]

        /// What runs on `flavor`.
        func statements(for flavor: SQLFlavor) -> [String] {
            guard only.map({ $0 == flavor }) ?? true else { return [] }
            return statements + (byFlavor[flavor] ?? [])
        }
    }

    static let steps: [Step] = [
        Step(version: 1, statements: [
            """
            CREATE TABLE clients (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_hash TEXT,
                redirect_uris TEXT NOT NULL,
                post_logout_redirect_uris TEXT NOT NULL,
                grant_types TEXT NOT NULL,
                id_token_alg TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                email_verified INTEGER NOT NULL,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE apis (
                identifier TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                token_lifetime BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE login_sessions (
                id_hash TEXT PRIMARY KEY,
                sid TEXT NOT NULL UNIQUE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                auth_time BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                ended_at BIGINT
            )
            """,
            "CREATE INDEX login_sessions_expires_at ON login_sessions (expires_at)",
            """
            CREATE TABLE grants (
                id TEXT PRIMARY KEY,
                client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                audience TEXT,
                nonce TEXT,
                auth_time BIGINT,
                sid TEXT,
                redirect_uri TEXT,
                code_hash TEXT UNIQUE,
                code_challenge TEXT,
                code_expires_at BIGINT,
                code_consumed_at BIGINT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX grants_expires_at ON grants (expires_at)",
            "CREATE INDEX grants_sid ON grants (sid)",
            """
            CREATE TABLE refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
                parent_hash TEXT,
                scope TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                rotated_at BIGINT
            )
            """,
            "CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id)",
            """
            CREATE TABLE access_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
                scope TEXT NOT NULL,
                audience TEXT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX access_tokens_grant_id ON access_tokens (grant_id)",
            "CREATE INDEX access_tokens_expires_at ON access_tokens (expires_at)",
            """
            CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY,
                alg TEXT NOT NULL,
                state TEXT NOT NULL,
                sealed_private_key TEXT NOT NULL,
                public_jwk TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                activated_at BIGINT,
                retired_at BIGINT
            )
            """,
        ]),
        Step(version: 2, statements: [
            // An API's permissions (Auth0's "scopes" of an API), space-separated.
            "ALTER TABLE apis ADD COLUMN scopes TEXT NOT NULL DEFAULT ''",
            // Failed logins per account and per client address, for throttling shared by every node.
            """
            CREATE TABLE login_failures (
                throttle_key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                last_failure_at BIGINT NOT NULL,
                blocked_until BIGINT NOT NULL
            )
            """,
            "CREATE INDEX login_failures_last_failure_at ON login_failures (last_failure_at)",
        ]),
        Step(version: 3, statements: [
            // Expired refresh tokens are collected by `expires_at` (see SQLStore+Collection), as
            // grants, access tokens and login sessions already are.
            "CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at)",
        ]),
        Step(version: 4, statements: [
            // Client grants (Auth0's): which client may get tokens for which API, with which of its
            // permissions (space-separated). No row, no token: deny by default.
            """
            CREATE TABLE client_grants (
                client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                api_identifier TEXT NOT NULL REFERENCES apis(identifier) ON DELETE CASCADE,
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (client_id, api_identifier)
            )
            """,
        ]),
        Step(version: 8, statements: [
            // Marks on the database as a whole; 'demo': `tessera demo` created it (SQLStore+DemoMark).
            "CREATE TABLE installation_marks (name TEXT PRIMARY KEY, created_at BIGINT NOT NULL)",
        ]),
        Step(version: 9, statements: [
            // A user's other OpenID Connect standard claims (Core §5.1) as one JSON object, and when
            // the user last changed (the `updated_at` claim; until now, when they were added).
            "ALTER TABLE users ADD COLUMN claims TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE users ADD COLUMN updated_at BIGINT",
            "UPDATE users SET updated_at = created_at",
        ]),
        Step(version: 10, statements: [
            // The `claims` request parameter (OpenID Connect Core §5.5) as JSON, kept with the grant
            // so every id_token and userinfo answer under it honours it.
            "ALTER TABLE grants ADD COLUMN claims TEXT",
        ]),
        Step(version: 11, statements: [
            // OpenID Connect Back-Channel Logout 1.0 §2.2: where a client receives logout tokens,
            // and whether it wants `sid` in them (Tessera always sends it).
            "ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT",
            "ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 1",
        ]),
        Step(version: 12, statements: [
            // Logout tokens still to deliver (Events/BackchannelLogoutDelivery): written in the
            // transaction that ends the session, claimed by one node at a time through
            // `leased_until`, deleted once delivered or given up.
            """
            CREATE TABLE backchannel_logouts (
                id TEXT PRIMARY KEY,
                client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                subject TEXT NOT NULL,
                sid TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                leased_until BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX backchannel_logouts_next_attempt_at ON backchannel_logouts (next_attempt_at)",
        ]),
        Step(version: 13, statements: [
            // Pushed authorization requests (RFC 9126), keyed by the SHA-256 of their request_uri:
            // a bearer reference, stored like codes. `used_at` makes each one single-use.
            """
            CREATE TABLE pushed_requests (
                reference_hash TEXT PRIMARY KEY,
                client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                parameters TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT
            )
            """,
            "CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at)",
        ]),
        Step(version: 14, statements: [
            // `tessera clients add --require-par`: the client's /authorize takes only pushed requests.
            "ALTER TABLE clients ADD COLUMN require_pushed_authorization INTEGER NOT NULL DEFAULT 0",
        ]),
        Step(version: 15, statements: [
            // Every write to `clients`, by any process or node, notifies `tessera_clients` when it
            // commits, so each node's cache of client records (CachedClientStore) drops what it
            // holds at once (ClientChangeListener). SQLite's processes cannot notify each other.
            """
            CREATE OR REPLACE FUNCTION tessera_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('tessera_clients', '');
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients
                FOR EACH STATEMENT EXECUTE PROCEDURE tessera_clients_changed()
            """,
        ], only: .postgres),
        Step(version: 16, statements: [
            // The grace window finds a token's successor by its parent: without this, by a scan of
            // every refresh token.
            "CREATE INDEX refresh_tokens_parent_hash ON refresh_tokens (parent_hash)",
        ]),
        Step(version: 17, statements: [
            // `tessera clients add --third-party` and dynamically registered clients: users are
            // asked for consent before such a client gets anything.
            "ALTER TABLE clients ADD COLUMN third_party INTEGER NOT NULL DEFAULT 0",
        ]),
        Step(version: 18, statements: [
            // What each user consented to give each third-party client, per API (`audience` ''
            // when none): a request these scopes cover skips the consent page.
            """
            CREATE TABLE consents (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                audience TEXT NOT NULL DEFAULT '',
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, client_id, audience)
            )
            """,
            "CREATE INDEX consents_client_id ON consents (client_id)",
        ]),
        Step(version: 19, statements: [
            // RFC 7591 / 7592 dynamic client registration. A self-registered client keeps the hash of
            // its registration access token (NULL: added by an administrator, not manageable over
            // HTTP) and the metadata Tessera records but has no column for.
            "ALTER TABLE clients ADD COLUMN registration_token_hash TEXT",
            "ALTER TABLE clients ADD COLUMN token_endpoint_auth_method TEXT",
            "ALTER TABLE clients ADD COLUMN registered_scope TEXT",
            // Initial access tokens (`tessera registration token create`), by hash; each use is
            // one conditional UPDATE, so a token's uses are spent exactly once across nodes.
            """
            CREATE TABLE registration_tokens (
                token_hash TEXT PRIMARY KEY,
                uses_left INTEGER NOT NULL,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX registration_tokens_expires_at ON registration_tokens (expires_at)",
        ]),
        Step(version: 20, statements: [
            // DPoP proofs seen at the token endpoint (RFC 9449 §11.1), by `DPoPProof.replayKey` (a
            // hash of the key's thumbprint and the proof's jti, never the raw jti): the first node
            // to insert a key accepts the proof, every later insert anywhere is a replay. A row is
            // kept only while the proof's `iat` is inside the acceptance window, then collected.
            """
            CREATE TABLE dpop_proofs (
                replay_key TEXT PRIMARY KEY,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX dpop_proofs_expires_at ON dpop_proofs (expires_at)",
        ]),
        Step(version: 21, statements: [
            // RFC 9449 §6: the JWK thumbprint (RFC 7638) of the key a DPoP-bound token is bound to;
            // NULL for a Bearer token. A public client's refresh token is bound too (RFC 9449 §5).
            "ALTER TABLE access_tokens ADD COLUMN dpop_jkt TEXT",
            "ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT",
            // RFC 9449 §10: the `dpop_jkt` of an authorization request; its code is exchanged only
            // with a proof of that key.
            "ALTER TABLE grants ADD COLUMN dpop_jkt TEXT",
        ]),
        Step(version: 22, statements: [
            // RFC 9449 §5.2: `tessera clients add --require-dpop`, or `dpop_bound_access_tokens`
            // at registration: the client's token requests must carry a DPoP proof.
            "ALTER TABLE clients ADD COLUMN require_dpop INTEGER NOT NULL DEFAULT 0",
        ]),
        Step(version: 23, statements: [
            // The audit trail (`AuditLog`): who logged in, what was issued or refused, who changed
            // what. `details` is a JSON object that never holds a token, code or secret. Kept for
            // `--audit-retention-days`, then collected by `gc`.
            """
            CREATE TABLE audit_events (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                client_id TEXT,
                user_id TEXT,
                ip_address TEXT,
                details TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at, id)",
            "CREATE INDEX audit_events_user_id ON audit_events (user_id, occurred_at)",
            "CREATE INDEX audit_events_client_id ON audit_events (client_id, occurred_at)",
        ]),
        Step(version: 24, statements: [
            // A client grant's own id (Auth0's `cgr_…`), so the management API and `tessera grants
            // update` can name one; grants made before get a random one here.
            "ALTER TABLE client_grants ADD COLUMN id TEXT",
        ], byFlavor: [
            .sqlite: [
                "UPDATE client_grants SET id = 'cgr_' || lower(hex(randomblob(8)))",
                "CREATE UNIQUE INDEX client_grants_id ON client_grants (id)",
            ],
            .postgres: [
                "UPDATE client_grants SET id = 'cgr_' || substr(md5(random()::text || client_id || api_identifier), 1, 16)",
                "ALTER TABLE client_grants ALTER COLUMN id SET NOT NULL",
                "CREATE UNIQUE INDEX client_grants_id ON client_grants (id)",
            ],
        ]),
        Step(version: 25, statements: [
            // What each of an API's permissions allows, in words (a JSON object by scope): the
            // management API's `scopes[].description`, shown on the consent page.
            "ALTER TABLE apis ADD COLUMN scope_descriptions TEXT NOT NULL DEFAULT '{}'",
        ]),
    ]

    /// Applies every step not yet recorded, in order (a gap in the numbering is no error); returns
    /// the versions it applied.
    @discardableResult
    static func run(on engine: any SQLEngine) async throws -> [Int] {
        try await engine.withMigrationLock { database in
            try await database.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)").run()
            let applied = Set(try await database.raw("SELECT version FROM schema_migrations").all().map {
                try $0.decode(column: "version", as: Int.self)
            })
            var ran: [Int] = []
            for step in steps where !applied.contains(step.version) {
                for statement in step.statements(for: engine.flavor) {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                let now = Int(Date().timeIntervalSince1970)
                try await database.raw("INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: step.version), \(bind: now))").run()
                ran.append(step.version)
            }
            return ran
        }
    }
}
