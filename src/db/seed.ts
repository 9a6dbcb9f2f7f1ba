import type { PrismaClient } from "../generated/prisma/client.ts";
import { ActivityCreate } from "../modules/activities/activities-schemas.ts";
import { ClusterCreate } from "../modules/clusters/clusters-schemas.ts";
import { CoordinatorCreate } from "../modules/coordinators/coordinators-schemas.ts";
import { grantApplicationStatusService } from "../modules/grant-applications/grant-application-status-service.ts";
import { GrantApplicationTransition } from "../modules/grant-applications/grant-application-status-schemas.ts";
import { GrantApplicationCreate } from "../modules/grant-applications/grant-applications-schemas.ts";
import { MediaPartnerCreate } from "../modules/media-partners/media-partners-schemas.ts";
import { MeetingCreate } from "../modules/meetings/meetings-schemas.ts";
import { OrganizationCreate } from "../modules/organizations/organizations-schemas.ts";
import { recordServices } from "../lib/record-services.ts";
import { activities } from "../modules/activities/activities-resource.ts";
import { clusters } from "../modules/clusters/clusters-resource.ts";
import { coordinators } from "../modules/coordinators/coordinators-resource.ts";
import { grantApplications } from "../modules/grant-applications/grant-applications-resource.ts";
import { mediaPartners } from "../modules/media-partners/media-partners-resource.ts";
import { meetings } from "../modules/meetings/meetings-resource.ts";
import { organizations } from "../modules/organizations/organizations-resource.ts";
import { RESOURCES } from "../modules/resources.ts";
import { ACTIVITIES, CLUSTER, COORDINATOR, GRANT_APPLICATIONS, MEDIA_PARTNERS, MEETINGS, ORGANIZATIONS, type ActivityRef, type OrganizationRef } from "./demo-data.ts";

/**
 * Loads the demo dataset (src/db/demo-data.ts) through the services, so it passes the same validation as API input.
 * Idempotent: every record is looked up by its natural key first and only created when missing, so running it
 * twice creates nothing new. Returns a one-line summary of what it created.
 */
export async function seedDemoData(prisma: PrismaClient): Promise<string> {
  const records = recordServices(prisma, RESOURCES);
  const created = new Map<string, number>();
  const count = (kind: string) => created.set(kind, (created.get(kind) ?? 0) + 1);

  /** The id of an existing record, or of the one `create` makes. */
  async function ensure(kind: string, existing: { id: string } | null, create: () => Promise<{ id: string }>): Promise<string> {
    if (existing) return existing.id;
    count(kind);
    return (await create()).id;
  }

  const coordinatorId = await ensure(
    "coordinator",
    await prisma.coordinator.findFirst({ where: { name: COORDINATOR.name }, orderBy: { createdAt: "asc" } }),
    () => records.of(coordinators).create(CoordinatorCreate.parse(COORDINATOR)),
  );

  const clusterId = await ensure("cluster", await prisma.cluster.findUnique({ where: { shortName: CLUSTER.shortName } }), () =>
    records.of(clusters).create(ClusterCreate.parse({ ...CLUSTER, coordinatorId })),
  );

  const organizationIds = {} as Record<OrganizationRef, string>;
  for (const [ref, organization] of Object.entries(ORGANIZATIONS) as Array<[OrganizationRef, (typeof ORGANIZATIONS)[OrganizationRef]]>) {
    organizationIds[ref] = await ensure("organization", await prisma.organization.findFirst({ where: { name: organization.name } }), () =>
      records.of(organizations).create(OrganizationCreate.parse(organization)),
    );
  }

  const mediaPartnerIds: string[] = [];
  for (const partner of MEDIA_PARTNERS) {
    mediaPartnerIds.push(
      await ensure("media partner", await prisma.mediaPartner.findFirst({ where: { name: partner.name } }), () =>
        records.of(mediaPartners).create(MediaPartnerCreate.parse({ ...partner, coordinatorId })),
      ),
    );
  }

  const activityIds = {} as Record<ActivityRef, string>;
  for (const [ref, activity] of Object.entries(ACTIVITIES) as Array<[ActivityRef, Record<string, unknown>]>) {
    const links = ref === "media" ? { mediaPartnerIds } : {};
    activityIds[ref] = await ensure(
      "activity",
      await prisma.activity.findFirst({ where: { title: activity.title as string, year: activity.year as number } }),
      () => records.of(activities).create(ActivityCreate.parse({ ...activity, ...links, coordinatorId, clusterId })),
    );
  }

  for (const { activity, meeting } of MEETINGS) {
    await ensure("meeting", await prisma.meeting.findFirst({ where: { title: meeting.title } }), () =>
      records.of(meetings).create(MeetingCreate.parse({ ...meeting, activityId: activityIds[activity] })),
    );
  }

  for (const { activity, fundingBody, partners, application, transitions } of GRANT_APPLICATIONS) {
    const existing = await prisma.grantApplication.findFirst({ where: { title: application.title as string } });
    if (existing) continue;
    const created = await records.of(grantApplications).create(
      GrantApplicationCreate.parse({
        ...application,
        applicantId: coordinatorId,
        clusterId,
        activityId: activityIds[activity],
        fundingBodyId: organizationIds[fundingBody],
        partners: partners.map((partner) => ({ organizationId: organizationIds[partner.organization], role: partner.role })),
      }),
    );
    count("grant application");
    for (const transition of transitions) {
      await grantApplicationStatusService(prisma).transition(created.id, GrantApplicationTransition.parse(transition), undefined);
    }
  }

  const plural = (kind: string, n: number) => (n === 1 ? kind : kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`);
  return created.size === 0
    ? "nothing new: already present"
    : `created ${[...created].map(([kind, n]) => `${n} ${plural(kind, n)}`).join(", ")}`;
}
