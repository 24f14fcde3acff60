-- The schema deliverybot 0.1.0 creates on PostgreSQL (SQLModel.metadata.create_all, storage/tables.py at 4b303b1),
-- frozen here so tests/storage/test_migrations.py can build "a database of the old release"
-- whatever storage/tables.py becomes. Never edit: add a new snapshot for a new release.

CREATE TABLE plans (
	id SERIAL NOT NULL,
	slug VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	channel VARCHAR,
	source TEXT NOT NULL,
	source_sha VARCHAR NOT NULL,
	imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (slug),
	UNIQUE (channel)
);

CREATE TABLE leads (
	name VARCHAR NOT NULL,
	added_by VARCHAR NOT NULL,
	added_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (name)
);

CREATE TABLE story_states (
	plan_id INTEGER NOT NULL,
	story_id VARCHAR NOT NULL,
	state VARCHAR NOT NULL,
	assignee VARCHAR,
	reviewer VARCHAR,
	evidence TEXT,
	forced BOOLEAN NOT NULL,
	since TIMESTAMP WITH TIME ZONE,
	version INTEGER NOT NULL,
	PRIMARY KEY (plan_id, story_id),
	FOREIGN KEY(plan_id) REFERENCES plans (id)
);

CREATE TABLE lane_bindings (
	plan_id INTEGER NOT NULL,
	lane VARCHAR NOT NULL,
	person VARCHAR NOT NULL,
	PRIMARY KEY (plan_id, lane),
	FOREIGN KEY(plan_id) REFERENCES plans (id)
);

CREATE TABLE settings (
	plan_id INTEGER NOT NULL,
	key VARCHAR NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (plan_id, key),
	FOREIGN KEY(plan_id) REFERENCES plans (id)
);

CREATE TABLE digest_runs (
	id SERIAL NOT NULL,
	plan_id INTEGER NOT NULL,
	local_date VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	claimed_by VARCHAR NOT NULL,
	claimed_at TIMESTAMP WITH TIME ZONE NOT NULL,
	finished_at TIMESTAMP WITH TIME ZONE,
	message_ts VARCHAR,
	reported BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_digest_plan_date UNIQUE (plan_id, local_date),
	FOREIGN KEY(plan_id) REFERENCES plans (id)
);

CREATE TABLE events (
	id SERIAL NOT NULL,
	plan_id INTEGER NOT NULL,
	story_id VARCHAR,
	action VARCHAR NOT NULL,
	actor VARCHAR NOT NULL,
	from_state VARCHAR,
	to_state VARCHAR,
	evidence TEXT,
	reviewer VARCHAR,
	reason TEXT,
	request_id VARCHAR,
	at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(plan_id, story_id) REFERENCES story_states (plan_id, story_id),
	FOREIGN KEY(plan_id) REFERENCES plans (id),
	UNIQUE (request_id)
);

CREATE INDEX ix_events_plan_at ON events (plan_id, at);

CREATE INDEX ix_events_plan_story ON events (plan_id, story_id, id);
