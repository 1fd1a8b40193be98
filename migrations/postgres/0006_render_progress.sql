-- How far a running job has come (0 to 1), for jobs that can tell (renders).
ALTER TABLE user_jobs ADD COLUMN progress DOUBLE PRECISION;
CREATE INDEX user_jobs_render_idx ON user_jobs (spreadsheet_id, user_job_type, id);
