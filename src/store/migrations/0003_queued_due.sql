-- In-process jobs that are queued and due (the engine's pump, at boot and when a backlog frees up).
-- Without it SQLite answered that query through jobs_state, walking every queued row, external and
-- scheduled-for-later ones included: ~0.6 s at boot with a million unfinished jobs. The query names
-- this index (INDEXED BY) so that the worker lease query keeps jobs_queued.
CREATE INDEX jobs_queued_in_process ON jobs (run_at) WHERE state = 'queued' AND in_process = 1;
