-- Jobs born passivated store the marker 'birth' in jobs.snapshot instead of their first snapshot
-- (the engine rebuilds it from the row when the job first wakes). No table changes: the version
-- bump is what matters, so that an older jobd, which would read the marker as a broken snapshot,
-- refuses this database instead of failing its queued jobs.
SELECT 1;
