import type { PrismaClient } from "../../generated/prisma/client.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { ApiError } from "../../lib/problem.ts";
import { calendarMeetings, renderCalendar } from "../meetings/meetings-calendar.ts";
import { hashFeedToken } from "./calendar-feeds-token.ts";

/**
 * The calendar a feed's token opens: the meetings its filters select, named after the feed. The feed is read on every
 * request (no cache), so a deleted feed's link answers 404 from the next request on. The 404 does not repeat the token.
 */
export async function feedCalendar(prisma: PrismaClient, token: string): Promise<string> {
  const feed = await prisma.calendarFeed.findUnique({ where: { tokenHash: hashFeedToken(token) } });
  if (!feed) throw new ApiError("not_found", problemText("calendarFeedNotFound"));
  const meetings = await calendarMeetings(prisma, { clusterId: feed.clusterId ?? undefined, coordinatorId: feed.coordinatorId ?? undefined });
  return renderCalendar(meetings, feed.name);
}
