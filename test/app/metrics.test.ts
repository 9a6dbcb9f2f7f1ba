import t from "tap";
import { testApp } from "../helper.ts";

t.test("GET /metrics counts requests by route pattern and status", async (t) => {
  const { app } = await testApp(t);
  await app.inject({ method: "GET", url: "/v1/coordinators" });
  await app.inject({ method: "GET", url: "/v1/coordinators/not-a-uuid" });
  await app.inject({ method: "GET", url: "/v1/coordinators/not-a-uuid" });
  const response = await app.inject({ method: "GET", url: "/metrics" });
  t.equal(response.statusCode, 200);
  t.match(response.headers["content-type"], /^text\/plain; version=0\.0\.4/);
  t.match(response.body, /http_requests_total\{method="GET",route="\/v1\/coordinators",status="200"\} 1\n/);
  t.match(response.body, /http_requests_total\{method="GET",route="\/v1\/coordinators\/:id",status="400"\} 2\n/);
  t.match(response.body, /http_request_duration_seconds_bucket\{method="GET",route="\/v1\/coordinators\/:id",status="400",le="\+Inf"\} 2\n/);
  t.match(response.body, /process_resident_memory_bytes \d+/);
  t.notMatch(response.body, /not-a-uuid/, "raw URLs never become labels");
});
