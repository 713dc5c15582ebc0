// When campaign mail may go out: practices message patients in the daytime,
// UK time, so an announcement does not arrive at 3 a.m.

import { nextDay, startOfUkDay, ukLocalDay } from "./calendar";

export interface SendingHours {
  /** Minutes after UK midnight that sending may begin, and must stop. */
  startMinute: number;
  endMinute: number;
}

export const DEFAULT_SENDING_HOURS: SendingHours = { startMinute: 8 * 60, endMinute: 20 * 60 };

const RANGE = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$/;

/** "08:00-20:00" → sending hours; null when malformed or the end is not after the start. */
export function parseSendingHours(text: string): SendingHours | null {
  const match = RANGE.exec(text.replace(/[–—]/g, "-").replace(/\s+/g, ""));
  if (!match) return null;
  const startMinute = Number(match[1]) * 60 + Number(match[2]);
  const endMinute = Number(match[3]) * 60 + Number(match[4]);
  if (endMinute > 24 * 60 || endMinute <= startMinute) return null;
  return { startMinute, endMinute };
}

export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** "08:00–20:00 UK time", for people. */
export function describeSendingHours(hours: SendingHours): string {
  return `${formatMinute(hours.startMinute)}–${formatMinute(hours.endMinute)} UK time`;
}

const londonTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Minutes since UK midnight of an instant. */
export function ukMinuteOfDay(instant: Date): number {
  const parts = londonTime.formatToParts(instant);
  const value = (type: "hour" | "minute") => Number(parts.find((p) => p.type === type)?.value);
  return value("hour") * 60 + value("minute");
}

export function isWithinSendingHours(instant: Date, hours: SendingHours): boolean {
  const minute = ukMinuteOfDay(instant);
  return minute >= hours.startMinute && minute < hours.endMinute;
}

/** The UK instant of a wall-clock minute on a UK day (clocks change at 01:00/02:00, outside any sensible window). */
export function ukInstant(day: string, minute: number): Date {
  const midnight = startOfUkDay(day);
  const guess = new Date(midnight.getTime() + minute * 60_000);
  // Across a clock change the offset from midnight is an hour out: correct it.
  const drift = ukMinuteOfDay(guess) - (minute % (24 * 60));
  return drift === 0 ? guess : new Date(guess.getTime() - drift * 60_000);
}

/** `instant` itself when sending is allowed then, otherwise when sending hours next begin. */
export function nextSendingTime(instant: Date, hours: SendingHours): Date {
  if (isWithinSendingHours(instant, hours)) return instant;
  const today = ukLocalDay(instant);
  const minute = ukMinuteOfDay(instant);
  return ukInstant(minute < hours.startMinute ? today : nextDay(today), hours.startMinute);
}
