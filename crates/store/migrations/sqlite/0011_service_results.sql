-- The results a service serves (a screening service serves the screening programme's
-- "people screened" result), so a results page can name the services behind it and a service's
-- page the results it contributes to.
CREATE TABLE service_results (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    result_id TEXT NOT NULL REFERENCES results (id),
    PRIMARY KEY (service_id, result_id)
);
CREATE INDEX service_results_result ON service_results (result_id);
