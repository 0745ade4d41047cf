import GRDB

extension AppDatabase {
    /// Append-only: a shipped migration is never edited, a new one is added.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL
                );
                CREATE INDEX event_type ON event(type, seq);

                CREATE TABLE execution (
                    id TEXT PRIMARY KEY NOT NULL,
                    recommendation TEXT NOT NULL,
                    from_protocol TEXT,
                    to_protocol TEXT NOT NULL,
                    token TEXT NOT NULL,
                    amount_base_units TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','stranded')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    gas_used INTEGER NOT NULL DEFAULT 0 CHECK (gas_used >= 0),
                    gas_cost_usd TEXT NOT NULL DEFAULT '0',
                    error TEXT,
                    failed_step TEXT
                );
                CREATE INDEX execution_started ON execution(started_at);

                CREATE TABLE step (
                    execution_id TEXT NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    step TEXT NOT NULL CHECK (step IN ('validation','balance_check','withdraw','approve','deposit','verification')),
                    position INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending','running','succeeded','failed','skipped')),
                    tx_hash TEXT,
                    nonce INTEGER,
                    raw_transaction TEXT,
                    broadcast INTEGER NOT NULL DEFAULT 0,
                    gas_used INTEGER,
                    gas_cost_usd TEXT,
                    started_at TEXT,
                    finished_at TEXT,
                    detail TEXT,
                    PRIMARY KEY (execution_id, step)
                );

                CREATE TABLE position (
                    protocol TEXT NOT NULL,
                    token TEXT NOT NULL,
                    amount_base_units TEXT NOT NULL,
                    decimals INTEGER NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (protocol, token)
                );

                CREATE TABLE yield_snapshot (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    protocol TEXT NOT NULL,
                    token TEXT NOT NULL,
                    apy TEXT NOT NULL,
                    tvl_usd TEXT
                );
                CREATE INDEX yield_snapshot_market ON yield_snapshot(protocol, token, at);

                CREATE TABLE daily_budget (
                    day TEXT PRIMARY KEY NOT NULL,
                    rebalances INTEGER NOT NULL DEFAULT 0 CHECK (rebalances >= 0),
                    gas_usd TEXT NOT NULL DEFAULT '0'
                );

                CREATE TABLE scheduler_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    state TEXT NOT NULL CHECK (state IN ('stopped','running','halted')),
                    halt_reason TEXT,
                    emergency_stop INTEGER NOT NULL DEFAULT 0,
                    breaker TEXT NOT NULL,
                    started_at TEXT,
                    last_scan_at TEXT,
                    next_scan_at TEXT,
                    scans INTEGER NOT NULL DEFAULT 0,
                    opportunities_found INTEGER NOT NULL DEFAULT 0,
                    opportunities_executed INTEGER NOT NULL DEFAULT 0,
                    opportunities_skipped INTEGER NOT NULL DEFAULT 0,
                    owner_pid INTEGER,
                    updated_at TEXT NOT NULL
                );

                CREATE TABLE approval (
                    id TEXT PRIMARY KEY NOT NULL,
                    request TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('pending','approved','declined','expired','cancelled','rejected_on_recheck')),
                    requested_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    resolved_at TEXT,
                    detail TEXT
                );

                CREATE TABLE simulated_ledger (
                    account TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v2: balances before a move") { db in
            try db.execute(sql: "ALTER TABLE execution ADD COLUMN balances_before TEXT")
        }
        m.registerMigration("v3: every signed attempt of a step") { db in
            // A stuck transaction is replaced at the same nonce; each attempt is journaled before it
            // is sent, so recovery can ask the chain about every one of them.
            try db.execute(sql: """
                CREATE TABLE step_attempt (
                    execution_id TEXT NOT NULL,
                    step TEXT NOT NULL,
                    attempt INTEGER NOT NULL CHECK (attempt >= 0),
                    tx_hash TEXT NOT NULL,
                    raw_transaction TEXT NOT NULL,
                    nonce INTEGER NOT NULL,
                    max_fee_per_gas_wei TEXT,
                    max_priority_fee_per_gas_wei TEXT,
                    broadcast INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (execution_id, step, attempt),
                    FOREIGN KEY (execution_id, step) REFERENCES step(execution_id, step) ON DELETE CASCADE
                )
                """)
        }
        m.registerMigration("v4: cancellation attempts") { db in
            try db.execute(sql: "ALTER TABLE step_attempt ADD COLUMN is_cancellation INTEGER NOT NULL DEFAULT 0")
        }
        m.registerMigration("v5: vault share prices") { db in
            // Was a JSON file beside the database; now in the same crash-safe store as everything else.
            try db.execute(sql: """
                CREATE TABLE vault_share_price (
                    vault TEXT NOT NULL,
                    block_time INTEGER NOT NULL CHECK (block_time >= 0),
                    assets_per_share TEXT NOT NULL,
                    PRIMARY KEY (vault, block_time)
                ) WITHOUT ROWID
                """)
        }
        m.registerMigration("v6: a database belongs to one chain and wallet; pinned addresses; abandoned executions") { db in
            // SQLite cannot change a CHECK: the execution table is rebuilt (GRDB runs migrations with
            // foreign keys off and checks them at the end, so the steps keep pointing at their rows).
            try db.execute(sql: """
                CREATE TABLE database_identity (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    network TEXT NOT NULL,
                    chain_id TEXT NOT NULL,
                    wallet TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );

                CREATE TABLE pinned_address (
                    role TEXT PRIMARY KEY NOT NULL,
                    address TEXT NOT NULL,
                    pinned_at TEXT NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE execution_v6 (
                    id TEXT PRIMARY KEY NOT NULL,
                    recommendation TEXT NOT NULL,
                    from_protocol TEXT,
                    to_protocol TEXT NOT NULL,
                    token TEXT NOT NULL,
                    amount_base_units TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','stranded','abandoned')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    gas_used INTEGER NOT NULL DEFAULT 0 CHECK (gas_used >= 0),
                    gas_cost_usd TEXT NOT NULL DEFAULT '0',
                    error TEXT,
                    failed_step TEXT,
                    balances_before TEXT
                );
                INSERT INTO execution_v6 (id, recommendation, from_protocol, to_protocol, token, amount_base_units, status,
                                          started_at, finished_at, gas_used, gas_cost_usd, error, failed_step, balances_before)
                    SELECT id, recommendation, from_protocol, to_protocol, token, amount_base_units, status,
                           started_at, finished_at, gas_used, gas_cost_usd, error, failed_step, balances_before FROM execution;
                DROP TABLE execution;
                ALTER TABLE execution_v6 RENAME TO execution;
                CREATE INDEX execution_started ON execution(started_at);
                """)
        }
        m.registerMigration("v7: position history") { db in
            // Every scan's exact positions, APYs, idle balance and block, never changed afterwards:
            // earnings are measured between these rows. `log_position` is the number of events
            // logged when the balances were read, which orders a scan against the engine's own
            // deposits and withdrawals (their step.finished events) even at the same clock time.
            try db.execute(sql: """
                CREATE TABLE balance_scan (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    block INTEGER CHECK (block IS NULL OR block >= 0),
                    log_position INTEGER NOT NULL CHECK (log_position >= 0),
                    token TEXT NOT NULL,
                    decimals INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 36),
                    idle_base_units TEXT NOT NULL
                );
                CREATE INDEX balance_scan_at ON balance_scan(at);

                CREATE TABLE position_history (
                    scan_id INTEGER NOT NULL REFERENCES balance_scan(id),
                    protocol TEXT NOT NULL,
                    amount_base_units TEXT NOT NULL,
                    apy TEXT NOT NULL,
                    apy_measured INTEGER NOT NULL CHECK (apy_measured IN (0, 1)),
                    PRIMARY KEY (scan_id, protocol)
                ) WITHOUT ROWID;

                CREATE TRIGGER balance_scan_append_only BEFORE UPDATE ON balance_scan
                    BEGIN SELECT RAISE(ABORT, 'the position history is append-only'); END;
                CREATE TRIGGER position_history_append_only BEFORE UPDATE ON position_history
                    BEGIN SELECT RAISE(ABORT, 'the position history is append-only'); END;
                """)
        }
        m.registerMigration("v8: transaction receipts") { db in
            // What each mined transaction cost on chain (gas × effective price + L1 fee, in wei), for
            // the books; the step keeps its cost in USD as before.
            try db.execute(sql: """
                CREATE TABLE tx_receipt (
                    hash TEXT PRIMARY KEY NOT NULL,
                    block INTEGER NOT NULL CHECK (block >= 0),
                    succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
                    gas_used INTEGER NOT NULL CHECK (gas_used >= 0),
                    effective_gas_price_wei TEXT NOT NULL,
                    l1_fee_wei TEXT NOT NULL
                ) WITHOUT ROWID
                """)
        }
        m.registerMigration("v20: alert outbox") { db in
            // Alerts are queued in the same transaction as the event that caused them; each notifier's
            // delivery is a row that stays until sent (or grouped into a sent one, or filtered out by
            // severity), with its attempts and the time of the next one. Notifiers are named by a hash
            // of their URL: the URLs are secrets and never stored.
            try db.execute(sql: """
                CREATE TABLE alert_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('info','warning','failure')),
                    title TEXT NOT NULL,
                    message TEXT NOT NULL,
                    group_key TEXT NOT NULL,
                    closed_at TEXT
                );
                CREATE INDEX alert_outbox_open ON alert_outbox(closed_at, id);
                CREATE INDEX alert_outbox_group ON alert_outbox(group_key, created_at);

                CREATE TABLE alert_delivery (
                    alert_id INTEGER NOT NULL REFERENCES alert_outbox(id) ON DELETE CASCADE,
                    notifier TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending','sent','grouped','filtered')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at TEXT NOT NULL,
                    last_error TEXT,
                    sent_at TEXT,
                    PRIMARY KEY (alert_id, notifier)
                ) WITHOUT ROWID;
                CREATE INDEX alert_delivery_due ON alert_delivery(notifier, status, next_attempt_at);
                """)
        }
        m.registerMigration("v21: treasury flows") { db in
            // Each mined deposit and withdraw, at the log position of its step.finished event: what
            // earnings net out. Kept by a trigger in the event's own transaction (so it can never
            // disagree with the log) and filled from the log once here; reading it replaces
            // parsing a year of step events as JSON at every console start and report.
            let succeededFlow = """
                type = 'step.finished' AND json_extract(payload, '$.record.status') = 'succeeded'
                    AND json_extract(payload, '$.record.step') IN ('withdraw', 'deposit')
                """
            try db.execute(sql: """
                CREATE TABLE treasury_flow (
                    seq INTEGER PRIMARY KEY,
                    execution_id TEXT NOT NULL,
                    step TEXT NOT NULL CHECK (step IN ('withdraw', 'deposit')),
                    at TEXT NOT NULL
                );
                CREATE TRIGGER treasury_flow_logged AFTER INSERT ON event
                    WHEN NEW.\(succeededFlow.replacingOccurrences(of: "payload", with: "NEW.payload"))
                    BEGIN
                        INSERT INTO treasury_flow (seq, execution_id, step, at)
                        VALUES (NEW.seq, json_extract(NEW.payload, '$.record.execution_id'), json_extract(NEW.payload, '$.record.step'),
                                coalesce(json_extract(NEW.payload, '$.record.finished_at'), NEW.at));
                    END;
                INSERT INTO treasury_flow (seq, execution_id, step, at)
                    SELECT seq, json_extract(payload, '$.record.execution_id'), json_extract(payload, '$.record.step'),
                           coalesce(json_extract(payload, '$.record.finished_at'), at)
                    FROM event WHERE \(succeededFlow);
                """)
        }
        m.registerMigration("v22: a database belongs to its network's contracts too") { db in
            // Filled at the next open by the engine's claim (older databases keep opening).
            try db.execute(sql: "ALTER TABLE database_identity ADD COLUMN contracts TEXT")
        }
        m.registerMigration("v23: each market's supply and utilization in the position history") { db in
            // What the exit rules watch (a supply that halves, utilization that stays at the top). NULL
            // in rows scanned before: not read then, never a zero.
            try db.execute(sql: """
                ALTER TABLE position_history ADD COLUMN supply_base_units TEXT;
                ALTER TABLE position_history ADD COLUMN utilization TEXT;
                """)
        }
        return m
    }
}
