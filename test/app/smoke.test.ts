import t from "tap";
import { testApp } from "../helper.ts";
import { createCluster } from "../fixtures/records.ts";

t.test("a cluster round-trips through the API", async (t) => {
  const { app } = await testApp(t);
  const cluster = await createCluster(app, { name: "Klaster Łódź–Gdańsk", sectors: ["logistyka", "żegluga"] });
  const got = await app.inject({ method: "GET", url: `/v1/clusters/${cluster.id}?include=coordinator` });
  t.equal(got.statusCode, 200);
  t.equal(got.json().name, "Klaster Łódź–Gdańsk");
  t.ok(got.json().coordinator.id);
  const found = await app.inject({ method: "GET", url: "/v1/clusters?q=lodz%20GDANSK" });
  t.equal(found.json().data.length, 1);
});
