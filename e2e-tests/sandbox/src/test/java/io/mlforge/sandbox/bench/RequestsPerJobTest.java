package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.controlplane.ControlPlane.AuditedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's requests counted job by job, split by whether the job passed through Starting. */
class RequestsPerJobTest {
    private static AuditedRequest request(String verb, String resource, String subresource, String name) {
        return new AuditedRequest(verb, "", resource, subresource, "default", name, 200, false, "/");
    }

    @Test
    void requestsAreCountedForTheJobTheyAreAboutAndSplitByStarting() {
        RequestsPerJob perJob = new RequestsPerJob();
        // a: pod started promptly; b: its pod waited on the node; Pending seen twice in a row counts once
        for (String phase : List.of("Pending", "Pending", "Running", "Completed")) {
            perJob.seen("a", phase);
        }
        for (String phase : List.of("Pending", "Starting", "Running", "Completed")) {
            perJob.seen("b", phase);
        }
        List<AuditedRequest> requests = new ArrayList<>();
        for (String job : List.of("a", "b")) {
            requests.add(request("create", "pods", "", job + "-f00d-1"));
            requests.add(request("create", "events", "", job + ".17a2b"));
            requests.add(request("create", "events", "", job + ".17a2c"));
        }
        for (int i = 0; i < 3; i++) {
            requests.add(request("update", "trainingjobs", "status", "a"));
        }
        for (int i = 0; i < 4; i++) {
            requests.add(request("update", "trainingjobs", "status", "b"));
        }
        requests.add(request("watch", "pods", "", ""));
        requests.add(request("list", "trainingjobs", "", null));
        requests.add(request("create", "events", "", "someone-else.17a2d"));

        Map<String, Object> figures = new LinkedHashMap<>();
        perJob.report(figures, requests, Map.of("a-f00d-1", "a", "b-f00d-1", "b"));

        assertThat(figures)
                .containsEntry("operator_jobs_through_starting", 1)
                .containsEntry("operator_api_requests_per_job_without_starting", 6.0)
                .containsEntry("operator_api_requests_per_job_through_starting", 7.0)
                .containsEntry("operator_api_requests_not_per_job", 3L)
                // 7 status writes for 7 phases seen (3 for a, 4 for b)
                .containsEntry("operator_status_writes_per_phase_change", 1.0);
        assertThat(figures.get("operator_api_requests_per_job_by_group"))
                .isEqualTo(Map.of(
                        "without_starting",
                        Map.of("create events", 2.0, "create pods", 1.0, "update trainingjobs/status", 3.0),
                        "through_starting",
                        Map.of("create events", 2.0, "create pods", 1.0, "update trainingjobs/status", 4.0)));
    }

    @Test
    void aWriteThatChangesNoPhaseShowsAboveOneWritePerPhaseChange() {
        RequestsPerJob perJob = new RequestsPerJob();
        perJob.seen("a", "Pending");
        perJob.seen("a", "Completed");
        Map<String, Object> figures = new LinkedHashMap<>();
        perJob.report(
                figures,
                List.of(
                        request("update", "trainingjobs", "status", "a"),
                        request("update", "trainingjobs", "status", "a"),
                        request("update", "trainingjobs", "status", "a")),
                Map.of());
        assertThat(figures).containsEntry("operator_status_writes_per_phase_change", 1.5);
    }
}
