"""Running eventdesk: health, the worker's heartbeat, logs, backups and the schema check."""
