-- A lane's running jobs are counted at every claim of a lane with a cap across processes.
CREATE INDEX jobs_lane_idx ON jobs (lane, state);
