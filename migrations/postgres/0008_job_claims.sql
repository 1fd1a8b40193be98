-- Every claim of a lane with a cap across processes counts that lane's running jobs.
CREATE INDEX jobs_lane_idx ON jobs (lane, state);
