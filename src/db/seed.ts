import type { PrismaClient } from "../generated/prisma/client.ts";
import { coordinatorsService } from "../modules/coordinators/coordinators-service.ts";
import { clustersService } from "../modules/clusters/clusters-service.ts";
import { CoordinatorCreate } from "../modules/coordinators/coordinators-schemas.ts";
import { ClusterCreate } from "../modules/clusters/clusters-schemas.ts";

/**
 * Demo data: the activity log page of the LTPP cluster's coordinator (shared/seed-koordynator-klastra.txt), as
 * records. Written through the services, so it passes the same validation as API input. Idempotent: records are
 * found by their natural keys (coordinator name, cluster short name) and never created twice.
 */

export const DEMO_COORDINATOR = CoordinatorCreate.parse({
  name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
  legalForm: "limited_liability_company",
  address: { city: "Gdańsk", country: "PL" },
  mandateBasis: "Porozumienie Klastra",
});

export const DEMO_CLUSTER = {
  name: "Klaster LTPP",
  shortName: "LTPP",
  sectors: ["logistyka", "transport", "dystrybucja"],
  description: "Klaster LTPP jest innowacyjnym partnerstwem pomorskiego biznesu, nauki i samorządów w branży logistyka, transport, dystrybucja.",
};

export async function seedDemoData(prisma: PrismaClient): Promise<string> {
  const created: string[] = [];
  let coordinator = await prisma.coordinator.findFirst({ where: { name: DEMO_COORDINATOR.name }, orderBy: { createdAt: "asc" } });
  if (!coordinator) {
    const dto = await coordinatorsService(prisma).create(DEMO_COORDINATOR);
    coordinator = (await prisma.coordinator.findUnique({ where: { id: dto.id } }))!;
    created.push("1 coordinator");
  }
  const cluster = await prisma.cluster.findUnique({ where: { shortName: DEMO_CLUSTER.shortName } });
  if (!cluster) {
    await clustersService(prisma).create(ClusterCreate.parse({ ...DEMO_CLUSTER, coordinatorId: coordinator.id }));
    created.push("1 cluster");
  }
  return created.length > 0 ? `created ${created.join(", ")}` : "nothing new: already present";
}
