import { z } from "zod";
import { MembershipRole as MembershipRoleValues } from "../../generated/prisma/enums.ts";

/**
 * Its own module because both organizations-schemas.ts (the `role` filter) and organization-memberships-schemas.ts
 * use it at load time, and those two import each other (an organization embeds its memberships, a membership its
 * organization): a value used at the top level of a module cannot come from across an import cycle.
 */
export const MembershipRole = z.enum(Object.values(MembershipRoleValues) as [MembershipRoleValues, ...MembershipRoleValues[]]).meta({
  id: "MembershipRole",
  description: "The organization's role in the cluster: founder, member, partner or observer.",
});
