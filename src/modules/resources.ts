import { activities } from "./activities/activities-resource.ts";
import { calendarFeeds } from "./calendar-feeds/calendar-feeds-resource.ts";
import { clusters } from "./clusters/clusters-resource.ts";
import { coordinators } from "./coordinators/coordinators-resource.ts";
import { grantApplications } from "./grant-applications/grant-applications-resource.ts";
import { mediaPublications } from "./media-partners/media-partners-publications-resource.ts";
import { mediaPartners } from "./media-partners/media-partners-resource.ts";
import { meetingParticipants } from "./meetings/meeting-participants-resource.ts";
import { meetings } from "./meetings/meetings-resource.ts";
import { memberships } from "./organizations/organization-memberships-resource.ts";
import { organizations } from "./organizations/organizations-resource.ts";
import { webhooks } from "./webhooks/webhooks-resource.ts";

/** Every record type of the API: the record services are built from these, and embedded records found by their key. */
export const RESOURCES = [
  coordinators,
  clusters,
  organizations,
  memberships,
  activities,
  meetings,
  meetingParticipants,
  grantApplications,
  mediaPartners,
  mediaPublications,
  calendarFeeds,
  webhooks,
] as const;
