-- Stored snapshots no longer repeat the job's input: where it was, they hold a marker
-- {"jobd$$input": [path]} and the engine puts the row's input back when it restores the actor. No
-- table changes: the version bump is what matters, so that an older jobd, which would restore the
-- markers as they are, refuses this database instead.
SELECT 1;
