"""The schema revisions, oldest first: `0001_baseline` is the schema of deliverybot 0.1.0."""
