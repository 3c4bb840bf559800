CREATE TABLE migrations (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
);
CREATE TABLE migration_progress (
    version INTEGER NOT NULL,
    phase TEXT NOT NULL,
    last_key TEXT,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    processed_bytes INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (version, phase)
);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    name TEXT,
    data BLOB NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    started_at INTEGER,
    completed_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    backoff INTEGER NOT NULL DEFAULT 1000,
    ttl INTEGER,
    timeout INTEGER,
    unique_key TEXT,
    custom_id TEXT,
    depends_on BLOB,
    parent_id TEXT,
    children_ids BLOB,
    tags BLOB,
    state TEXT NOT NULL DEFAULT 'waiting',
    lifo INTEGER NOT NULL DEFAULT 0,
    group_id TEXT,
    progress INTEGER DEFAULT 0,
    progress_msg TEXT,
    remove_on_complete INTEGER DEFAULT 0,
    remove_on_fail INTEGER DEFAULT 0,
    fail_parent_on_failure INTEGER NOT NULL DEFAULT 0,
    remove_dependency_on_failure INTEGER NOT NULL DEFAULT 0,
    continue_parent_on_failure INTEGER NOT NULL DEFAULT 0,
    ignore_dependency_on_failure INTEGER NOT NULL DEFAULT 0,
    stall_timeout INTEGER,
    last_heartbeat INTEGER,
    stall_count INTEGER NOT NULL DEFAULT 0,
    timeline BLOB,
    stacktrace BLOB,
    dlq_retry_state BLOB,
    extended_options BLOB
);
CREATE INDEX idx_jobs_queue_state
    ON jobs(queue, state);
CREATE INDEX idx_jobs_queue_created
    ON jobs(queue, created_at, id);
CREATE INDEX idx_jobs_queue_state_created
    ON jobs(queue, state, created_at, id);
CREATE INDEX idx_jobs_run_at
    ON jobs(run_at) WHERE state IN ('waiting', 'prioritized', 'waiting-children', 'delayed');
CREATE INDEX idx_jobs_unique
    ON jobs(queue, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX idx_jobs_custom_id
    ON jobs(custom_id) WHERE custom_id IS NOT NULL;
CREATE INDEX idx_jobs_parent
    ON jobs(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE flow_failures (
    parent_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    child_queue TEXT NOT NULL,
    mode TEXT NOT NULL,
    error TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX idx_flow_failures_parent ON flow_failures(parent_id);
CREATE TABLE dependency_completions (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_dependency_completions_queue
    ON dependency_completions(queue);
CREATE TABLE job_results (
    job_id TEXT PRIMARY KEY,
    result BLOB,
    completed_at INTEGER NOT NULL
);
CREATE TABLE dlq (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    queue TEXT NOT NULL,
    entry BLOB NOT NULL,
    entered_at INTEGER NOT NULL
);
CREATE INDEX idx_dlq_queue ON dlq(queue);
CREATE INDEX idx_dlq_job_id ON dlq(job_id);
CREATE INDEX idx_dlq_entered_at ON dlq(entered_at);
CREATE INDEX idx_jobs_state_started
    ON jobs(state, started_at) WHERE state = 'active';
CREATE INDEX idx_jobs_group_id
    ON jobs(group_id) WHERE group_id IS NOT NULL;
CREATE INDEX idx_jobs_pending_priority
    ON jobs(queue, state, priority DESC, run_at ASC) WHERE state IN ('waiting', 'prioritized', 'waiting-children', 'delayed');
CREATE INDEX idx_jobs_completed_order
    ON jobs(completed_at DESC, id DESC) WHERE state = 'completed';
CREATE INDEX idx_jobs_completed_retention
    ON jobs(queue, COALESCE(completed_at, created_at), id)
    WHERE state = 'completed';
CREATE INDEX idx_jobs_completed_retention_global
    ON jobs(COALESCE(completed_at, created_at), id)
    WHERE state = 'completed';
CREATE TABLE completed_job_counts (
    queue TEXT PRIMARY KEY,
    count INTEGER NOT NULL CHECK (count >= 0)
);
CREATE TRIGGER trg_jobs_completed_insert
AFTER INSERT ON jobs
WHEN NEW.state = 'completed'
BEGIN
    INSERT INTO completed_job_counts(queue, count) VALUES (NEW.queue, 1)
    ON CONFLICT(queue) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER trg_jobs_completed_leave
AFTER UPDATE OF state, queue ON jobs
WHEN OLD.state = 'completed'
 AND (NEW.state <> 'completed' OR NEW.queue <> OLD.queue)
BEGIN
    UPDATE completed_job_counts SET count = count - 1 WHERE queue = OLD.queue;
    DELETE FROM completed_job_counts WHERE queue = OLD.queue AND count = 0;
END;
CREATE TRIGGER trg_jobs_completed_enter
AFTER UPDATE OF state, queue ON jobs
WHEN NEW.state = 'completed'
 AND (OLD.state <> 'completed' OR NEW.queue <> OLD.queue)
BEGIN
    INSERT INTO completed_job_counts(queue, count) VALUES (NEW.queue, 1)
    ON CONFLICT(queue) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER trg_jobs_completed_delete
AFTER DELETE ON jobs
WHEN OLD.state = 'completed'
BEGIN
    UPDATE completed_job_counts SET count = count - 1 WHERE queue = OLD.queue;
    DELETE FROM completed_job_counts WHERE queue = OLD.queue AND count = 0;
END;
CREATE TABLE cron_jobs (
    name TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    job_name TEXT,
    data BLOB NOT NULL,
    schedule TEXT,
    repeat_every INTEGER,
    priority INTEGER NOT NULL DEFAULT 0,
    next_run INTEGER NOT NULL,
    executions INTEGER NOT NULL DEFAULT 0,
    max_limit INTEGER,
    timezone TEXT,
    unique_key TEXT,
    dedup BLOB,
    skip_missed_on_restart INTEGER NOT NULL DEFAULT 0,
    skip_if_no_worker INTEGER NOT NULL DEFAULT 0,
    prevent_overlap INTEGER NOT NULL DEFAULT 1,
    job_options BLOB
);
CREATE TABLE queue_state (
    name TEXT PRIMARY KEY,
    paused INTEGER NOT NULL DEFAULT 0,
    rate_limit INTEGER,
    concurrency_limit INTEGER,
    rate_limit_duration INTEGER,
    rate_limit_expires_at INTEGER,
    stall_enabled INTEGER,
    stall_interval INTEGER,
    max_stalls INTEGER,
    stall_grace_period INTEGER,
    dlq_config BLOB
);
CREATE TABLE group_state (
    queue TEXT NOT NULL,
    group_id TEXT NOT NULL,
    rate_limit INTEGER,
    rate_duration INTEGER,
    concurrency_limit INTEGER,
    paused INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, group_id)
);
CREATE TABLE queue_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    event_type TEXT NOT NULL,
    job_id TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    payload BLOB
);
CREATE INDEX idx_queue_events_queue_id
    ON queue_events(queue, id DESC);
CREATE TABLE queue_metrics_meta (
    queue TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('completed', 'failed')),
    total_count INTEGER NOT NULL DEFAULT 0,
    prev_ts INTEGER NOT NULL DEFAULT 0,
    prev_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, type)
);
CREATE TABLE queue_metric_buckets (
    queue TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('completed', 'failed')),
    minute INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, type, minute)
);
CREATE INDEX idx_queue_metric_buckets_window
    ON queue_metric_buckets(queue, type, minute DESC);
